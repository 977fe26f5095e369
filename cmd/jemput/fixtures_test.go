package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/rogpeppe/go-internal/testscript"
)

// expectation is one row of testdata/fixtures/applicants/EXPECT.md.
type expectation struct {
	file    string
	outcome string
	saved   bool   // saved as it stands at an eazy-paspor event
	field   string // the field named by the error, override or warning
	kind    string // "error", "override", "warning" or ""
	status  string // expected status when saved, if the row says
}

var expectRow = regexp.MustCompile(`^\| ([a-z0-9-]+\.json) \| (.+) \|$`)
var expectField = regexp.MustCompile(`(error|override|warning) on ([a-z_]+)`)

// readExpectations parses EXPECT.md, so that a fixture added there is tested
// without anyone writing a new test.
func readExpectations(dir string) ([]expectation, error) {
	f, err := os.Open(filepath.Join(dir, "EXPECT.md"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []expectation
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := expectRow.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		e := expectation{file: m[1], outcome: m[2], saved: strings.HasPrefix(m[2], "saved")}
		if fm := expectField.FindStringSubmatch(m[2]); fm != nil {
			e.kind, e.field = fm[1], fm[2]
		}
		if strings.Contains(m[2], "status incomplete") {
			e.status = "incomplete"
		} else if strings.Contains(m[2], "status captured") {
			e.status = "captured"
		}
		if !e.saved && e.kind == "" {
			return nil, fmt.Errorf("EXPECT.md row for %s: cannot read its outcome %q", e.file, e.outcome)
		}
		list = append(list, e)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("no rows read from %s/EXPECT.md", dir)
	}
	return list, sc.Err()
}

// expectFixtures is the script command `expect-fixtures`: it runs every
// applicant fixture through the jemput binary in the script's kit (which
// must have an eazy-paspor event open) and checks the outcome EXPECT.md
// gives: saved (with its status and warnings) or refused naming the field,
// with the database left exactly as it was. It reads EXPECT.md, so a
// fixture added there is tested without a new test.
func cmdExpectFixtures(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: expect-fixtures")
	}
	dir := filepath.Join(ts.Getenv("FIXTURES"), "applicants")
	exps, err := readExpectations(dir)
	ts.Check(err)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		if !slices.ContainsFunc(exps, func(e expectation) bool { return e.file == filepath.Base(f) }) {
			ts.Fatalf("%s has no row in EXPECT.md", filepath.Base(f))
		}
	}
	home := ts.Getenv("JEMPUT_HOME")
	number := regexp.MustCompile(`^KTB01-\d{6}-\d{4}-[0-9A-Y]$`)
	for _, e := range exps {
		before, err := dumpDB(home)
		ts.Check(err)
		var stdout, stderr strings.Builder
		cmd := exec.Command("jemput", "intake", "--json", "--data", filepath.Join(dir, e.file))
		cmd.Env, cmd.Dir = scriptEnviron(ts), ts.MkAbs(".")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		var out struct {
			Number   string
			Status   string
			Warnings []struct{ Field, Code string }
			Errors   []struct{ Field, Code, Severity string }
		}
		if jerr := json.Unmarshal([]byte(stdout.String()), &out); jerr != nil {
			ts.Fatalf("%s: stdout is not JSON: %v\n%s\nstderr: %s", e.file, jerr, stdout.String(), stderr.String())
		}
		fmt.Fprintf(ts.Stdout(), "%s: ", e.file)
		if e.saved {
			if err != nil {
				ts.Fatalf("%s: want saved (%s), got %v\n%s", e.file, e.outcome, err, stderr.String())
			}
			if !number.MatchString(out.Number) {
				ts.Fatalf("%s: number %q", e.file, out.Number)
			}
			if e.status != "" && out.Status != e.status {
				ts.Fatalf("%s: status %q, want %q", e.file, out.Status, e.status)
			}
			if e.kind == "warning" && !slices.ContainsFunc(out.Warnings, func(w struct{ Field, Code string }) bool { return w.Field == e.field }) {
				ts.Fatalf("%s: want a warning on %s, got %+v", e.file, e.field, out.Warnings)
			}
			fmt.Fprintf(ts.Stdout(), "saved %s %s\n", out.Number, out.Status)
			continue
		}
		if err == nil {
			ts.Fatalf("%s: want refused (%s), but it was saved: %s", e.file, e.outcome, stdout.String())
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != cli.ExitError {
			ts.Fatalf("%s: exit status %v, want %d", e.file, err, cli.ExitError)
		}
		wantSeverity := map[string]string{"error": "error", "override": "overridable"}[e.kind]
		if !slices.ContainsFunc(out.Errors, func(is struct{ Field, Code, Severity string }) bool {
			return is.Field == e.field && is.Severity == wantSeverity
		}) {
			ts.Fatalf("%s: want %s on %s, got %+v", e.file, wantSeverity, e.field, out.Errors)
		}
		if !strings.HasPrefix(stderr.String(), "error: ") || !strings.Contains(stderr.String(), e.field) {
			ts.Fatalf("%s: stderr does not name %s in an error line:\n%s", e.file, e.field, stderr.String())
		}
		after, err := dumpDB(home)
		ts.Check(err)
		if string(before) != string(after) {
			ts.Fatalf("%s: a refused applicant changed the database", e.file)
		}
		fmt.Fprintf(ts.Stdout(), "refused, %s on %s\n", wantSeverity, e.field)
	}
}

// scriptEnviron is the environment a script's exec would give a command.
func scriptEnviron(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "JEMPUT_HOME", "JEMPUT_NOW", "TZ", "LANG", "JEMPUT_PIN", "TMPDIR", "XDG_RUNTIME_DIR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// testKit is a kit in a temporary home with a supervisor logged in and an
// event open, driven through the jemput binary that testscript put on PATH.
type testKit struct {
	t    testing.TB
	home string
	env  []string
}

func newTestKit(t testing.TB, eventType string) *testKit {
	t.Helper()
	k := &testKit{t: t, home: filepath.Join(t.TempDir(), "home")}
	run := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	k.env = append(os.Environ(), "JEMPUT_HOME="+k.home, "JEMPUT_PIN=2468013579", "LANG=en_US.UTF-8", "XDG_RUNTIME_DIR="+run,
		"JEMPUT_NOW=2026-11-27T09:30:00+08:00", "TZ=Asia/Makassar")
	k.must("init", "--kit-code", "KTB01", "--office", "Kantor Imigrasi Batulicin", "--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
	k.must("event", "open", "--type", eventType, "--name", "Eazy Paspor Kotabaru", "--place", "Kotabaru")
	return k
}

func (k *testKit) command(args ...string) *exec.Cmd {
	cmd := exec.Command("jemput", args...)
	cmd.Env = k.env
	return cmd
}

func (k *testKit) run(args ...string) (stdout, stderr string, err error) {
	var o, e strings.Builder
	cmd := k.command(args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func (k *testKit) must(args ...string) string {
	k.t.Helper()
	out, errOut, err := k.run(args...)
	if err != nil {
		k.t.Fatalf("jemput %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}
