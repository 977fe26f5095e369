package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// expectation is one row of shared/fixtures/applicants/EXPECT.md.
type expectation struct {
	file    string
	outcome string
	saved   bool   // saved as it stands at an eazy-paspor event
	field   string // the field named by the error, override or warning
	kind    string // "error", "override", "warning" or ""
	status  string // expected status when saved, if the row says
}

var expectRow = regexp.MustCompile("^\\| ([a-z0-9-]+\\.json) \\| (.+) \\|$")
var expectField = regexp.MustCompile(`(error|override|warning) on ([a-z_]+)`)

// readExpectations parses EXPECT.md, so that a fixture added there is tested
// without anyone writing a new test.
func readExpectations(t *testing.T, dir string) []expectation {
	f, err := os.Open(filepath.Join(dir, "EXPECT.md"))
	if err != nil {
		t.Fatal(err)
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
			t.Fatalf("EXPECT.md row for %s: cannot read its outcome %q", e.file, e.outcome)
		}
		list = append(list, e)
	}
	return list
}

// TestFixturesAsExpected runs every applicant fixture through the real
// jemput binary and checks the outcome EXPECT.md gives: saved (with its
// status and warnings) or refused naming the field, with the database left
// exactly as it was.
func TestFixturesAsExpected(t *testing.T) {
	dir := filepath.Join(fixtures(t), "applicants")
	exps := readExpectations(t, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		if !slices.ContainsFunc(exps, func(e expectation) bool { return e.file == filepath.Base(f) }) {
			t.Errorf("%s has no row in EXPECT.md", filepath.Base(f))
		}
	}
	k := newTestKit(t, "eazy-paspor")
	for _, e := range exps {
		t.Run(strings.TrimSuffix(e.file, ".json"), func(t *testing.T) {
			before, err := dumpDB(k.home)
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, err := k.run("intake", "--json", "--data", filepath.Join(dir, e.file))
			var out struct {
				Number   string
				Status   string
				Warnings []struct{ Field, Code string }
				Errors   []struct{ Field, Code, Severity string }
			}
			if jerr := json.Unmarshal([]byte(stdout), &out); jerr != nil {
				t.Fatalf("stdout is not JSON: %v\n%s\nstderr: %s", jerr, stdout, stderr)
			}
			if e.saved {
				if err != nil {
					t.Fatalf("want saved (%s), got %v\n%s", e.outcome, err, stderr)
				}
				if !regexp.MustCompile(`^KTB01-261127-\d{4}-[0-9A-Y]$`).MatchString(out.Number) {
					t.Errorf("number %q", out.Number)
				}
				if e.status != "" && out.Status != e.status {
					t.Errorf("status %q, want %q", out.Status, e.status)
				}
				if e.kind == "warning" && !slices.ContainsFunc(out.Warnings, func(w struct{ Field, Code string }) bool { return w.Field == e.field }) {
					t.Errorf("want a warning on %s, got %+v", e.field, out.Warnings)
				}
				return
			}
			if err == nil {
				t.Fatalf("want refused (%s), but it was saved: %s", e.outcome, stdout)
			}
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitError {
				t.Errorf("exit status: %v, want %d", err, exitError)
			}
			wantSeverity := map[string]string{"error": "error", "override": "overridable"}[e.kind]
			if !slices.ContainsFunc(out.Errors, func(is struct{ Field, Code, Severity string }) bool {
				return is.Field == e.field && is.Severity == wantSeverity
			}) {
				t.Errorf("want %s on %s, got %+v", wantSeverity, e.field, out.Errors)
			}
			if !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, e.field) {
				t.Errorf("stderr does not name %s in an error line:\n%s", e.field, stderr)
			}
			after, err := dumpDB(k.home)
			if err != nil {
				t.Fatal(err)
			}
			if string(before) != string(after) {
				t.Errorf("a refused applicant changed the database")
			}
		})
	}
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
	k.env = append(os.Environ(), "JEMPUT_HOME="+k.home, "JEMPUT_PIN=246810", "LANG=en_US.UTF-8",
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
