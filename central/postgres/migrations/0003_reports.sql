-- Reports, as central/sqlite's 0003_reports.sql: the purpose of travel
-- each application gives, for the demand study, and the office's plan of
-- visits.

ALTER TABLE applications ADD COLUMN purpose text NOT NULL DEFAULT '';
-- Applications received before this migration: read from their current
-- version as the kit sent it; a body that is not JSON gives none.
CREATE FUNCTION pg_temp.purpose_of(body bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN convert_from(body, 'UTF8')::jsonb #>> '{doc,values,travel_purpose}';
EXCEPTION WHEN others THEN
	RETURN NULL;
END $$;
UPDATE applications a SET purpose = coalesce((
	SELECT pg_temp.purpose_of(r.body) FROM records r
	WHERE r.app_id = a.app_id AND r.version = a.version), '');
CREATE INDEX applications_event_date ON applications (event_date);

CREATE TABLE visits (
	id         text COLLATE "C" PRIMARY KEY,
	place      text NOT NULL,
	date       text COLLATE "C" NOT NULL,  -- YYYY-MM-DD, local
	type       text NOT NULL DEFAULT '',   -- eazy-paspor, berkala, pos-terpadu
	capacity   integer NOT NULL DEFAULT 0 CHECK (capacity >= 0),
	created_at timestamptz NOT NULL
);
CREATE INDEX visits_date ON visits (date);

-- The visit a status names (ready: where the passport is handed over).
ALTER TABLE statuses ADD COLUMN visit_id text NOT NULL DEFAULT '';
