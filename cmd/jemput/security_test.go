package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"

	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"
)

// What issue 7 says must hold, tried as a thief and as an officer would,
// against the real binary.

// personal is what a thief must not find: every name, identity number,
// KK number, phone number and e-mail of an applicant file.
func personal(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k, v := range m {
		s, ok := v.(string)
		if !ok || len(s) < 4 {
			continue
		}
		if strings.HasSuffix(k, "name") || strings.HasSuffix(k, "nik") || k == "kk_number" || k == "phone" || k == "email" || k == "passport_number" {
			out = append(out, s)
		}
	}
	return out
}

// homeFiles reads every file under the kit home.
func homeFiles(t *testing.T, home string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// findRun reports the first 48-byte run of photo found in b, or -1.
func findRun(photo, b []byte) int {
	const run = 48
	runs := make(map[string]bool, len(photo))
	for i := 0; i+run <= len(photo); i++ {
		runs[string(photo[i:i+run])] = true
	}
	for i := 0; i+run <= len(b); i++ {
		if runs[string(b[i:i+run])] {
			return i
		}
	}
	return -1
}

func TestNothingInClearInTheKitHome(t *testing.T) {
	k := newTestKit(t, "eazy-paspor")
	needles, photo := captureADay(t, k)
	if out := k.must("app", "list", "--status", "draft"); !strings.Contains(out, "Siti Nurhaliza") {
		t.Fatalf("no draft was kept:\n%s", out)
	}
	if len(needles) < 30 {
		t.Fatalf("only %d values to look for", len(needles))
	}
	img, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	// The device key, as the kit opens it; and one more capture by a
	// process that keeps the database open, so that its WAL is there to
	// be searched too.
	app := openApp(t, k)
	seed := deviceKeySeed(t, app)
	pemText := base64.StdEncoding.EncodeToString(seed)
	extra := filepath.Join(fixtures.Dir(t), "applicants", "warn-unknown-province.json")
	var data map[string]any
	b, err := os.ReadFile(extra)
	if err != nil || json.Unmarshal(b, &data) != nil {
		t.Fatalf("%s: %v", extra, err)
	}
	if _, err := app.svc.Capture(context.Background(), intake.CaptureInput{Data: data, Photo: img}); err != nil {
		t.Fatal(err)
	}
	needles = append(needles, personal(t, extra)...)

	// The database, its WAL and anything else in the home.
	files := homeFiles(t, k.home)
	app.Close()
	if _, ok := files[filepath.Join(k.home, "kit.db")]; !ok {
		t.Fatalf("no kit.db among %d files", len(files))
	}
	if len(files[filepath.Join(k.home, "kit.db-wal")]) == 0 {
		t.Fatal("no WAL to search while a process holds the kit open")
	}
	for path, b := range files {
		for _, n := range needles {
			for _, form := range []string{n, strings.ToLower(n), strings.ToUpper(n)} {
				if bytes.Contains(b, []byte(form)) {
					t.Errorf("%s holds %q in clear", filepath.Base(path), form)
				}
			}
		}
		if i := findRun(img, b); i >= 0 {
			t.Errorf("%s holds 48 bytes of the photo at %d", filepath.Base(path), i)
		}
		if bytes.Contains(b, seed) || bytes.Contains(b, []byte(pemText)) || bytes.Contains(b, []byte(hex.EncodeToString(seed))) {
			t.Errorf("%s holds the device's private key in clear", filepath.Base(path))
		}
	}
	// The kit itself still finds everything: search by name, NIK, number.
	for _, q := range []string{"rizky", "6302011403850003", "KTB01-261127-0002", "pratama muhammad"} {
		if out := k.must("app", "list", "--search", q); !strings.Contains(out, "KTB01-261127-") {
			t.Errorf("search %q found nothing:\n%s", q, out)
		}
	}
	if out := k.must("doctor"); !strings.Contains(out, "no applicant name or NIK in any file of the kit folder") {
		t.Errorf("doctor does not say the kit folder is clean:\n%s", out)
	}
}

// openApp opens the kit as the binary does, with the session its login
// left.
func openApp(t *testing.T, k *testKit) *App {
	t.Helper()
	env := map[string]string{}
	for _, kv := range k.env {
		key, v, _ := strings.Cut(kv, "=")
		env[key] = v
	}
	app := &App{Home: k.home, IO: cli.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Lang: "en"}, Getenv: func(s string) string { return env[s] },
		Now: func() time.Time { return time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC) }}
	if _, err := app.service(context.Background()); err != nil {
		t.Fatal(err)
	}
	return app
}

// deviceKeySeed opens the device key as the kit does.
func deviceKeySeed(t *testing.T, app *App) []byte {
	t.Helper()
	key, err := app.deviceKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Public().(ed25519.PublicKey)) != ed25519.PublicKeySize {
		t.Fatal("no device key")
	}
	return key.Seed()
}

// Without a session, after logout, after expiry, from a copy of the kit
// home made during a session, and with a wrong PIN: nothing opens.
func TestNoSessionNoData(t *testing.T) {
	k := newTestKit(t, "eazy-paspor")
	dir := filepath.Join(fixtures.Dir(t), "applicants")
	k.must("intake", "--data", filepath.Join(dir, "adult-new.json"))
	refused := func(what string, stderrWant string, args ...string) {
		t.Helper()
		out, errOut, err := k.run(args...)
		if err == nil {
			t.Errorf("%s: jemput %s worked:\n%s", what, strings.Join(args, " "), out)
			return
		}
		if strings.Contains(out, "Muhammad Rizky") {
			t.Errorf("%s: applicant data shown:\n%s", what, out)
		}
		if !strings.Contains(errOut, stderrWant) || !strings.Contains(errOut, "hint: ") {
			t.Errorf("%s: stderr %q, want %q and a hint", what, errOut, stderrWant)
		}
	}
	readWrite := [][]string{
		{"app", "list"},
		{"app", "show", "KTB01-261127-0001-5"},
		{"app", "list", "--search", "rizky"},
		{"intake", "--data", filepath.Join(dir, "minor-new.json")},
		{"receipt", "KTB01-261127-0001-5", "--out", filepath.Join(t.TempDir(), "r.pdf")},
		{"review"},
	}

	// A copy of the kit home taken while the supervisor is logged in.
	stolen := filepath.Join(t.TempDir(), "stolen")
	if err := os.CopyFS(stolen, os.DirFS(k.home)); err != nil {
		t.Fatal(err)
	}
	thief := &testKit{t: t, home: stolen, env: append(append([]string{}, k.env...), "JEMPUT_HOME="+stolen)}
	for _, args := range readWrite {
		out, _, err := thief.run(args...)
		if err == nil || strings.Contains(out, "Muhammad Rizky") {
			t.Errorf("a copy of the kit home: jemput %s worked:\n%s", strings.Join(args, " "), out)
		}
	}
	// The same copy on another machine (another runtime folder).
	other := t.TempDir()
	thief.env = append(thief.env, "XDG_RUNTIME_DIR="+other)
	if out, _, err := thief.run("app", "list"); err == nil {
		t.Errorf("a copy of the kit home on another machine opened:\n%s", out)
	}

	// Expiry: the default session lasts a working day.
	for _, args := range readWrite[:3] {
		k.env = append(k.env, "JEMPUT_NOW=2026-11-27T19:31:00+08:00")
		refused("after expiry", "not logged in", args...)
	}
	k.env = append(k.env, "JEMPUT_NOW=2026-11-27T09:30:00+08:00")
	k.must("login", "--nip", "198001012005011001", "--for", "2h")
	k.env = append(k.env, "JEMPUT_NOW=2026-11-27T11:31:00+08:00")
	_, errOut, _ := k.run("app", "list")
	if !strings.Contains(errOut, "the session ended at 2026-11-27 11:30") {
		t.Errorf("after a 2h session: %q", errOut)
	}
	k.env = append(k.env, "JEMPUT_NOW=2026-11-27T09:30:00+08:00")

	// Logout.
	k.must("login", "--nip", "198001012005011001")
	k.must("logout")
	for _, args := range readWrite {
		refused("after logout", "not logged in", args...)
	}
	files, _ := filepath.Glob(filepath.Join(envOf(k, "XDG_RUNTIME_DIR"), "jemput", "*.session"))
	if len(files) != 0 {
		t.Errorf("logout left %v", files)
	}

	// A wrong PIN opens nothing and leaves no session.
	k.env = append(k.env, "JEMPUT_PIN=1357913579")
	if _, _, err := k.run("login", "--nip", "198001012005011001"); err == nil {
		t.Fatal("a wrong PIN logged in")
	}
	k.env = append(k.env, "JEMPUT_PIN=2468013579")
	for _, args := range readWrite[:2] {
		refused("after a wrong PIN", "not logged in", args...)
	}
}

func envOf(k *testKit, name string) string {
	v := ""
	for _, kv := range k.env {
		if key, val, _ := strings.Cut(kv, "="); key == name {
			v = val
		}
	}
	return v
}

// captureADay captures the fixture applicants with a photo, a correction
// (a second version), a roster and a draft into k, and returns what a
// byte search of the kit's files must not find: every name, NIK, KK
// number, phone and e-mail of them, the correction's new value and the
// draft's values; and the photo's path.
func captureADay(t *testing.T, k *testKit) (needles []string, photo string) {
	t.Helper()
	dir := filepath.Join(fixtures.Dir(t), "applicants")
	photo = fixtures.Path(t, "photo-413x531.jpg")
	for _, f := range []string{"adult-new.json", "adult-female-renewal.json", "minor-new.json", "mononym.json", "long-name.json",
		"incomplete-missing-kk.json", "odd-address-markup.json", "stay-permit-itas.json"} {
		k.must("intake", "--data", filepath.Join(dir, f), "--photo", photo)
		needles = append(needles, personal(t, filepath.Join(dir, f))...)
	}
	// A correction, a roster and a draft hold applicant data too.
	var corrected map[string]any
	if b, err := os.ReadFile(filepath.Join(dir, "adult-new.json")); err != nil || json.Unmarshal(b, &corrected) != nil {
		t.Fatal(err)
	}
	corrected["phone"] = "081298765432"
	fixed := filepath.Join(t.TempDir(), "koreksi.json")
	if b, err := json.Marshal(corrected); err != nil || os.WriteFile(fixed, b, 0o600) != nil {
		t.Fatal(err)
	}
	k.must("app", "edit", "KTB01-261127-0001-5", "--data", fixed, "--reason", "koreksi")
	needles = append(needles, "081298765432")
	k.must("roster", "import", filepath.Join(fixtures.Dir(t), "roster", "eazy-kotabaru.csv"))
	draft := k.command("intake", "--interactive")
	draft.Stdin = strings.NewReader("replace-expired\nB1234567\nSiti Nurhaliza\n")
	draft.Run() // ends at the end of input: kept as a draft
	return append(needles, "Siti Nurhaliza", "B1234567"), photo
}
