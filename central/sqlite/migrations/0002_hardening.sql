-- Issue 8, the office holds against hostile clients.

-- The office's secret keys leave the database (they go to its key file,
-- moved there by the office on first open); only their fingerprint stays,
-- so that a key file of another office is noticed.
ALTER TABLE office ADD COLUMN key_fingerprint TEXT NOT NULL DEFAULT '';

-- Every key a kit has held, so that a replaced or revoked key's requests
-- get an answer that says so. kits.public_key stays the current key (NULL
-- once revoked).
CREATE TABLE kit_keys (
	kit         TEXT NOT NULL REFERENCES kits(code),
	public_key  BLOB NOT NULL,
	enrolled_at TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'current' CHECK (state IN ('current', 'replaced', 'revoked')),
	since       TEXT NOT NULL DEFAULT '',  -- when replaced or revoked
	reason      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (kit, public_key)
);
INSERT INTO kit_keys (kit, public_key, enrolled_at)
	SELECT code, public_key, enrolled_at FROM kits WHERE public_key IS NOT NULL;
ALTER TABLE kits ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
ALTER TABLE kits ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';

-- Which photo a record refers to (attachments no record refers to are
-- pruned), and numbers looked up for ownership.
ALTER TABLE records ADD COLUMN photo TEXT NOT NULL DEFAULT '';
UPDATE records SET photo = coalesce(json_extract(CAST(body AS TEXT), '$.photo'), '')
	WHERE json_valid(CAST(body AS TEXT));
CREATE INDEX records_photo ON records (photo) WHERE photo != '';
CREATE INDEX records_number ON records (number);

-- What each kit has sent of an attachment not yet whole is its own: one
-- kit's frames cannot block or corrupt another's. attachments keeps only
-- whole, verified ones.
CREATE TABLE attachment_parts (
	sha256     TEXT NOT NULL,
	kit        TEXT NOT NULL,
	total      INTEGER NOT NULL,
	held       INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (sha256, kit)
) WITHOUT ROWID;
CREATE INDEX attachment_parts_kit ON attachment_parts (kit);
CREATE INDEX attachment_parts_updated ON attachment_parts (updated_at);

CREATE TABLE attachment_frames (
	sha256 TEXT NOT NULL,
	kit    TEXT NOT NULL,
	offset INTEGER NOT NULL,
	data   BLOB NOT NULL,
	PRIMARY KEY (sha256, kit, offset)
) WITHOUT ROWID;

INSERT INTO attachment_parts (sha256, kit, total, held, updated_at)
	SELECT sha256, kit, total, held, updated_at FROM attachments WHERE complete = 0;
INSERT INTO attachment_frames (sha256, kit, offset, data)
	SELECT c.sha256, a.kit, c.offset, c.data FROM attachment_chunks c JOIN attachments a ON a.sha256 = c.sha256 WHERE a.complete = 0;
DROP TABLE attachment_chunks;
DELETE FROM attachments WHERE complete = 0;
