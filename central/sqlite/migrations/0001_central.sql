-- The central office: its keys, the kits it enrolled, what they sent, and
-- the statuses it sends back.

CREATE TABLE office (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	name         TEXT NOT NULL,
	signing_key  BLOB NOT NULL,   -- ed25519 private key, 64 bytes
	age_identity TEXT NOT NULL,   -- AGE-SECRET-KEY-1...
	created_at   TEXT NOT NULL
);

CREATE TABLE kits (
	code        TEXT PRIMARY KEY,
	public_key  BLOB,              -- NULL until enrolled
	added_at    TEXT NOT NULL,
	enrolled_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tokens (
	secret_hash TEXT PRIMARY KEY,  -- hex SHA-256 of the token's secret
	kit         TEXT NOT NULL REFERENCES kits(code),
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	used_at     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE nonces (
	kit   TEXT NOT NULL,
	nonce TEXT NOT NULL,
	at    TEXT NOT NULL,
	PRIMARY KEY (kit, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_at ON nonces (at);

-- One row per application version, exactly as the kit sent it.
CREATE TABLE records (
	id          TEXT PRIMARY KEY,  -- app_id/version
	app_id      TEXT NOT NULL,
	version     INTEGER NOT NULL,
	kit         TEXT NOT NULL,
	number      TEXT NOT NULL,
	hash        TEXT NOT NULL,
	body        BLOB NOT NULL,
	received_at TEXT NOT NULL,
	via         TEXT NOT NULL      -- online | import
);
CREATE INDEX records_app ON records (app_id, version);

-- One row per application: its current (highest) version and the office's
-- status.
CREATE TABLE applications (
	app_id        TEXT PRIMARY KEY,
	kit           TEXT NOT NULL,
	number        TEXT NOT NULL,
	version       INTEGER NOT NULL,
	form          TEXT NOT NULL,
	form_version  INTEGER NOT NULL,
	kit_status    TEXT NOT NULL,
	event_id      TEXT NOT NULL,
	event_type    TEXT NOT NULL,
	event_name    TEXT NOT NULL,
	event_place   TEXT NOT NULL,
	event_date    TEXT NOT NULL,
	province      TEXT NOT NULL DEFAULT '',
	regency       TEXT NOT NULL DEFAULT '',
	district      TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	received_at   TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'received',
	status_reason TEXT NOT NULL DEFAULT '',
	pickup        TEXT NOT NULL DEFAULT '',
	updated_at    TEXT NOT NULL
);
CREATE INDEX applications_number ON applications (number);
CREATE INDEX applications_kit ON applications (kit, status);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE conflicts (
	id           INTEGER PRIMARY KEY,
	record_id    TEXT NOT NULL,
	kit          TEXT NOT NULL,
	held_hash    TEXT NOT NULL,
	offered_hash TEXT NOT NULL,
	body         BLOB NOT NULL,    -- the version offered, kept for the supervisor
	at           TEXT NOT NULL,
	UNIQUE (record_id, offered_hash)
);

CREATE TABLE attachments (
	sha256     TEXT PRIMARY KEY,
	total      INTEGER NOT NULL,
	held       INTEGER NOT NULL DEFAULT 0,
	complete   INTEGER NOT NULL DEFAULT 0,
	data       BLOB,               -- the whole file once complete and verified
	kit        TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Parts of attachments not yet whole, one row per frame received.
CREATE TABLE attachment_chunks (
	sha256 TEXT NOT NULL,
	offset INTEGER NOT NULL,
	data   BLOB NOT NULL,
	PRIMARY KEY (sha256, offset)
) WITHOUT ROWID;

CREATE TABLE statuses (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id TEXT NOT NULL REFERENCES applications(app_id),
	kit    TEXT NOT NULL,
	number TEXT NOT NULL,
	status TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	pickup TEXT NOT NULL DEFAULT '',
	at     TEXT NOT NULL
);
CREATE INDEX statuses_kit ON statuses (kit, seq);

-- The kits' audit logs as received; a repeat of kit+seq is ignored.
CREATE TABLE audit (
	kit         TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	at          TEXT NOT NULL,
	officer     TEXT NOT NULL,
	action      TEXT NOT NULL,
	entity      TEXT NOT NULL,
	entity_id   TEXT NOT NULL,
	reason      TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL,
	received_at TEXT NOT NULL,
	PRIMARY KEY (kit, seq)
);
