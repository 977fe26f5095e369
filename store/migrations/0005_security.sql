-- Kit security (issue 7): applicant data sealed with the kit's data key,
-- key slots, MACs that only a key holder can make.

-- The kit's random id (sessions and the key check are bound to it), the
-- check that tells whether a secret is this kit's ('' until the kit is
-- encrypted), the device key sealed under the data key, and the secret
-- sealed to the office's key for recovery.
ALTER TABLE kit ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE kit ADD COLUMN key_check TEXT NOT NULL DEFAULT '';
ALTER TABLE kit ADD COLUMN device_key BLOB;
ALTER TABLE kit ADD COLUMN recovery BLOB;

-- seal: MAC of the officer's row under the supervisor key.
ALTER TABLE officers ADD COLUMN seal TEXT NOT NULL DEFAULT '';
ALTER TABLE officers ADD COLUMN disabled_at TEXT NOT NULL DEFAULT '';

-- One slot per officer: the secret wrapped under a key derived from the
-- officer's PIN (argon2id). Supervisors' slots also hold the supervisor key.
CREATE TABLE key_slots (
	officer_id TEXT PRIMARY KEY REFERENCES officers(id),
	slot       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- find: the identity number and search text, sealed. nik now holds a
-- keyed hash (blind index), search the keyed tokens of the search text.
ALTER TABLE applications ADD COLUMN find BLOB;
ALTER TABLE applications ADD COLUMN purged_at TEXT NOT NULL DEFAULT '';

-- mac: HMAC of the entry's hash under the kit's key ('' for entries
-- written before anyone unlocked the kit: failed logins).
ALTER TABLE audit ADD COLUMN mac TEXT NOT NULL DEFAULT '';
-- Failed logins are counted from the audit log, not from a column an
-- editor could reset.
CREATE INDEX audit_entity ON audit (entity, entity_id, seq);

-- A version never changes, except that purge may empty its document.
DROP TRIGGER versions_immutable_update;
CREATE TRIGGER versions_immutable_update BEFORE UPDATE ON versions
WHEN NOT (length(NEW.doc) = 0 AND NEW.app_id = OLD.app_id AND NEW.version = OLD.version AND NEW.status = OLD.status
	AND NEW.officer_id = OLD.officer_id AND NEW.reason = OLD.reason AND NEW.created_at = OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'application versions are never changed'); END;

-- The session lives outside the kit home now (jemput login).
DELETE FROM session;
