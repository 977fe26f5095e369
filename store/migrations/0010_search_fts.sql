-- The keyed search tokens move from one row per token (0009) into an FTS5
-- index. A capture used to write about 21 of its 39 WAL pages for its
-- fifteen tokens: each token is random, so each landed on another leaf
-- of search_tokens. FTS5 writes a transaction's tokens as one small new
-- segment and merges segments later, a few at a time, so a capture writes
-- three or four pages for them. The search text stays in
-- applications.search (" t1 t2 … ", seven letters and digits each,
-- vault.Token), and triggers keep the index from it, so that every path
-- that writes it (capture, edit, status moves, purge, the conversion of a
-- legacy kit) keeps the index without knowing it exists.
--
-- FTS5 finds rows by an integer. The applications table has none of its
-- own that VACUUM keeps (purge's compaction and the mirror's VACUUM INTO
-- may renumber the rowids of a table without an INTEGER PRIMARY KEY), so
-- search_rows gives each application one. It also holds when the
-- application was made (which never changes), so that a search sorts its
-- candidates, newest first, without reading their rows.
CREATE TABLE search_rows (
	n          INTEGER PRIMARY KEY,
	app        TEXT NOT NULL UNIQUE REFERENCES applications(id),
	created_at TEXT NOT NULL
);

-- Contentless (the tokens are in applications.search already), with no
-- positions and no sizes (a search asks only whether a token is there).
-- An application's old tokens are taken out with FTS5's 'delete' command,
-- which needs them: the update trigger has them in OLD.search.
CREATE VIRTUAL TABLE search_index USING fts5(tokens, content = '', detail = none, columnsize = 0, tokenize = 'ascii');

INSERT INTO search_rows (app, created_at) SELECT id, created_at FROM applications ORDER BY created_at, id;
INSERT INTO search_index (rowid, tokens)
	SELECT r.n, a.search FROM search_rows r JOIN applications a ON a.id = r.app WHERE a.search != '';

DROP TRIGGER search_tokens_insert;
DROP TRIGGER search_tokens_update;
DROP TABLE search_tokens;
-- The scan index of 0003, unused since 0009.
DROP INDEX applications_search;

CREATE TRIGGER search_index_insert AFTER INSERT ON applications BEGIN
	INSERT INTO search_rows (app, created_at) VALUES (NEW.id, NEW.created_at);
	INSERT INTO search_index (rowid, tokens) SELECT n, NEW.search FROM search_rows WHERE app = NEW.id AND NEW.search != '';
END;

CREATE TRIGGER search_index_update AFTER UPDATE OF search ON applications WHEN OLD.search IS NOT NEW.search BEGIN
	INSERT INTO search_index (search_index, rowid, tokens) SELECT 'delete', n, OLD.search FROM search_rows WHERE app = OLD.id AND OLD.search != '';
	INSERT INTO search_index (rowid, tokens) SELECT n, NEW.search FROM search_rows WHERE app = NEW.id AND NEW.search != '';
END;

-- An application is never deleted (applications_no_delete), so neither is
-- its row here.
CREATE TRIGGER search_rows_no_change BEFORE UPDATE ON search_rows
BEGIN SELECT RAISE(ABORT, 'search rows are never changed'); END;
