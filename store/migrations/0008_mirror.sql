-- Mirrors: folders (a USB stick, a second laptop's share) that receive a
-- copy of the kit after every committed change. The copy is the kit's own
-- database, sealed as it is at rest; only the folder's path is kept here.
CREATE TABLE mirrors (
	path     TEXT PRIMARY KEY,
	added_at TEXT NOT NULL,
	added_by TEXT NOT NULL REFERENCES officers(id)
);
