-- The central office on PostgreSQL: the same tables as central/sqlite's
-- 0001_central.sql, in PostgreSQL's types. Identifiers are compared and
-- ordered byte by byte (COLLATE "C"), as SQLite does, whatever the
-- database's locale. A time not yet known is NULL.

CREATE TABLE office (
	id           integer PRIMARY KEY CHECK (id = 1),
	name         text NOT NULL,
	signing_key  bytea NOT NULL,   -- ed25519 private key, 64 bytes
	age_identity text NOT NULL,    -- AGE-SECRET-KEY-1...
	created_at   timestamptz NOT NULL
);

CREATE TABLE kits (
	code        text COLLATE "C" PRIMARY KEY,
	public_key  bytea,             -- NULL until enrolled
	added_at    timestamptz NOT NULL,
	enrolled_at timestamptz
);

CREATE TABLE tokens (
	secret_hash text PRIMARY KEY,  -- hex SHA-256 of the token's secret
	kit         text COLLATE "C" NOT NULL REFERENCES kits(code),
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz
);

-- Every signed request's nonce, in the database so that a replay is
-- refused by every office process and after a restart.
CREATE TABLE nonces (
	kit   text NOT NULL,
	nonce text NOT NULL,
	at    timestamptz NOT NULL,
	PRIMARY KEY (kit, nonce)
);
CREATE INDEX nonces_at ON nonces (at);

-- One row per application version, exactly as the kit sent it. The
-- primary key is what makes a version arrive once, whichever process
-- receives it.
CREATE TABLE records (
	id          text COLLATE "C" PRIMARY KEY,  -- app_id/version
	app_id      text COLLATE "C" NOT NULL,
	version     integer NOT NULL,
	kit         text COLLATE "C" NOT NULL,
	number      text COLLATE "C" NOT NULL,
	hash        text NOT NULL,
	body        bytea NOT NULL,
	received_at timestamptz NOT NULL,
	via         text NOT NULL CHECK (via IN ('online', 'import')),
	UNIQUE (app_id, version)
);
CREATE INDEX records_kit ON records (kit, received_at);

-- One row per application: its current (highest) version and the office's
-- status.
CREATE TABLE applications (
	app_id        text COLLATE "C" PRIMARY KEY,
	kit           text COLLATE "C" NOT NULL,
	number        text COLLATE "C" NOT NULL,
	version       integer NOT NULL,
	form          text NOT NULL,
	form_version  integer NOT NULL,
	kit_status    text NOT NULL,
	event_id      text COLLATE "C" NOT NULL,
	event_type    text NOT NULL,
	event_name    text NOT NULL,
	event_place   text NOT NULL,
	event_date    text COLLATE "C" NOT NULL,
	province      text COLLATE "C" NOT NULL DEFAULT '',
	regency       text COLLATE "C" NOT NULL DEFAULT '',
	district      text COLLATE "C" NOT NULL DEFAULT '',
	created_at    timestamptz,
	received_at   timestamptz,
	status        text NOT NULL DEFAULT 'received',
	status_reason text NOT NULL DEFAULT '',
	pickup        text NOT NULL DEFAULT '',
	updated_at    timestamptz
);
CREATE INDEX applications_number ON applications (number);
CREATE INDEX applications_kit ON applications (kit, status);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE conflicts (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	record_id    text COLLATE "C" NOT NULL,
	kit          text COLLATE "C" NOT NULL,
	held_hash    text NOT NULL,
	offered_hash text NOT NULL,
	body         bytea NOT NULL,   -- the version offered, kept for the supervisor
	at           timestamptz NOT NULL,
	UNIQUE (record_id, offered_hash)
);

CREATE TABLE attachments (
	sha256     text PRIMARY KEY,
	total      bigint NOT NULL,
	held       bigint NOT NULL DEFAULT 0,
	complete   boolean NOT NULL DEFAULT false,
	data       bytea,              -- the whole file once complete and verified
	kit        text NOT NULL,
	updated_at timestamptz NOT NULL
);

-- Parts of attachments not yet whole, one row per frame received: the
-- upload's progress, in the database, so that any process goes on where
-- another stopped.
CREATE TABLE attachment_chunks (
	sha256      text NOT NULL,
	byte_offset bigint NOT NULL,
	data        bytea NOT NULL,
	PRIMARY KEY (sha256, byte_offset)
);

-- The office's decisions, numbered for the kits in the order they commit
-- (see AddStatus).
CREATE TABLE statuses (
	seq    bigint PRIMARY KEY CHECK (seq > 0),
	app_id text COLLATE "C" NOT NULL REFERENCES applications(app_id),
	kit    text COLLATE "C" NOT NULL,
	number text NOT NULL,
	status text NOT NULL,
	reason text NOT NULL DEFAULT '',
	pickup text NOT NULL DEFAULT '',
	at     timestamptz NOT NULL
);
CREATE INDEX statuses_kit ON statuses (kit, seq);

-- The kits' audit logs as received; a repeat of kit+seq is ignored.
CREATE TABLE audit (
	kit         text COLLATE "C" NOT NULL,
	seq         bigint NOT NULL,
	at          timestamptz,
	officer     text NOT NULL,
	action      text NOT NULL,
	entity      text NOT NULL,
	entity_id   text NOT NULL,
	reason      text NOT NULL,
	detail      text NOT NULL,
	prev_hash   text NOT NULL,
	hash        text NOT NULL,
	received_at timestamptz NOT NULL,
	PRIMARY KEY (kit, seq)
);
