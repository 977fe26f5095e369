package postgres

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jemput/jemput/central/postgres/pgtest"
)

// An office database made before 0003 gets the purpose of travel of the
// applications it already holds, read from their current versions, as
// central/sqlite's does; a body that is not JSON gives none.
func TestMigrationReadsPurposeOfOldApplications(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := fstest.MapFS{}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, n := range names {
		if strings.Compare(path.Base(n), "0003") < 0 {
			b, _ := migrations.ReadFile(n)
			old[n] = &fstest.MapFile{Data: b}
		}
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, pool, old, "migrations"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via) VALUES
			('a/1', 'a', 1, 'KTB01', 'N1', 'h1', convert_to('{"doc":{"values":{"travel_purpose":"hajj"}}}', 'UTF8'), now(), 'online'),
			('a/2', 'a', 2, 'KTB01', 'N1', 'h2', convert_to('{"doc":{"values":{"travel_purpose":"umrah"}}}', 'UTF8'), now(), 'online'),
			('b/1', 'b', 1, 'KTB01', 'N2', 'h3', convert_to('{"doc":{"values":{}}}', 'UTF8'), now(), 'online'),
			('c/1', 'c', 1, 'KTB01', 'N3', 'h4', convert_to('not json', 'UTF8'), now(), 'online')`,
		`INSERT INTO applications (app_id, kit, number, version, form, form_version, kit_status, event_id, event_type, event_name,
			event_place, event_date) VALUES
			('a', 'KTB01', 'N1', 2, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27'),
			('b', 'KTB01', 'N2', 1, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27'),
			('c', 'KTB01', 'N3', 1, 'passport', 1, 'approved', 'e', 'berkala', 'E', 'P', '2026-11-27')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	pool.Close()
	st, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Pool().Query(ctx, `SELECT app_id, purpose FROM applications ORDER BY app_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := ""
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		got += id + "=" + p + " "
	}
	if want := "a=umrah b= c= "; got != want {
		t.Errorf("purposes after the migration: %q, want %q", got, want)
	}
}
