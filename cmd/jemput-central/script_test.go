package main

import (
	"os"
	"path/filepath"
	"testing"

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
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("JEMPUT_CENTRAL_DB", filepath.Join(env.WorkDir, "central.db"))
			env.Setenv("JEMPUT_NOW", "2026-11-27T09:30:00+08:00")
			env.Setenv("TZ", "Asia/Makassar")
			env.Setenv("LANG", "en_US.UTF-8")
			return nil
		},
	})
}
