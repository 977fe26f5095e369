package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	cli.AllowFakeClock() // the scripts fix the clock with JEMPUT_NOW
	testscript.Main(m, map[string]func(){
		"jemput-central": func() { os.Exit(Main()) },
	})
}

// TestScript runs testdata/script/*.txtar with a database in the script's
// work folder, a fixed clock and English messages.
func TestScript(t *testing.T) {
	runScripts(t, nil, func(env *testscript.Env) string { return filepath.Join(env.WorkDir, "central.db") })
}

// TestScriptPostgres runs the same scripts with the office on PostgreSQL,
// a database of its own for each script, when a test server is
// configured (pgtest).
func TestScriptPostgres(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dbs := map[string]string{}
	var files []string
	for _, s := range scripts {
		if filepath.Base(s) == "keys.txtar" { // the key file beside an SQLite database
			continue
		}
		files = append(files, s)
		dbs[strings.TrimSuffix(filepath.Base(s), ".txtar")] = pgtest.DSN(t)
	}
	runScripts(t, files, func(env *testscript.Env) string {
		return dbs[strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")]
	})
}

func runScripts(t *testing.T, files []string, db func(*testscript.Env) string) {
	dir := filepath.Join("testdata", "script")
	if files != nil {
		dir = ""
	}
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		Files:               files,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			d := db(env)
			if d == "" {
				return fmt.Errorf("no database for %s", env.WorkDir)
			}
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("JEMPUT_CENTRAL_DB", d)
			if strings.HasPrefix(d, "postgres") { // no "beside the database" there
				env.Setenv("JEMPUT_CENTRAL_KEYS", filepath.Join(env.WorkDir, "central.db.keys"))
			}
			env.Setenv("JEMPUT_NOW", "2026-11-27T09:30:00+08:00")
			env.Setenv("TZ", "Asia/Makassar")
			env.Setenv("LANG", "en_US.UTF-8")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"keyperm": cmdKeyPerm,
			"dbhas":   cmdDBHas,
		},
	})
}

// keyperm FILE MODE checks a file's permission bits (octal).
func cmdKeyPerm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: keyperm FILE MODE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fmt.Sprintf("%o", fi.Mode().Perm()); got != args[1] {
		ts.Fatalf("%s has mode %s, want %s", args[0], got, args[1])
	}
}

// dbhas DB QUERY WANT runs a query on an office database and compares its
// one value.
func cmdDBHas(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: dbhas DB QUERY WANT")
	}
	db, err := sql.Open("sqlite", "file:"+ts.MkAbs(args[0])+"?mode=ro")
	ts.Check(err)
	defer db.Close()
	var got string
	ts.Check(db.QueryRow(args[1]).Scan(&got))
	if got != args[2] {
		ts.Fatalf("%s: %q, want %q", args[1], got, args[2])
	}
}
