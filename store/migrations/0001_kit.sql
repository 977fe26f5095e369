-- The field kit's database. Each application version is stored as one
-- document (versions.doc); applications holds the few columns needed to
-- find an application and points at its current version.

CREATE TABLE kit (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	code       TEXT NOT NULL,
	office     TEXT NOT NULL,
	public_key BLOB,
	created_at TEXT NOT NULL
);

CREATE TABLE officers (
	id           TEXT PRIMARY KEY,
	nip          TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	role         TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
	pin_hash     TEXT NOT NULL,
	failed_pins  INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);

CREATE TABLE session (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	officer_id TEXT NOT NULL REFERENCES officers(id),
	since      TEXT NOT NULL
);

CREATE TABLE events (
	id        TEXT PRIMARY KEY,
	type      TEXT NOT NULL,
	name      TEXT NOT NULL,
	place     TEXT NOT NULL,
	date      TEXT NOT NULL,
	opened_by TEXT NOT NULL REFERENCES officers(id),
	opened_at TEXT NOT NULL,
	closed_at TEXT NOT NULL DEFAULT ''
);
-- One open event per kit, held by the database itself.
CREATE UNIQUE INDEX events_one_open ON events (closed_at) WHERE closed_at = '';

CREATE TABLE sequences (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

CREATE TABLE applications (
	id           TEXT PRIMARY KEY,
	number       TEXT UNIQUE,
	event_id     TEXT NOT NULL REFERENCES events(id),
	form_id      TEXT NOT NULL,
	form_version INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	status       TEXT NOT NULL,
	officer_id   TEXT NOT NULL REFERENCES officers(id),
	roster_no    INTEGER NOT NULL DEFAULT 0,
	receipts     INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	nik          TEXT NOT NULL DEFAULT '',
	search       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX applications_event ON applications (event_id, status);
CREATE INDEX applications_status ON applications (status);
CREATE INDEX applications_nik ON applications (nik) WHERE nik <> '';

CREATE TABLE versions (
	app_id     TEXT NOT NULL REFERENCES applications(id),
	version    INTEGER NOT NULL,
	status     TEXT NOT NULL,
	officer_id TEXT NOT NULL REFERENCES officers(id),
	reason     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	doc        BLOB NOT NULL,
	PRIMARY KEY (app_id, version)
);

CREATE TABLE transitions (
	id          INTEGER PRIMARY KEY,
	app_id      TEXT NOT NULL REFERENCES applications(id),
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	officer_id  TEXT NOT NULL REFERENCES officers(id),
	reason      TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL
);
CREATE INDEX transitions_app ON transitions (app_id);

CREATE TABLE attachments (
	sha256 TEXT PRIMARY KEY,
	size   INTEGER NOT NULL,
	data   BLOB NOT NULL
);

CREATE TABLE roster_entries (
	event_id    TEXT NOT NULL REFERENCES events(id),
	no          INTEGER NOT NULL,
	line        INTEGER NOT NULL,
	doc         BLOB NOT NULL,
	app_id      TEXT REFERENCES applications(id),
	imported_at TEXT NOT NULL,
	PRIMARY KEY (event_id, no)
);

CREATE TABLE audit (
	seq        INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	officer_id TEXT NOT NULL,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	entity_id  TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT '',
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
);

-- Nothing an officer does deletes data, and history is never rewritten.
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER versions_immutable_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'application versions are never changed'); END;
CREATE TRIGGER versions_immutable_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'application versions are never deleted'); END;
CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications
BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;
CREATE TRIGGER transitions_no_change BEFORE UPDATE ON transitions
BEGIN SELECT RAISE(ABORT, 'transitions are never changed'); END;
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
BEGIN SELECT RAISE(ABORT, 'transitions are never deleted'); END;
