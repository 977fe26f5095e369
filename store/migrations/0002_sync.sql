-- Review, sync and the office's answers.

-- The central office this kit is enrolled with (one row).
CREATE TABLE office (
	id                INTEGER PRIMARY KEY CHECK (id = 1),
	url               TEXT NOT NULL,
	name              TEXT NOT NULL,
	signing_key       BLOB NOT NULL,
	sealing_recipient TEXT NOT NULL,
	tls_cert_sha256   TEXT NOT NULL DEFAULT '',
	enrolled_at       TEXT NOT NULL
);

-- One row per application version the office has answered for.
CREATE TABLE acks (
	record_id  TEXT PRIMARY KEY,          -- app_id/version
	app_id     TEXT NOT NULL REFERENCES applications(id),
	version    INTEGER NOT NULL,
	hash       TEXT NOT NULL,
	result     TEXT NOT NULL,             -- stored, duplicate, conflict, missing_attachment
	message    TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL
);
CREATE INDEX acks_app ON acks (app_id);

-- What the office says about applications: accepted, rejected, ready.
CREATE TABLE office_statuses (
	seq     INTEGER PRIMARY KEY,          -- the office's sequence
	app_id  TEXT NOT NULL,
	status  TEXT NOT NULL,
	reason  TEXT NOT NULL DEFAULT '',
	pickup  TEXT NOT NULL DEFAULT '',
	at      TEXT NOT NULL
);
CREATE INDEX office_statuses_app ON office_statuses (app_id);

-- Kit settings (sync discipline limits and the like).
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Records written to an export file (USB), so that the sync discipline
-- counts them as on their way.
CREATE TABLE exported (
	record_id TEXT PRIMARY KEY,
	file      TEXT NOT NULL,
	at        TEXT NOT NULL
);
