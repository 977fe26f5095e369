-- Reports: the day's quota, the people turned away, and the office's visit
-- plan.

ALTER TABLE events ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0);

-- People who came to an event but could not be served, as the officer
-- counted them. Never changed or deleted: a miscount is corrected by
-- another row's note, as on paper.
CREATE TABLE turned_away (
	id         TEXT PRIMARY KEY,
	event_id   TEXT NOT NULL REFERENCES events(id),
	count      INTEGER NOT NULL CHECK (count > 0),
	reason     TEXT NOT NULL CHECK (reason IN ('quota', 'documents', 'other')),
	note       TEXT NOT NULL DEFAULT '',
	officer_id TEXT NOT NULL REFERENCES officers(id),
	at         TEXT NOT NULL
);
CREATE INDEX turned_away_event ON turned_away (event_id, at);
CREATE TRIGGER turned_away_no_update BEFORE UPDATE ON turned_away
BEGIN SELECT RAISE(ABORT, 'turned-away counts are never changed'); END;
CREATE TRIGGER turned_away_no_delete BEFORE DELETE ON turned_away
BEGIN SELECT RAISE(ABORT, 'turned-away counts are never deleted'); END;

-- The office's visit plan as last received.
CREATE TABLE visits (
	id       TEXT PRIMARY KEY,
	place    TEXT NOT NULL,
	date     TEXT NOT NULL,
	type     TEXT NOT NULL DEFAULT '',
	capacity INTEGER NOT NULL DEFAULT 0
);

-- The visit an office status names (ready: where it is handed over).
ALTER TABLE office_statuses ADD COLUMN visit_id TEXT NOT NULL DEFAULT '';
