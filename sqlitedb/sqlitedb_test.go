package sqlitedb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

func TestOpenMigratesOnceInOrder(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"m/0002_b.sql": {Data: []byte(`INSERT INTO t (v) VALUES ('b');`)},
		"m/0001_a.sql": {Data: []byte(`CREATE TABLE t (v TEXT); INSERT INTO t (v) VALUES ('a');`)},
	}
	path := filepath.Join(t.TempDir(), "x.db")
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path, time.Second, fsys, "m")
		if err != nil {
			t.Fatal(err)
		}
		var got string
		db.QueryRow(`SELECT group_concat(v, '') FROM t`).Scan(&got)
		db.Close()
		if got != "ab" {
			t.Fatalf("open %d: rows %q, want ab (in order, once)", i+1, got)
		}
	}
}

func TestOpenRefusesABrokenMigration(t *testing.T) {
	fsys := fstest.MapFS{"m/0001.sql": {Data: []byte(`CREATE TABLE t (v TEXT); NOT SQL;`)}}
	path := filepath.Join(t.TempDir(), "x.db")
	if _, err := Open(context.Background(), path, time.Second, fsys, "m"); err == nil {
		t.Fatal("a broken migration was accepted")
	}
	fsys["m/0001.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE t (v TEXT);`)}
	db, err := Open(context.Background(), path, time.Second, fsys, "m")
	if err != nil {
		t.Fatalf("the broken migration left something behind: %v", err)
	}
	db.Close()
}

func TestNewDatabaseIsPrivate(t *testing.T) {
	fsys := fstest.MapFS{"m/0001.sql": {Data: []byte(`CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x');`)}}
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(context.Background(), path, time.Second, fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: others can read applicant data", filepath.Base(p), st.Mode().Perm())
		}
	}
}

// Stored times sort as text in time order, and read back to the instant.
func TestTimeText(t *testing.T) {
	a := time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("WITA", 8*3600))
	b := a.Add(500 * time.Millisecond)
	if !(FormatTime(a) < FormatTime(b)) {
		t.Fatalf("%s does not sort before %s", FormatTime(a), FormatTime(b))
	}
	if got := ParseTime(FormatTime(b)); !got.Equal(b) {
		t.Fatalf("round trip: %v, want %v", got, b)
	}
	if !ParseTime("").IsZero() || FormatTime(time.Time{}) != "" {
		t.Fatal("the zero time is not stored as empty")
	}
}
