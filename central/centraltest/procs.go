package centraltest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// OfficeProcesses builds jemput-central and starts n `jemput-central
// serve` processes on the database db (an SQLite file or a PostgreSQL URL)
// with the office's key file keys, each listening on a free port of
// 127.0.0.1; it returns their URLs, and kills the processes when tb ends.
// The office (its keys, its kits) is the caller's to make beforehand, so
// that the processes do not race to make it.
func OfficeProcesses(tb testing.TB, db, keys string, n int) []string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "jemput-central")
	build := exec.Command("go", "build", "-o", bin, "github.com/jemput/jemput/cmd/jemput-central")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build jemput-central: %v\n%s", err, out)
	}
	urls := make([]string, n)
	for i := range urls {
		cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--db", db, "--keys", keys)
		// Warnings only: a line per batch is not what is measured.
		cmd.Env = append(os.Environ(), "JEMPUT_LOG=warn", "JEMPUT_CENTRAL_PASSPHRASE=")
		dieWithParent(cmd)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			tb.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		url := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
					url <- m[1]
					break
				}
			}
			io.Copy(io.Discard, stderr) // until the process ends
			close(url)
		}()
		select {
		case u, ok := <-url:
			if !ok {
				tb.Fatalf("jemput-central serve %d ended without listening", i)
			}
			urls[i] = u
		case <-time.After(30 * time.Second):
			tb.Fatalf("jemput-central serve %d did not say it listens within 30 s", i)
		}
	}
	return urls
}

var listeningRE = regexp.MustCompile(`^listening on (http://\S+)`)
