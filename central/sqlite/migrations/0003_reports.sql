-- Reports: the purpose of travel each application gives, for the demand
-- study, and the office's plan of visits.

ALTER TABLE applications ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
-- Applications received before this migration: read from their current
-- version as the kit sent it.
UPDATE applications SET purpose = coalesce((
	SELECT json_extract(r.body, '$.doc.values.travel_purpose') FROM records r
	WHERE r.app_id = applications.app_id AND r.version = applications.version
	AND json_valid(r.body)), '');
CREATE INDEX applications_event_date ON applications (event_date);

CREATE TABLE visits (
	id         TEXT PRIMARY KEY,
	place      TEXT NOT NULL,
	date       TEXT NOT NULL,              -- YYYY-MM-DD, local
	type       TEXT NOT NULL DEFAULT '',   -- eazy-paspor, berkala, pos-terpadu
	capacity   INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
	created_at TEXT NOT NULL
);
CREATE INDEX visits_date ON visits (date);

-- The visit a status names (ready: where the passport is handed over).
ALTER TABLE statuses ADD COLUMN visit_id TEXT NOT NULL DEFAULT '';
