package e2e

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
)

// BenchmarkKitMemory is PRODUCT.md section 9's memory target: the peak
// memory (the kernel's high-water mark of resident memory, VmHWM, which
// getrusage reports as ru_maxrss) of the real `jemput` process syncing
// and exporting MEM_N applications with photos (10,000 by default; target
// under 64 MiB), and of the `jemput-central` process receiving them (its
// sync) and importing the export file (its import): the office's must
// not grow with the size of a batch or a file, which scripts/bench shows
// by running this at two sizes.
//
// The kit is made by the binaries (init, enroll, an event, one intake
// with a photo, approval), then grown to MEM_N applications through the
// store's own Tx, in transactions of 500: each a copy of the first with a
// new id and number and a photo of its own (MEM_PHOTO_BYTES random bytes,
// 49,404 by default, the fixture photo's size: the office checks only
// their SHA-256). Then, on copies of that kit: `jemput sync export`, the
// office's `jemput-central import` of that file into an office of its own,
// and `jemput sync` to a `jemput-central serve` on loopback.
//
// MEM_KEEP=DIR builds in DIR and leaves it there.
//
// Metrics (MiB = 2^20 bytes): kit-sync-MiB, kit-export-MiB,
// office-serve-MiB, office-import-MiB; export-MB (the file), apps.
func BenchmarkKitMemory(b *testing.B) {
	n := envInt(b, "MEM_N", 10000)
	photoSize := envInt(b, "MEM_PHOTO_BYTES", 49404)
	for range b.N {
		kitMemory(b, n, photoSize)
	}
}

func kitMemory(b *testing.B, n, photoSize int) {
	ctx := context.Background()
	dir := b.TempDir()
	if keep := os.Getenv("MEM_KEEP"); keep != "" {
		// The kit, the office and the file stay there, to look at.
		dir = keep
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	fx := filepath.Join("..", "testdata", "fixtures")
	home := filepath.Join(dir, "kit")
	k := kit{home: home}
	db := filepath.Join(dir, "central.db")
	k.must(b, "init", "--kit-code", kitCode, "--office", "Kantor Imigrasi Batulicin",
		"--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
	token := strings.TrimSpace(centralCmd(b, db, "kit", "add", "--code", kitCode))
	addr, err := freeAddr(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9)))
	if err != nil {
		b.Fatal(err)
	}
	c := &central{db: db, dir: dir, addr: addr}
	if err := c.start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.kill() })
	k.must(b, "enroll", "--central", c.url(), "--token", token)
	k.must(b, "event", "open", "--type", "eazy-paspor", "--name", "Eazy Paspor Kotabaru", "--place", "Kotabaru")
	k.must(b, "intake", "--data", filepath.Join(fx, "applicants", "adult-new.json"), "--photo", filepath.Join(fx, "photo-413x531.jpg"))
	k.must(b, "review", "approve", "--all")

	start := time.Now()
	if err := growKit(ctx, filepath.Join(home, "kit.db"), n, photoSize); err != nil {
		b.Fatal(err)
	}
	b.Logf("kit of %d applications with photos of %d bytes grown in %s", n, photoSize, time.Since(start).Round(time.Millisecond))
	// growKit's login took the session; the command line's comes back.
	k.must(b, "login", "--nip", "198001012005011001")

	// Export, on a copy of the kit (an export marks what it wrote).
	exportHome := filepath.Join(dir, "kit-export")
	if err := copyDir(exportHome, home); err != nil {
		b.Fatal(err)
	}
	kit{home: exportHome}.must(b, "login", "--nip", "198001012005011001") // a session is the home's
	file := filepath.Join(dir, "usb", "KTB01.jemput")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	kitExport, _ := peakOf(b, kit{home: exportHome}.command(ctx, "sync", "export", "--out", file))
	fi, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("export: %d MB in %s, peak %.1f MiB", fi.Size()/1e6, time.Since(start).Round(time.Millisecond), kitExport)

	// The office's import of that file, into an office of its own with
	// the same kit enrolled: a copy of the office's database as it is now.
	importDB := filepath.Join(dir, "import.db")
	if err := c.stop(); err != nil {
		b.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".keys"} {
		if err := copyFile(importDB+suffix, db+suffix, 0o600); err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
	}
	if err := c.start(); err != nil {
		b.Fatal(err)
	}
	imp := newCentralCommand(ctx, importDB, "import", file, "--acks", file+".acks")
	start = time.Now()
	// An office may refuse a file over its limits (Limits.BatchRecords):
	// that is said, and the figure is missing, not a failure of the run.
	officeImport, out, err := peak(imp)
	if err != nil {
		b.Logf("import refused, no office-import figure: %v", err)
	} else {
		b.Logf("import: %s in %s, peak %.1f MiB", lastLine(out), time.Since(start).Round(time.Millisecond), officeImport)
	}

	// The sync, to the office's server.
	start = time.Now()
	kitSync, out := peakOf(b, k.command(ctx, "--json", "sync"))
	took := time.Since(start)
	officeServe := c.peak()
	b.Logf("sync: %s in %s, kit peak %.1f MiB, office peak %.1f MiB", lastLine(out), took.Round(time.Millisecond), kitSync, officeServe)
	if err := c.stop(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(kitSync, "kit-sync-MiB")
	b.ReportMetric(kitExport, "kit-export-MiB")
	b.ReportMetric(officeServe, "office-serve-MiB")
	if officeImport > 0 {
		b.ReportMetric(officeImport, "office-import-MiB")
	}
	b.ReportMetric(float64(fi.Size())/1e6, "export-MB")
	b.ReportMetric(float64(n), "apps")
}

// growKit adds n-1 copies of the kit's one approved application, each
// with a new id, number and photo, so that the kit holds n.
func growKit(ctx context.Context, path string, n, photoSize int) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	// Applicant data is sealed: it opens to a login, as the supervisor's
	// at the command line (the same fixed clock).
	now, err := time.Parse(time.RFC3339, testNow)
	if err != nil {
		return err
	}
	svc := intake.NewService(db, intake.WithClock(func() time.Time { return now }))
	if _, err := svc.Login(ctx, "198001012005011001", testPIN); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	var tmpl intake.Application
	var trs []intake.Transition
	err = db.View(ctx, func(tx intake.Tx) error {
		list, err := tx.Applications(intake.Filter{Status: intake.StatusApproved})
		if err != nil {
			return err
		}
		if len(list) != 1 {
			return fmt.Errorf("%d approved applications, want 1", len(list))
		}
		tmpl = list[0]
		trs, err = tx.Transitions(tmpl.ID)
		return err
	})
	if err != nil {
		return err
	}
	if tmpl.Doc.Photo == nil {
		return fmt.Errorf("the template application has no photo")
	}
	const perTx = 500
	for from := 1; from < n; from += perTx {
		err := db.Update(ctx, func(tx intake.Tx) error {
			for i := from; i < min(from+perTx, n); i++ {
				photo := make([]byte, photoSize)
				crand.Read(photo)
				sum := sha256.Sum256(photo)
				sha := hex.EncodeToString(sum[:])
				if err := tx.PutAttachment(sha, photo); err != nil {
					return err
				}
				app := tmpl
				app.ID = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
				app.Number = intake.FormatNumber(kitCode, tmpl.CreatedAt, 1+i)
				doc := app.Doc
				p := *doc.Photo
				p.SHA256, p.Size = sha, photoSize
				doc.Photo = &p
				app.Doc = doc
				if err := tx.InsertApplication(app); err != nil {
					return err
				}
				if err := tx.InsertVersion(intake.Version{AppID: app.ID, Version: app.Version, Status: app.Status,
					OfficerID: app.OfficerID, CreatedAt: app.CreatedAt, Doc: doc}); err != nil {
					return err
				}
				for _, t := range trs {
					t.AppID = app.ID
					if err := tx.InsertTransition(t); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// peakOf runs cmd to its end and returns its peak resident memory in MiB
// (ru_maxrss, KiB on Linux) and its standard output; a failure fails b.
func peakOf(b *testing.B, c *exec.Cmd) (float64, string) {
	b.Helper()
	mib, out, err := peak(c)
	if err != nil {
		b.Fatal(err)
	}
	return mib, out
}

// peak runs cmd to its end and returns its peak resident memory in MiB
// and its standard output, or an error with both its outputs.
//
// The peak is the process's VmHWM (/proc/PID/status), read every 5 ms
// while it runs, the last reading kept: not getrusage's ru_maxrss, which
// for a child that was forked and exec'd counts the parent's memory before
// the exec too (here the test's own, with an argon2 login's 64 MiB).
func peak(c *exec.Cmd) (float64, string, error) {
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		return 0, "", err
	}
	stop, done := make(chan struct{}), make(chan struct{})
	var hwm float64
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := hwmMiB(c.Process.Pid); v > hwm {
				hwm = v
			}
			select {
			case <-tick.C:
			case <-stop:
				return
			}
		}
	}()
	err := c.Wait()
	close(stop)
	<-done
	if err != nil {
		return 0, "", fmt.Errorf("%s: %v\n%s%s", strings.Join(c.Args, " "), err, out.String(), lastLines(errb.String(), 5))
	}
	if os.Getenv("MEM_GCTRACE") != "" {
		// GODEBUG=gctrace=1 in the test's environment: the collector's
		// heap sizes, to see what the peak is made of.
		var gcs []string
		for _, l := range strings.Split(errb.String(), "\n") {
			if strings.HasPrefix(l, "gc ") {
				gcs = append(gcs, l)
			}
		}
		fmt.Fprintf(os.Stderr, "%s: %d collections:\n%s\n", strings.Join(c.Args[1:], " "), len(gcs), strings.Join(gcs, "\n"))
	}
	if hwm == 0 {
		return 0, "", errors.New("no VmHWM in /proc on this system")
	}
	return hwm, out.String(), nil
}

// hwmMiB is process pid's peak resident memory so far, in MiB; 0 if it
// cannot be read (it has exited). readHWM is hostile_test.go's.
func hwmMiB(pid int) float64 {
	v, _ := readHWM(pid)
	return float64(v) / (1 << 20)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// newCentralCommand is a one-shot jemput-central command on db, to be
// run by the caller.
func newCentralCommand(ctx context.Context, db string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "jemput-central"), append([]string{"--db", db}, args...)...)
	cmd.Env = baseEnv()
	dieWithTest(cmd)
	return cmd
}

// peak is the office process's peak resident memory so far (VmHWM), in
// MiB; 0 if it cannot be read.
func (c *central) peak() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return 0
	}
	return hwmMiB(c.cmd.Process.Pid)
}
