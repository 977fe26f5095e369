-- app list --search looks its keyed tokens up here instead of scanning
-- every row's search text with LIKE (100,000 applications: a scan of the
-- whole applications_search index took 60-90 ms before anything was
-- opened). One row per token and application, kept by triggers from
-- applications.search, so that every path that writes the search text
-- (capture, edit, status moves, purge, the conversion of a legacy kit)
-- keeps it without knowing it exists. Keyed by the application's id, not
-- its rowid: VACUUM (purge's compaction, the mirror's VACUUM INTO) may
-- renumber the rowids of a table without an INTEGER PRIMARY KEY.
-- Tokens are seven letters and digits (vault.Token), so the search text
-- " t1 t2 " becomes the JSON array ["t1","t2"] without escaping.
CREATE TABLE search_tokens (
	token TEXT NOT NULL,
	app   TEXT NOT NULL,
	PRIMARY KEY (token, app)
) WITHOUT ROWID;
CREATE INDEX search_tokens_app ON search_tokens (app);

INSERT OR IGNORE INTO search_tokens (token, app)
	SELECT j.value, a.id FROM applications a, json_each('["' || replace(trim(a.search), ' ', '","') || '"]') j
	WHERE j.value != '';

CREATE TRIGGER search_tokens_insert AFTER INSERT ON applications BEGIN
	INSERT OR IGNORE INTO search_tokens (token, app)
		SELECT value, NEW.id FROM json_each('["' || replace(trim(NEW.search), ' ', '","') || '"]') WHERE value != '';
END;

CREATE TRIGGER search_tokens_update AFTER UPDATE OF search ON applications WHEN OLD.search IS NOT NEW.search BEGIN
	DELETE FROM search_tokens WHERE app = OLD.id;
	INSERT OR IGNORE INTO search_tokens (token, app)
		SELECT value, NEW.id FROM json_each('["' || replace(trim(NEW.search), ' ', '","') || '"]') WHERE value != '';
END;
