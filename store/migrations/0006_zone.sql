-- The kit's own time zone (IANA name), set at init from the office's
-- province: every date the kit shows or puts in a number is in it, whatever
-- the laptop's TZ says. Stored times stay UTC instants. '' = a kit made
-- before zones were kept, read as Asia/Makassar (WITA).
ALTER TABLE kit ADD COLUMN zone TEXT NOT NULL DEFAULT '';
