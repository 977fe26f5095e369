-- Versions the kit has started to send: once a record may have reached the
-- office, the kit does not void, return or edit it until the office has
-- answered (jemput sync or sync import-acks).
CREATE TABLE offered (
	record_id TEXT PRIMARY KEY,
	at        TEXT NOT NULL
);
