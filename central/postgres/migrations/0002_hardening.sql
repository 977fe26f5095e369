-- Issue 8, the office holds against hostile clients: central/sqlite's
-- 0002_hardening.sql in PostgreSQL's types.

-- The office's secret keys leave the database (the office moves them to
-- its key file on first open); only their fingerprint stays.
ALTER TABLE office ADD COLUMN key_fingerprint text NOT NULL DEFAULT '';

-- Every key a kit has held; kits.public_key stays the current one (NULL
-- once revoked).
CREATE TABLE kit_keys (
	kit         text COLLATE "C" NOT NULL REFERENCES kits(code),
	public_key  bytea NOT NULL,
	enrolled_at timestamptz NOT NULL,
	state       text NOT NULL DEFAULT 'current' CHECK (state IN ('current', 'replaced', 'revoked')),
	since       timestamptz,       -- when replaced or revoked
	reason      text NOT NULL DEFAULT '',
	PRIMARY KEY (kit, public_key)
);
INSERT INTO kit_keys (kit, public_key, enrolled_at)
	SELECT code, public_key, coalesce(enrolled_at, added_at) FROM kits WHERE public_key IS NOT NULL;
ALTER TABLE kits ADD COLUMN revoked_at timestamptz;
ALTER TABLE kits ADD COLUMN revoked_reason text NOT NULL DEFAULT '';

-- Which photo a record refers to, and numbers looked up for ownership.
ALTER TABLE records ADD COLUMN photo text NOT NULL DEFAULT '';
UPDATE records SET photo = coalesce(convert_from(body, 'UTF8')::jsonb ->> 'photo', '');
CREATE INDEX records_photo ON records (photo) WHERE photo <> '';
CREATE INDEX records_number ON records (number);

-- What each kit has sent of an attachment not yet whole is its own.
CREATE TABLE attachment_parts (
	sha256     text NOT NULL,
	kit        text COLLATE "C" NOT NULL,
	total      bigint NOT NULL,
	held       bigint NOT NULL DEFAULT 0,
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (sha256, kit)
);
CREATE INDEX attachment_parts_kit ON attachment_parts (kit);
CREATE INDEX attachment_parts_updated ON attachment_parts (updated_at);

CREATE TABLE attachment_frames (
	sha256      text NOT NULL,
	kit         text COLLATE "C" NOT NULL,
	byte_offset bigint NOT NULL,
	data        bytea NOT NULL,
	PRIMARY KEY (sha256, kit, byte_offset)
);

INSERT INTO attachment_parts (sha256, kit, total, held, updated_at)
	SELECT sha256, kit, total, held, updated_at FROM attachments WHERE NOT complete;
INSERT INTO attachment_frames (sha256, kit, byte_offset, data)
	SELECT c.sha256, a.kit, c.byte_offset, c.data FROM attachment_chunks c JOIN attachments a ON a.sha256 = c.sha256 WHERE NOT a.complete;
DROP TABLE attachment_chunks;
DELETE FROM attachments WHERE NOT complete;
