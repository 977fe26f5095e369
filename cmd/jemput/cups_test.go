package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cupsScript starts and stops the private CUPS (see its header).
var cupsScript = filepath.Join("..", "..", "scripts", "cups-pdf-queue")

// printTimeout bounds the wait for one printed PDF: CUPS turns the receipt
// into PostScript and cups-pdf back into a PDF with Ghostscript, about a
// second a page on the 2-core CI machine.
const printTimeout = 90 * time.Second

// TestPrintCUPS prints receipts for real: through lp to a CUPS queue of a
// private cupsd with a cups-pdf printer (scripts/cups-pdf-queue), and
// finds the printed PDFs with the application numbers in them
// (testdata/cups/*.txtar). Where a private CUPS cannot run (not root, CUPS
// not installed) it skips and says why; on CI, where .ci/run installs
// CUPS, it must run.
func TestPrintCUPS(t *testing.T) {
	dir, err := os.MkdirTemp("", "jcups") // short: the socket's path must fit 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	queue := fmt.Sprintf("jemput-test-%d", os.Getpid())
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, cupsScript, "stop", dir, queue).CombinedOutput(); err != nil {
			t.Errorf("stopping the private cupsd: %v\n%s", err, out)
		}
		os.RemoveAll(dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cupsScript, "start", dir, queue, fmt.Sprint(os.Getpid())).Output()
	t.Cleanup(stop)
	if err != nil {
		var ee *exec.ExitError
		msg := err.Error()
		if errors.As(err, &ee) {
			msg = strings.TrimSpace(string(ee.Stderr))
			if ee.ExitCode() == 3 && os.Getenv("CI") == "" {
				t.Skipf("no private CUPS here, so no real printing test: %s", msg)
			}
		}
		t.Fatalf("starting a private CUPS (%s start): %s", cupsScript, msg)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	if env["CUPS_SERVER"] == "" || env["CUPS_PDF_OUT"] == "" {
		t.Fatalf("%s start said:\n%s", cupsScript, out)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "cups"),
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			if err := scriptEnv(t, e); err != nil {
				return err
			}
			e.Setenv("CUPS_SERVER", env["CUPS_SERVER"])
			e.Setenv("CUPS_PDF_OUT", env["CUPS_PDF_OUT"])
			e.Setenv("CUPS_QUEUE", queue)
			e.Setenv("LPDEST", "")
			e.Setenv("PRINTER", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"printed": cmdPrinted},
	})
}

// printedSeen are the PDFs a script's printed commands have found, so that
// a reprint is found as a new PDF of its own.
var printedSeen = struct {
	sync.Mutex
	m map[*testscript.TestScript]map[string]bool
}{m: map[*testscript.TestScript]map[string]bool{}}

// printed NUMBER waits for a new PDF in $CUPS_PDF_OUT that holds the
// application number, and prints its text and its QR code's. The number
// is looked for in the text, else in the QR code: CUPS sends a PDF to
// cups-pdf as PostScript, and Ghostscript makes the embedded Unicode font
// into Type 3 glyphs that print right but whose text no longer reads
// back, while the QR code, drawn as rectangles, still does.
func cmdPrinted(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: printed NUMBER")
	}
	dir := ts.Getenv("CUPS_PDF_OUT")
	printedSeen.Lock()
	seen := printedSeen.m[ts]
	if seen == nil {
		seen = map[string]bool{}
		printedSeen.m[ts] = seen
	}
	printedSeen.Unlock()
	deadline := time.Now().Add(printTimeout)
	looked := map[string]time.Time{} // files read without the number, by modification time
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		sort.Strings(files)
		for _, f := range files {
			st, err := os.Stat(f)
			if seen[f] || err != nil || looked[f].Equal(st.ModTime()) {
				continue
			}
			// cups-pdf writes the file in place: one that does not read
			// yet is read again once it changes.
			out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
			if err != nil {
				continue
			}
			qr, _ := decodeQR(context.Background(), f)
			if !strings.Contains(string(out), args[0]) && !strings.Contains(qr, args[0]) {
				looked[f] = st.ModTime()
				continue
			}
			seen[f] = true
			ts.Logf("printed: %s", filepath.Base(f))
			ts.Stdout().Write(out)
			fmt.Fprintf(ts.Stdout(), "QR: %s\n", qr)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no PDF with %s came out of the CUPS queue in %v (folder %s holds %d PDFs)",
				args[0], printTimeout, dir, len(files))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
