package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

// Every command of the tree is in the roles table, and the gate lets each
// role through exactly as the table says: nobody logged in, an officer, a
// supervisor, on a real kit.
func TestRolesForEveryCommand(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	run := filepath.Join(t.TempDir(), "run")
	os.Mkdir(run, 0o700)
	env := map[string]string{"JEMPUT_HOME": home, "XDG_RUNTIME_DIR": run, "JEMPUT_PIN": "2468013579", "LANG": "en_US.UTF-8", "TZ": "Asia/Makassar"}
	getenv := func(k string) string { return env[k] }
	jemput := func(args ...string) {
		t.Helper()
		var out, errw bytes.Buffer
		if code := runWith(args, &out, &errw, getenv); code != 0 {
			t.Fatalf("jemput %s: exit %d\n%s", strings.Join(args, " "), code, errw.String())
		}
	}
	jemput("init", "--kit-code", "KTB01", "--office", "Kantor Imigrasi Batulicin", "--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
	env["JEMPUT_PIN"] = "1357902468"
	jemput("officer", "add", "--nip", "199003152015031002", "--name", "Andi Saputra")

	var commands []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() {
				commands = append(commands, sub)
			}
			walk(sub)
		}
	}
	root := newRootCommand(testApp())
	root.InitDefaultHelpCmd() // the help command (cmd_help.go) as Execute adds it
	walk(root)
	if len(commands) < 30 {
		t.Fatalf("only %d commands", len(commands))
	}
	inTable := map[string]bool{}
	for _, r := range roleTable {
		inTable[r.Command] = true
	}
	for _, c := range commands {
		if !inTable[c.CommandPath()] {
			t.Errorf("%s is not in the roles table", c.CommandPath())
		}
		delete(inTable, c.CommandPath())
	}
	for c := range inTable {
		if !strings.HasPrefix(c, "jemput-central ") {
			t.Errorf("the roles table names %s, which is not a command", c)
		}
	}

	for _, who := range []struct {
		name, nip, pin string
		role           intake.Role
	}{{"nobody", "", "", ""}, {"officer", "199003152015031002", "1357902468", intake.RoleOfficer}, {"supervisor", "198001012005011001", "2468013579", intake.RoleSupervisor}} {
		if who.nip == "" {
			jemput("logout")
		} else {
			env["JEMPUT_PIN"] = who.pin
			jemput("login", "--nip", who.nip)
		}
		for _, c := range commands {
			n, _ := needOf(c.CommandPath())
			allowed := n == needNothing || (n == needOfficer && who.role != "") || (n == needSupervisor && who.role == intake.RoleSupervisor)
			app := &App{Home: home, IO: cli.IO{Lang: "en", In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, Getenv: getenv,
				Now: func() time.Time { return time.Now() }}
			err := app.gate(context.Background(), c)
			app.Close()
			switch {
			case allowed && err != nil:
				t.Errorf("%s: %s refused: %v", who.name, c.CommandPath(), err)
			case !allowed && err == nil:
				t.Errorf("%s: %s let through", who.name, c.CommandPath())
			case !allowed && who.role == "" && !intake.IsCode(err, intake.CodeNotLoggedIn):
				t.Errorf("%s: %s: %v, want not_logged_in", who.name, c.CommandPath(), err)
			case !allowed && who.role == intake.RoleOfficer && !intake.IsCode(err, intake.CodeForbidden):
				t.Errorf("%s: %s: %v, want forbidden", who.name, c.CommandPath(), err)
			}
		}
	}
}

// The README's matrix is the table.
func TestRolesInREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), rolesMarkdown()) {
		t.Errorf("README.md does not hold the roles table as roles.go has it; put this in its \"Who may do what\" section:\n%s", rolesMarkdown())
	}
}

func runWith(args []string, out, errw io.Writer, getenv func(string) string) int {
	return run(context.Background(), args, strings.NewReader(""), out, errw, getenv)
}
