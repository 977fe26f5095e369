package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/central/server"
	"github.com/jemput/jemput/central/sqlite"
	ksync "github.com/jemput/jemput/sync"
	"github.com/spf13/cobra"
)

// The flags of each command, parsed apart from its run (cli/cli style).

func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func testApp() *App {
	return &App{IO: cli.IO{Lang: "en", Out: io.Discard, Err: io.Discard}, Getenv: func(string) string { return "" }, Now: time.Now}
}

func TestKitAddFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    kitAddOptions
		wantErr string
	}{
		{[]string{"--code", "KTB01"}, kitAddOptions{Code: "KTB01", TTL: 168 * time.Hour}, ""},
		{[]string{"--code", "KTB01", "--ttl", "24h"}, kitAddOptions{Code: "KTB01", TTL: 24 * time.Hour}, ""},
		{[]string{}, kitAddOptions{}, `required flag(s) "code" not set`},
		{[]string{"--code", "KTB01", "--ttl", "-1h"}, kitAddOptions{}, "must be positive"},
		{[]string{"--code", "KTB01", "--ttl", "soon"}, kitAddOptions{}, "invalid argument"},
	}
	for _, tt := range tests {
		var got *kitAddOptions
		err := parse(t, newKitAddCommand(testApp(), func(_ context.Context, o *kitAddOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || *got != tt.want {
			t.Errorf("%v: %+v %v, want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestAppStatusFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    appStatusOptions
		wantErr string
	}{
		{[]string{"KTB01-261127-0001-7", "--set", "accepted"}, appStatusOptions{ID: "KTB01-261127-0001-7", Set: "accepted"}, ""},
		{[]string{"a1", "--set", "rejected", "--reason", "foto buram"}, appStatusOptions{ID: "a1", Set: "rejected", Reason: "foto buram"}, ""},
		{[]string{"a1", "--set", "ready", "--pickup", "Kotabaru 11/12"}, appStatusOptions{ID: "a1", Set: "ready", Pickup: "Kotabaru 11/12"}, ""},
		{[]string{"a1", "--set", "rejected"}, appStatusOptions{}, "needs a reason"},
		{[]string{"a1", "--set", "ready"}, appStatusOptions{}, "pickup"},
		{[]string{"a1", "--set", "lost"}, appStatusOptions{}, `--set "lost"`},
		{[]string{"a1"}, appStatusOptions{}, `required flag(s) "set"`},
		{[]string{"--set", "accepted"}, appStatusOptions{}, "accepts 1 arg"},
	}
	for _, tt := range tests {
		var got *appStatusOptions
		err := parse(t, newAppStatusCommand(testApp(), func(_ context.Context, o *appStatusOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || *got != tt.want {
			t.Errorf("%v: %+v %v, want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestKitRevokeAndKeysFlags(t *testing.T) {
	var rv *kitRevokeOptions
	if err := parse(t, newKitRevokeCommand(testApp(), func(_ context.Context, o *kitRevokeOptions) error { rv = o; return nil }), "KTB01", "--reason", "laptop hilang"); err != nil || *rv != (kitRevokeOptions{Code: "KTB01", Reason: "laptop hilang"}) {
		t.Errorf("kit revoke: %+v %v", rv, err)
	}
	for _, args := range [][]string{{"KTB01"}, {"KTB01", "--reason", " "}, {"--reason", "x"}} {
		if err := parse(t, newKitRevokeCommand(testApp(), func(context.Context, *kitRevokeOptions) error { return nil }), args...); err == nil {
			t.Errorf("kit revoke %v was accepted", args)
		}
	}
	var rs *keysResealOptions
	if err := parse(t, newKeysResealCommand(testApp(), func(_ context.Context, o *keysResealOptions) error { rs = o; return nil }), "--plain"); err != nil || !rs.Plain {
		t.Errorf("keys reseal --plain: %+v %v", rs, err)
	}
	for _, args := range [][]string{{}, {"--plain", "--new-passphrase-file", "p"}} {
		if err := parse(t, newKeysResealCommand(testApp(), func(context.Context, *keysResealOptions) error { return nil }), args...); err == nil {
			t.Errorf("keys reseal %v was accepted", args)
		}
	}
	// Limits that make no sense are refused before the run.
	if err := parse(t, newServeCommand(testApp(), func(context.Context, *serveOptions) error { return nil }), "--max-conns", "0"); err == nil {
		t.Error("serve --max-conns 0 was accepted")
	}
}

func TestOtherFlags(t *testing.T) {
	var imp *importOptions
	if err := parse(t, newImportCommand(testApp(), func(_ context.Context, o *importOptions) error { imp = o; return nil }), "usb/KTB01.jexp"); err != nil {
		t.Fatal(err)
	}
	if imp.File != "usb/KTB01.jexp" || imp.Acks != "usb/KTB01.jexp.acks" {
		t.Errorf("import: %+v", imp)
	}
	parse(t, newImportCommand(testApp(), func(_ context.Context, o *importOptions) error { imp = o; return nil }), "f", "--acks", "out.json")
	if imp.Acks != "out.json" {
		t.Errorf("import --acks: %+v", imp)
	}

	var list *appListOptions
	parse(t, newAppListCommand(testApp(), func(_ context.Context, o *appListOptions) error { list = o; return nil }), "--status", "ready", "--kit", "KTB01")
	if *list != (appListOptions{Status: "ready", Kit: "KTB01"}) {
		t.Errorf("app list: %+v", list)
	}
	if err := parse(t, newAppListCommand(testApp(), nil), "--status", "approved"); err == nil {
		t.Error("app list --status approved was accepted")
	}

	var srv *serveOptions
	parse(t, newServeCommand(testApp(), func(_ context.Context, o *serveOptions) error { srv = o; return nil }), "--listen", ":0", "--tls-cert", "c.pem", "--tls-key", "k.pem")
	if srv.Listen != ":0" || srv.TLSCert != "c.pem" || srv.TLSKey != "k.pem" || srv.Limits != server.DefaultLimits || srv.Office8 != central.DefaultLimits || srv.RequestMiB != 96 {
		t.Errorf("serve: %+v", srv)
	}
	parse(t, newServeCommand(testApp(), func(_ context.Context, o *serveOptions) error { srv = o; return nil }),
		"--max-conns", "10", "--kit-requests", "2", "--request-memory", "64", "--batch-records", "100", "--body-idle", "5s", "--memory-limit", "0")
	if srv.Limits.MaxConns != 10 || srv.Limits.KitRequests != 2 || srv.RequestMiB != 64 || srv.Office8.BatchRecords != 100 || srv.Limits.BodyIdle != 5*time.Second || srv.MemoryLimit != 0 {
		t.Errorf("serve with limits: %+v", srv)
	}
	if err := parse(t, newServeCommand(testApp(), nil), "--tls-cert", "c.pem"); err == nil {
		t.Error("--tls-cert without --tls-key was accepted")
	}
}

// TestDBChoice: --db names the store: a file, sqlite:FILE, or a
// postgres:// URL, whose password no message repeats.
func TestDBChoice(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LANG": "en_US.UTF-8"}
	path := filepath.Join(dir, "office.db")
	if r := runCmd(t, env, "kit", "list", "--db", "sqlite:"+path); r.code != 0 {
		t.Fatalf("--db sqlite:PATH: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("--db sqlite:PATH made no database at PATH: %v", err)
	}
	// No server on port 1: a clear error, the URL without its password.
	for _, db := range []string{"postgres://office:s3cret@127.0.0.1:1/jemput?connect_timeout=5", "postgresql://office@127.0.0.1:1/jemput?password=s3cret&connect_timeout=5"} {
		r := runCmd(t, env, "kit", "list", "--db", db)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "error: cannot open the PostgreSQL database: PostgreSQL postgres") || !strings.Contains(r.stderr, "127.0.0.1:1/jemput") || strings.Contains(r.stderr, "s3cret") {
			t.Errorf("--db %s: %d %q", db, r.code, r.stderr)
		}
	}
	if r := runCmd(t, env, "kit", "list", "--db", "sqlite:"); r.code != 2 || !strings.HasPrefix(r.stderr, "error: --db sqlite:") {
		t.Errorf("--db sqlite: with no file: %d %q", r.code, r.stderr)
	}
	if r := runCmd(t, map[string]string{"JEMPUT_CENTRAL_DB": "postgres://office:s3cret@127.0.0.1:1/jemput?connect_timeout=5"}, "kit", "list"); r.code != 1 || strings.Contains(r.stderr, "s3cret") {
		t.Errorf("JEMPUT_CENTRAL_DB=postgres://...: %d %q", r.code, r.stderr)
	}
}

// TestPostgres: the office's commands on a PostgreSQL database, when a
// test server is configured (pgtest).
func TestPostgres(t *testing.T) {
	db := pgtest.DSN(t)
	env := map[string]string{"LANG": "en_US.UTF-8", "JEMPUT_CENTRAL_KEYS": filepath.Join(t.TempDir(), "office.keys")}
	r := runCmd(t, env, "--db", db, "kit", "add", "--code", "KTB01")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "jmt1.KTB01.") {
		t.Fatalf("kit add on PostgreSQL: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, env, "--db", db, "--json", "kit", "list")
	if r.code != 0 || !strings.Contains(r.stdout, `"KTB01"`) {
		t.Errorf("kit list on PostgreSQL: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// The commands, run whole on a database file.

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errw, func(k string) string { return env[k] })
	return result{code: code, stdout: out.String(), stderr: errw.String()}
}

func TestCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "central.db")
	env := map[string]string{"JEMPUT_CENTRAL_DB": db, "LANG": "en_US.UTF-8"}

	r := runCmd(t, env, "kit", "add", "--code", "KTB01")
	if r.code != 0 {
		t.Fatalf("kit add: %d %s", r.code, r.stderr)
	}
	token := strings.TrimSpace(r.stdout)
	if _, err := ksync.ParseToken(token); err != nil {
		t.Fatalf("kit add printed %q: %v", r.stdout, err)
	}
	if !regexp.MustCompile(`fingerprint: [0-9a-f]{32}`).MatchString(r.stderr) {
		t.Errorf("kit add stderr: %s", r.stderr)
	}

	r = runCmd(t, env, "kit", "add", "--code", "ktb01")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "error: kit code") {
		t.Errorf("bad kit code: %d %q", r.code, r.stderr)
	}
	r = runCmd(t, env, "kit", "add")
	if r.code != 2 || !strings.Contains(r.stderr, "error: required flag") {
		t.Errorf("no --code: %d %q", r.code, r.stderr)
	}

	// Enroll the kit and send a record, as the server would, on the same
	// file.
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	office, err := central.NewOffice(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := office.Enroll(ctx, ksync.EnrollRequest{Token: token, KitCode: "KTB01", PublicKey: key.Public().(ed25519.PublicKey), Proof: ksync.EnrollProof(key, token)}); err != nil {
		t.Fatal(err)
	}
	doc := json.RawMessage(`{"values":{"nik":"6302015508900001"}}`)
	rec := ksync.Record{AppID: "app-1", Version: 1, Number: "KTB01-261127-0001-7", Kit: "KTB01", Form: "passport", FormVersion: 1, Status: "approved", Doc: doc, CreatedAt: time.Now()}
	if _, err := office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{rec}}); err != nil {
		t.Fatal(err)
	}
	recipient := office.SealingRecipient()
	st.Close()

	r = runCmd(t, env, "kit", "list", "--json")
	var kits []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &kits); err != nil || len(kits) != 1 || kits[0]["enrolled"] != true || kits[0]["applications"] != 1.0 {
		t.Fatalf("kit list --json: %s %v", r.stdout, err)
	}

	r = runCmd(t, env, "app", "status", "KTB01-261127-0001-7", "--set", "ready", "--pickup", "Kotabaru, 11 Dec")
	if r.code != 0 || !strings.Contains(r.stdout, "KTB01-261127-0001-7: ready") {
		t.Fatalf("app status: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, env, "app", "status", "NOPE", "--set", "accepted")
	if r.code != 1 || !strings.Contains(r.stderr, `error: no application "NOPE"`) || !strings.Contains(r.stderr, "hint: ") {
		t.Errorf("unknown app: %d %q", r.code, r.stderr)
	}
	r = runCmd(t, env, "app", "list", "--status", "ready", "--json")
	var apps []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &apps); err != nil || len(apps) != 1 || apps[0]["pickup"] != "Kotabaru, 11 Dec" || apps[0]["district"] != "63.02.01" {
		t.Fatalf("app list --json: %s %v", r.stdout, err)
	}
	r = runCmd(t, env, "app", "list")
	if !strings.Contains(r.stdout, "NUMBER") || !strings.Contains(r.stdout, "KTB01-261127-0001-7") {
		t.Errorf("app list: %s", r.stdout)
	}
	r = runCmd(t, map[string]string{"JEMPUT_CENTRAL_DB": db, "LANG": "id_ID.UTF-8"}, "app", "list")
	if !strings.Contains(r.stdout, "NOMOR") {
		t.Errorf("app list in Indonesian: %s", r.stdout)
	}

	r = runCmd(t, env, "report", "demand")
	if r.code != 0 || !strings.Contains(r.stdout, "63.02.01") || !strings.Contains(r.stdout, "TOTAL") {
		t.Errorf("report demand: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, env, "report", "demand", "--by", "year")
	if r.code != 2 || !strings.Contains(r.stderr, `error: --by "year"`) {
		t.Errorf("report demand --by year: %d %s", r.code, r.stderr)
	}

	// Import a sealed file; the acks go beside it.
	rec2 := rec
	rec2.AppID, rec2.Number = "app-2", "KTB01-261127-0002-5"
	var file bytes.Buffer
	if err := ksync.SealExport(&file, recipient, key, ksync.Export{Kit: "KTB01", Created: time.Now(), Batch: ksync.Batch{Kit: "KTB01", Records: []ksync.Record{rec, rec2}}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "KTB01.jexp")
	os.WriteFile(path, file.Bytes(), 0o600)
	r = runCmd(t, env, "import", path)
	if r.code != 0 || !strings.Contains(r.stdout, "1 stored, 1 duplicate, 0 conflict") {
		t.Fatalf("import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(path + ".acks")
	if err != nil {
		t.Fatal(err)
	}
	acks, err := ksync.ReadAckFile(bytes.NewReader(b))
	if err != nil || len(acks.Acks) != 2 || len(acks.Statuses) != 1 {
		t.Fatalf("ack file: %+v %v", acks, err)
	}

	tampered := bytes.Clone(file.Bytes())
	tampered[len(tampered)-20] ^= 0xff
	bad := filepath.Join(dir, "bad.jexp")
	os.WriteFile(bad, tampered, 0o600)
	r = runCmd(t, env, "import", bad)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "error: ") {
		t.Errorf("tampered import: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(bad + ".acks"); err == nil {
		t.Error("a tampered import wrote an ack file")
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "central.db")
	stderr := serve(t, db)
	if !strings.Contains(stderr, "basis data: "+db+"\n") { // LANG unset: Indonesian
		t.Errorf("serve does not say which database: %s", stderr)
	}
}

// TestServePostgres: the same on PostgreSQL; serve names the database
// without the URL's password.
func TestServePostgres(t *testing.T) {
	db := pgtest.DSN(t)
	stderr := serve(t, db)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	if pw, ok := u.User.Password(); ok && strings.Contains(stderr, pw) {
		t.Errorf("serve printed the database's password: %s", stderr)
	}
	if !strings.Contains(stderr, "basis data: "+u.Redacted()+"\n") {
		t.Errorf("serve does not say which database (password hidden): %s", stderr)
	}
}

// serve runs serve on db, checks the office answers and that a command
// works on the same database meanwhile, stops it, and returns what it
// said on stderr.
func serve(t *testing.T, db string) string {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int)
	keys := filepath.Join(t.TempDir(), "office.keys")
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", db, "--keys", keys, "--office", "Kantor Imigrasi Batulicin"}, strings.NewReader(""), io.Discard, &stderr, func(string) string { return "" })
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)\n`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(url + "/v1/office")
	if err != nil {
		t.Fatal(err)
	}
	var info ksync.OfficeInfo
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info.Office != "Kantor Imigrasi Batulicin" || ksync.VerifyOfficeInfo(info) != nil {
		t.Errorf("office info: %+v", info)
	}

	// A command works on the same file while serve runs.
	r := runCmd(t, map[string]string{"JEMPUT_CENTRAL_DB": db, "JEMPUT_CENTRAL_KEYS": keys}, "kit", "add", "--code", "KTB01")
	if r.code != 0 {
		t.Errorf("kit add while serving: %d %s", r.code, r.stderr)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	return stderr.String()
}
