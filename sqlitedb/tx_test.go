package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testDB(t *testing.T) *sql.DB {
	t.Helper()
	fsys := fstest.MapFS{"m/0001.sql": {Data: []byte(`CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`)}}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), 100*time.Millisecond, fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func same(err error) error { return err }

func count(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInTxCommitsAndRollsBack(t *testing.T) {
	ctx := context.Background()
	db := testDB(t)
	insert := func(k string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (?, 1)`, k); return err }
	}
	if err := InTx(ctx, db, false, same, insert("a")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := InTx(ctx, db, false, same, func(tx *sql.Tx) error {
		if err := insert("b")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the function's own error", err)
	}
	// A read-only transaction never commits, even when it wrote nothing.
	if err := InTx(ctx, db, true, same, func(tx *sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 1 {
		t.Fatalf("%d rows, want 1: the failed transaction must leave nothing", n)
	}
	err = InTx(ctx, db, false, same, insert("a"))
	if !IsUnique(err) {
		t.Fatalf("a second row with the same key: got %v, want a unique violation", err)
	}
	if IsBusy(err) || IsFull(err) {
		t.Fatalf("a unique violation is neither busy nor full: %v", err)
	}
}

func TestCollect(t *testing.T) {
	ctx := context.Background()
	db := testDB(t)
	for i, k := range []string{"x", "y", "z"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (?, ?)`, k, i); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(s Scanner) (string, error) {
		var k string
		var v int
		err := s.Scan(&k, &v)
		return k, err
	}
	got, err := Collect(same, scan)(db.QueryContext(ctx, `SELECT k, v FROM t ORDER BY k DESC`))
	if err != nil || strings.Join(got, ",") != "z,y,x" {
		t.Fatalf("got %v, %v; want z,y,x", got, err)
	}
	if _, err := Collect(same, scan)(db.QueryContext(ctx, `SELECT k FROM t`)); err == nil {
		t.Fatal("a scan into the wrong number of columns must fail")
	}
	wrapped := errors.New("wrapped")
	if _, err := Collect(func(error) error { return wrapped }, scan)(db.QueryContext(ctx, `SELECT nope FROM t`)); err != wrapped {
		t.Fatalf("a failed query: got %v, want it through wrap", err)
	}
}

// TestIsBusy holds the write lock in one connection while another, with a
// short busy timeout, tries to write.
func TestIsBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	fsys := fstest.MapFS{"m/0001.sql": {Data: []byte(`CREATE TABLE t (k TEXT PRIMARY KEY)`)}}
	a, err := Open(ctx, path, 50*time.Millisecond, fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path, 50*time.Millisecond, fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- InTx(ctx, a, false, same, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES ('a')`); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	err = InTx(ctx, b, false, same, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO t VALUES ('b')`)
		return err
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !IsBusy(err) {
		t.Fatalf("a write while another holds the lock: got %v, want busy", err)
	}
	if IsUnique(err) || IsFull(err) {
		t.Fatalf("busy is neither unique nor full: %v", err)
	}
}
