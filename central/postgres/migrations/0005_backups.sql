-- Sealed backups (jemput sync --backup / --continuous): each kit's newest
-- copy of its captured-but-unapproved applications, kept apart from the
-- applications received, sealed as the kit sent it. As central/sqlite's
-- 0005_backups.sql.
CREATE TABLE backups (
	kit         text COLLATE "C" PRIMARY KEY REFERENCES kits(code),
	received_at timestamptz NOT NULL,
	created_at  timestamptz NOT NULL,
	records     integer NOT NULL,
	photos      integer NOT NULL,
	body        bytea NOT NULL
);
