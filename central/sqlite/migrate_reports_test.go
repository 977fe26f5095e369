package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jemput/jemput/sqlitedb"
)

// An office database made before 0003 gets the purpose of travel of the
// applications it already holds, read from their current versions.
func TestMigrationReadsPurposeOfOldApplications(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	old := fstest.MapFS{}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, n := range names {
		if strings.Compare(filepath.Base(n), "0003") < 0 {
			b, _ := migrations.ReadFile(n)
			old[n] = &fstest.MapFile{Data: b}
		}
	}
	db, err := sqlitedb.Open(ctx, path, 5*time.Second, old, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via) VALUES
			('a/1', 'a', 1, 'KTB01', 'N1', 'h1', '{"doc":{"values":{"travel_purpose":"hajj"}}}', 't', 'online'),
			('a/2', 'a', 2, 'KTB01', 'N1', 'h2', '{"doc":{"values":{"travel_purpose":"umrah"}}}', 't', 'online'),
			('b/1', 'b', 1, 'KTB01', 'N2', 'h3', '{"doc":{"values":{}}}', 't', 'online'),
			('c/1', 'c', 1, 'KTB01', 'N3', 'h4', 'not json', 't', 'online')`,
		`INSERT INTO applications (app_id, kit, number, version, form, form_version, kit_status, event_id, event_type, event_name,
			event_place, event_date, created_at, received_at, updated_at) VALUES
			('a', 'KTB01', 'N1', 2, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27', 't', 't', 't'),
			('b', 'KTB01', 'N2', 1, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27', 't', 't', 't'),
			('c', 'KTB01', 'N3', 1, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27', 't', 't', 't')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.SQL().QueryContext(ctx, `SELECT app_id, purpose FROM applications ORDER BY app_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := ""
	for rows.Next() {
		var id, p string
		rows.Scan(&id, &p)
		got += id + "=" + p + " "
	}
	if got != "a=umrah b= c= " {
		t.Errorf("purposes after the migration: %q, want a=umrah (its current version) b= c=", got)
	}
}
