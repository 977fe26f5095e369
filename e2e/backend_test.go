package e2e

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to read an office on PostgreSQL
	"github.com/jemput/jemput/central/postgres/pgtest"
)

// backend is where an office under test keeps its database: an SQLite file
// or a PostgreSQL database of the test's own. db values are what
// jemput-central's --db takes.
type backend struct {
	name string
	// fresh makes an empty office database.
	fresh func(t testing.TB) string
	// clone copies an office database nothing has open.
	clone func(t testing.TB, src string) string
}

var sqliteBackend = backend{
	name: "sqlite",
	fresh: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "central.db")
	},
	clone: func(t testing.TB, src string) string {
		dst := filepath.Join(t.TempDir(), "central.db")
		if err := copyFile(dst, src, 0o600); err != nil {
			t.Fatal(err)
		}
		// The office's keys are in their own file beside the database.
		if err := copyFile(dst+".keys", src+".keys", 0o600); err != nil {
			t.Fatal(err)
		}
		return dst
	},
}

var postgresBackend = backend{
	name:  "postgres",
	fresh: func(t testing.TB) string { return pgtest.DSN(t) },
	clone: func(t testing.TB, src string) string {
		dst := pgtest.Clone(t, src)
		if err := copyFile(keysFor(dst), keysFor(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return dst
	},
}

// keysDir holds the key files of the PostgreSQL offices of this run.
var keysDir = sync.OnceValue(func() string {
	d, err := os.MkdirTemp("", "jemput-e2e-keys")
	if err != nil {
		panic(err)
	}
	return d
})

// keysFor is the office key file of a PostgreSQL database (an SQLite one's
// is beside it): one per database URL, in a folder of the run's.
func keysFor(db string) string {
	sum := sha256.Sum256([]byte(db))
	return filepath.Join(keysDir(), hex.EncodeToString(sum[:8])+".keys")
}

// keysArgs are the flags that name db's key file, when it needs them.
func keysArgs(db string) []string {
	if isPostgres(db) {
		return []string{"--keys", keysFor(db)}
	}
	return nil
}

// backends are the stores the office's end-to-end tests run on: SQLite
// always, PostgreSQL when a test server is configured (pgtest).
func backends(t *testing.T) []backend {
	if !pgtest.Available() {
		t.Logf("PostgreSQL: skipped, %s is not set; SQLite only", pgtest.Env)
		return []backend{sqliteBackend}
	}
	return []backend{sqliteBackend, postgresBackend}
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// officeDB opens an office database read-only for checks, with rebind
// turning the ? placeholders of a query into what the driver takes.
func officeDB(db string) (*sql.DB, func(string) string, error) {
	if !isPostgres(db) {
		d, err := openRO(db)
		return d, func(q string) string { return q }, err
	}
	d, err := sql.Open("pgx", db)
	return d, rebindDollar, err
}

// rebindDollar numbers ? placeholders $1, $2, ... (none of the checks'
// queries has a ? in a string).
func rebindDollar(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
