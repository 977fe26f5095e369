package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jemput/jemput/internal/fixtures"
)

// A kit made by the release before encryption (testdata/legacy-kit, see
// its README) is converted in one step by its supervisor's first login,
// losing nothing: every application and version, the draft, the roster,
// the photo, the device key and the audit chain; afterwards nothing in its
// home is in clear.
func TestUpgradeFromThePreviousRelease(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if err := os.CopyFS(home, os.DirFS(filepath.Join("testdata", "legacy-kit"))); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(home, "README.md"))
	chmodTree(t, home)
	run := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	k := &testKit{t: t, home: home, env: append(os.Environ(), "JEMPUT_HOME="+home, "JEMPUT_PIN=246810", "LANG=en_US.UTF-8",
		"XDG_RUNTIME_DIR="+run, "JEMPUT_NOW=2026-12-01T18:00:00+08:00", "TZ=Asia/Makassar")}

	// What the old kit holds, read as the old release stored it.
	before := legacyCounts(t, filepath.Join(home, "kit.db"))
	if before["applications"] != 4 || before["versions"] != 5 || before["roster_entries"] != 5 || before["attachments"] != 1 {
		t.Fatalf("the legacy kit holds %v", before)
	}

	// Nothing opens before the conversion, and an officer cannot convert.
	if _, errOut, err := k.run("app", "list"); err == nil || !strings.Contains(errOut, "not logged in") {
		t.Fatalf("app list on a legacy kit: %v %s", err, errOut)
	}
	k.env = append(k.env, "JEMPUT_PIN=135790")
	if _, errOut, err := k.run("login", "--nip", "199003152015031002"); err == nil || !strings.Contains(errOut, "a supervisor must log in first") {
		t.Fatalf("an officer's login on a legacy kit: %v %s", err, errOut)
	}
	k.env = append(k.env, "JEMPUT_PIN=246810")
	_, errOut, err := k.run("login", "--nip", "198001012005011001")
	if err != nil {
		t.Fatalf("the supervisor's login: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "3 old receipts removed") {
		t.Errorf("login did not say it removed the old receipts: %s", errOut)
	}

	// Nothing lost.
	after := legacyCounts(t, filepath.Join(home, "kit.db"))
	for table, n := range before {
		if table == "audit" {
			if after[table] <= n {
				t.Errorf("audit: %d entries before, %d after the conversion", n, after[table])
			}
			continue
		}
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after", table, n, after[table])
		}
	}
	var list []struct {
		Number, Status string
		Version        int
		Values         map[string]any
		Photo          *struct{ SHA256 string }
	}
	if err := json.Unmarshal([]byte(k.must("--json", "app", "list")), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range list {
		got[a.Number+"/"+a.Status] = a.Values["full_name"].(string)
	}
	for want, name := range map[string]string{
		"KTB01-261201-0001-4/approved": "Muhammad Rizky Pratama", "KTB01-261201-0002-5/captured": "Aisyah Putri Ramadhani",
		"KTB01-261201-0003-6/captured": "John Michael Smith", "/draft": "Siti Nurhaliza",
	} {
		if got[want] != name {
			t.Errorf("%s: %q, want %q (all: %v)", want, got[want], name, got)
		}
	}
	if out := k.must("app", "show", "KTB01-261201-0002-5"); !strings.Contains(out, "koreksi") {
		t.Errorf("version 2 and its reason are gone:\n%s", out)
	}
	if out := k.must("app", "list", "--search", "6302011403850003"); !strings.Contains(out, "Muhammad Rizky Pratama") {
		t.Errorf("search by NIK after the conversion:\n%s", out)
	}
	if out := k.must("roster", "list"); !strings.Contains(out, "Siti Nurhaliza") {
		t.Errorf("the roster after the conversion:\n%s", out)
	}
	// The photo and the device key: a receipt with the photo, signed by
	// the same key as before (doctor compares it with the kit's public key).
	k.must("receipt", "KTB01-261201-0001-4", "--out", filepath.Join(t.TempDir(), "r.pdf"))
	out, _, _ := k.run("doctor")
	for _, want := range []string{"ok   device key (sealed) matches the kit", "ok   audit log intact", "ok   no applicant record in clear",
		"FAIL key slots: 1 for 2 active officers; without a slot (need a new PIN: jemput officer reset-pin): 199003152015031002"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor after the conversion does not say %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "device.key")); err == nil {
		t.Error("device.key is still in the kit home")
	}

	// Nothing in clear.
	dir := filepath.Join(fixtures.Dir(t), "applicants")
	var needles []string
	for _, f := range []string{"adult-new.json", "minor-new.json", "stay-permit-itas.json"} {
		needles = append(needles, personal(t, filepath.Join(dir, f))...)
	}
	img, err := os.ReadFile(fixtures.Path(t, "photo-413x531.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for path, b := range homeFiles(t, home) {
		for _, n := range append(needles, "Siti Nurhaliza") {
			if strings.Contains(string(b), n) || strings.Contains(string(b), strings.ToLower(n)) {
				t.Errorf("%s still holds %q in clear", filepath.Base(path), n)
			}
		}
		if i := findRun(img, b); i >= 0 {
			t.Errorf("%s still holds 48 bytes of the photo at %d", filepath.Base(path), i)
		}
	}

	// The other officer gets a slot with a new PIN from the supervisor.
	k.env = append(k.env, "JEMPUT_PIN=135790")
	if _, errOut, err := k.run("login", "--nip", "199003152015031002"); err == nil || !strings.Contains(errOut, "officer reset-pin") {
		t.Errorf("the officer before a new PIN: %v %s", err, errOut)
	}
	k.env = append(k.env, "JEMPUT_PIN=246810")
	k.must("login", "--nip", "198001012005011001")
	k.env = append(k.env, "JEMPUT_PIN=1357924680")
	k.must("officer", "reset-pin", "--nip", "199003152015031002")
	k.must("login", "--nip", "199003152015031002")
	if out := k.must("app", "list"); !strings.Contains(out, "Aisyah Putri Ramadhani") {
		t.Errorf("the officer after a new PIN:\n%s", out)
	}
	k.env = append(k.env, "JEMPUT_PIN=246810")
	k.must("login", "--nip", "198001012005011001")
	if out, errOut, err := k.run("doctor"); err != nil {
		t.Errorf("doctor once every officer has a slot: %v\n%s%s", err, out, errOut)
	}
}

func legacyCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]int{}
	for _, table := range []string{"applications", "versions", "transitions", "attachments", "roster_entries", "audit", "officers", "events"} {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// chmodTree gives a copied kit home the modes the kit makes (git keeps
// none of them).
func chmodTree(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return os.Chmod(p, 0o700)
		}
		return os.Chmod(p, 0o600)
	})
}
