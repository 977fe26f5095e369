-- Sealed backups (jemput sync --backup / --continuous): each kit's newest
-- copy of its captured-but-unapproved applications, kept apart from the
-- applications the office received. The body stays sealed to the office's
-- age key and signed by the kit, exactly as the kit sent it.
CREATE TABLE backups (
	kit         TEXT PRIMARY KEY REFERENCES kits(code),
	received_at TEXT NOT NULL,
	created_at  TEXT NOT NULL,  -- when the kit made it
	records     INTEGER NOT NULL,
	photos      INTEGER NOT NULL,
	body        BLOB NOT NULL
);
