package main

import (
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
	runScripts(t, func(env *testscript.Env) string { return filepath.Join(env.WorkDir, "central.db") })
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
	for _, s := range scripts {
		dbs[strings.TrimSuffix(filepath.Base(s), ".txtar")] = pgtest.DSN(t)
	}
	runScripts(t, func(env *testscript.Env) string {
		return dbs[strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")]
	})
}

func runScripts(t *testing.T, db func(*testscript.Env) string) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			d := db(env)
			if d == "" {
				return fmt.Errorf("no database for %s", env.WorkDir)
			}
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("JEMPUT_CENTRAL_DB", d)
			env.Setenv("JEMPUT_NOW", "2026-11-27T09:30:00+08:00")
			env.Setenv("TZ", "Asia/Makassar")
			env.Setenv("LANG", "en_US.UTF-8")
			return nil
		},
	})
}
