package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/sqlite"
	"github.com/jemput/jemput/central/storetest"
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
