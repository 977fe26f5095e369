package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/internal/fixtures"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/server"
	"github.com/jemput/jemput/central/sqlite"
	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) {
	// The scripts fix the clock with JEMPUT_NOW; only test builds allow it.
	cli.AllowFakeClock()
	if filepath.Base(os.Args[0]) == "jemput" {
		testscript.Main(m, map[string]func(){"jemput": func() { os.Exit(Main()) }})
	}
	// jemput-central is another binary: build it once, put it on PATH, so
	// that scripts and fault tests run the real thing as its own process.
	dir, err := os.MkdirTemp("", "jemput-central-bin")
	if err != nil {
		log.Fatal(err)
	}
	build := exec.Command("go", "build", "-ldflags", cli.TestLDFlags, "-o", filepath.Join(dir, "jemput-central"), "../jemput-central")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		log.Fatalf("building jemput-central: %v", err)
	}
	os.Setenv("PATH", dir+string(filepath.ListSeparator)+os.Getenv("PATH"))
	testscript.Main(removeAfter{m, dir}, map[string]func(){
		"jemput": func() { os.Exit(Main()) },
	})
}

// removeAfter runs the tests, then removes a folder (testscript.Main ends
// with os.Exit, so a deferred call would never run).
type removeAfter struct {
	m   *testing.M
	dir string
}

func (r removeAfter) Run() int {
	defer os.RemoveAll(r.dir)
	return r.m.Run()
}

// scriptEnv is the environment every script starts with: a kit home inside
// the script's work folder, a fixed clock and a fixed time zone, so that
// dates and numbers are the same on every run.
func scriptEnv(t testing.TB, env *testscript.Env) error {
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("JEMPUT_HOME", filepath.Join(env.WorkDir, "home"))
	// Sessions and receipts for printing live in the user's runtime
	// folder, never in the kit home.
	run := filepath.Join(env.WorkDir, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		return err
	}
	env.Setenv("XDG_RUNTIME_DIR", run)
	env.Setenv("JEMPUT_NOW", "2026-11-27T09:30:00+08:00")
	env.Setenv("TZ", "Asia/Makassar")
	env.Setenv("LANG", "en_US.UTF-8")
	env.Setenv("JEMPUT_PIN", "2468013579")
	env.Setenv("FIXTURES", fixtures.Dir(t))
	return nil
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup:               func(env *testscript.Env) error { return scriptEnv(t, env) },
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "receipttools":
				for _, n := range []string{"pdftotext", "pdftoppm", "zbarimg"} {
					if _, err := exec.LookPath(n); err != nil {
						if os.Getenv("CI") != "" {
							return false, fmt.Errorf("%s is not installed (.ci/run installs it)", n)
						}
						return false, nil
					}
				}
				return true, nil
			case "pty":
				// script(1) from util-linux runs a command at a pseudo-terminal
				if _, err := exec.LookPath("script"); err != nil {
					if os.Getenv("CI") != "" {
						return false, fmt.Errorf("script(1) is not installed (scripts/tools installs bsdutils)")
					}
					return false, nil
				}
				return true, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"dbdump":          cmdDBDump,
			"pdftext":         cmdPDFText,
			"qrdecode":        cmdQRDecode,
			"sqlquery":        cmdSQLQuery,
			"sqlexec":         cmdSQLExec,
			"expect-fixtures": cmdExpectFixtures,
			"central-serve":   cmdCentralServe,
			"auditrewrite":    cmdAuditRewrite,
		},
	})
}

// dbdump FILE writes every row of every table of the kit database, in a
// stable order, so that two dumps compare equal exactly when nothing changed.
func cmdDBDump(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: dbdump FILE")
	}
	out, err := dumpDB(ts.Getenv("JEMPUT_HOME"))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), out, 0o644))
}

func dumpDB(home string) ([]byte, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(home, "kit.db")+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// A virtual table (the search index) is dumped through the tables
	// that hold it.
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var buf bytes.Buffer
	for _, tbl := range tables {
		fmt.Fprintf(&buf, "== %s\n", tbl)
		var ncols int
		if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info(?)`, tbl).Scan(&ncols); err != nil {
			return nil, err
		}
		order := " ORDER BY 1, 2"
		if ncols < 2 {
			order = " ORDER BY 1"
		}
		r, err := db.Query(`SELECT * FROM "` + tbl + `"` + order)
		if err != nil {
			return nil, err
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			fmt.Fprintf(&buf, "%q\n", vals)
		}
		r.Close()
	}
	return buf.Bytes(), nil
}

// sqlquery [-db FILE] QUERY runs a read-only query on the kit database (or
// on FILE, for the office's) and prints the rows, one a line, values
// separated by '|'.
func cmdSQLQuery(ts *testscript.TestScript, neg bool, args []string) {
	path := filepath.Join(ts.Getenv("JEMPUT_HOME"), "kit.db")
	if len(args) == 3 && args[0] == "-db" {
		path, args = ts.MkAbs(args[1]), args[2:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sqlquery [-db FILE] QUERY")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	ts.Check(err)
	defer db.Close()
	rows, err := db.Query(args[0])
	ts.Check(err)
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		ts.Check(rows.Scan(ptrs...))
		var parts []string
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		fmt.Fprintln(ts.Stdout(), strings.Join(parts, "|"))
	}
	ts.Check(rows.Err())
}

// sqlexec STATEMENT changes the kit database behind the kit's back, as
// someone with the file and a SQLite shell could.
func cmdSQLExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sqlexec STATEMENT")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ts.Getenv("JEMPUT_HOME"), "kit.db"))
	ts.Check(err)
	defer db.Close()
	_, err = db.Exec(args[0])
	if neg {
		if err == nil {
			ts.Fatalf("sqlexec succeeded")
		}
		fmt.Fprintln(ts.Stderr(), err)
		return
	}
	ts.Check(err)
}

// central-serve [DB] starts the central office in this process on
// 127.0.0.1:0 with its database at DB (default central.db), and exports
// CENTRAL_URL and JEMPUT_CENTRAL_DB so that jemput and jemput-central find
// it. It stops when the script ends.
func cmdCentralServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: central-serve [DB]")
	}
	path := "central.db"
	if len(args) == 1 {
		path = args[0]
	}
	path = ts.MkAbs(path)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	ts.Check(err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	office, err := central.NewOffice(ctx, st, central.WithLogger(log), central.WithClock(fixedClock(ts)))
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: server.New(office, log)}
	go srv.Serve(ln)
	ts.Defer(func() {
		srv.Close()
		st.Close()
	})
	ts.Setenv("CENTRAL_URL", "http://"+ln.Addr().String())
	ts.Setenv("JEMPUT_CENTRAL_DB", path)
}

// fixedClock reads the script's JEMPUT_NOW, as the binaries do, at each
// call: a script moves the office's clock with env JEMPUT_NOW=.
func fixedClock(ts *testscript.TestScript) func() time.Time {
	return func() time.Time {
		t, err := time.Parse(time.RFC3339, ts.Getenv("JEMPUT_NOW"))
		if err != nil {
			return time.Now()
		}
		return t
	}
}

// pdftext PDF prints the text of a PDF (poppler's pdftotext, layout kept).
func cmdPDFText(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pdftext FILE.pdf")
	}
	out, err := exec.Command("pdftotext", "-layout", ts.MkAbs(args[0]), "-").CombinedOutput()
	if err != nil {
		ts.Fatalf("pdftotext: %v\n%s", err, out)
	}
	ts.Stdout().Write(out)
}

// qrdecode PDF renders the pages and prints the QR code's text, as a phone
// camera would read it off the paper.
func cmdQRDecode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: qrdecode FILE.pdf")
	}
	text, err := decodeQR(context.Background(), ts.MkAbs(args[0]))
	ts.Check(err)
	fmt.Fprintln(ts.Stdout(), text)
}

func decodeQR(ctx context.Context, pdf string) (string, error) {
	dir, err := os.MkdirTemp("", "qr")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "page")
	if out, err := exec.CommandContext(ctx, "pdftoppm", "-png", "-r", "150", pdf, prefix).CombinedOutput(); err != nil {
		return "", fmt.Errorf("pdftoppm: %v\n%s", err, out)
	}
	pngs, _ := filepath.Glob(prefix + "*.png")
	if len(pngs) == 0 {
		return "", fmt.Errorf("pdftoppm wrote no page")
	}
	for _, png := range pngs {
		out, err := exec.CommandContext(ctx, "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png).Output()
		if err == nil {
			return strings.TrimRight(string(out), "\n"), nil
		}
	}
	return "", fmt.Errorf("zbarimg found no QR code on the %d pages", len(pngs))
}

// auditrewrite SEQ REASON does what an editor with sqlite3 and a script
// would: drops the append-only trigger, changes the reason of entry SEQ
// and recomputes the hash chain from there on, so that every hash and
// every link is right again. Only the kit's key marks can tell.
func cmdAuditRewrite(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: auditrewrite SEQ REASON")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ts.Getenv("JEMPUT_HOME"), "kit.db"))
	ts.Check(err)
	defer db.Close()
	_, err = db.Exec(`DROP TRIGGER IF EXISTS audit_append_only_update`)
	ts.Check(err)
	_, err = db.Exec(`UPDATE audit SET reason = ? WHERE seq = ?`, args[1], args[0])
	ts.Check(err)
	rows, err := db.Query(`SELECT seq, at, officer_id, action, entity, entity_id, reason, detail, prev_hash FROM audit ORDER BY seq`)
	ts.Check(err)
	type entry struct {
		seq                                                      int64
		at, officer, action, entity, entityID, reason, detail, _ string
	}
	var list []entry
	for rows.Next() {
		var e entry
		var prev string
		ts.Check(rows.Scan(&e.seq, &e.at, &e.officer, &e.action, &e.entity, &e.entityID, &e.reason, &e.detail, &prev))
		list = append(list, e)
	}
	rows.Close()
	prev := strings.Repeat("0", 64)
	for _, e := range list {
		h := sha256.New()
		for _, f := range []string{prev, strconv.FormatInt(e.seq, 10), e.at, e.officer, e.action, e.entity, e.entityID, e.reason, e.detail} {
			h.Write([]byte(f))
			h.Write([]byte{0x1f})
		}
		hash := hex.EncodeToString(h.Sum(nil))
		_, err := db.Exec(`UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?`, prev, hash, e.seq)
		ts.Check(err)
		prev = hash
	}
}
