package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/sqlite"
	"github.com/jemput/jemput/central/storetest"
	"github.com/jemput/jemput/sqlitedb"
)

// TestStore holds the SQLite store to the contract every store keeps.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "central.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// TestBusy: a database another connection holds past the busy timeout is
// central.ErrBusy, still saying what SQLite said; other errors pass as they
// are.
func TestBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	held, err := st.SQL().BeginTx(ctx, nil) // BEGIN IMMEDIATE, from the DSN
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	other, err := sql.Open("sqlite", sqlitedb.DSN(path, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.BeginTx(ctx, nil)
	if err == nil {
		t.Fatal("a second writer began while the first held the database")
	}
	got := sqlite.Wrap(err)
	if !errors.Is(got, central.ErrBusy) || !strings.Contains(got.Error(), err.Error()) {
		t.Fatalf("wrap(%v) = %v, want central.ErrBusy saying what SQLite said", err, got)
	}
	plain := errors.New("not SQLite")
	if got := sqlite.Wrap(plain); got != plain {
		t.Errorf("wrap(%v) = %v, want it as it is", plain, got)
	}
	if sqlite.Wrap(nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
}
