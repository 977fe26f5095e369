package store

import (
	"context"
	"io/fs"
	pathpkg "path"
	"testing/fstest"
	"time"

	"github.com/jemput/jemput/sqlitedb"
)

// StorePlain makes db store applicant bytes without sealing them: the
// baseline of BenchmarkCaptureEncryption, never a kit's.
func StorePlain(db *DB) { db.plain = true }

// OpenBefore opens the database at path with only the migrations whose
// file names sort before name: a kit of an earlier release, for the
// upgrade tests.
func OpenBefore(ctx context.Context, path, name string) (*DB, error) {
	sub := fstest.MapFS{}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if pathpkg.Base(f) < name {
			b, err := fs.ReadFile(migrations, f)
			if err != nil {
				return nil, err
			}
			sub[f] = &fstest.MapFile{Data: b}
		}
	}
	sqldb, err := sqlitedb.Open(ctx, path, 10*time.Second, sub, "migrations")
	if err != nil {
		return nil, err
	}
	return &DB{db: sqldb, path: path}, nil
}

// SearchMatch is the FTS5 query the unlocked kit db looks q up by: the
// raw baseline of BenchmarkSearch.
func SearchMatch(db *DB, q string) (string, error) {
	t := &tx{db: db}
	k, err := t.keys()
	if err != nil {
		return "", err
	}
	return matchQuery(k, searchWords(q)), nil
}
