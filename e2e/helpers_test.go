package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
	"github.com/jemput/jemput/vault"
	"github.com/rs/zerolog"
	_ "modernc.org/sqlite"
)

// bin is the folder holding the jemput and jemput-central binaries that
// TestMain builds once for every test of the package.
var bin string

// runtimeDir is the XDG_RUNTIME_DIR of every command: where logins leave
// their sessions.
var runtimeDir string

const supervisorNIP = "198001012005011001"

// openKit opens a kit home with the session a login left for it, as the
// kit itself does, to read its sealed documents and photos.
func openKit(home string) (*intake.Service, func(), error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, nil, err
	}
	files, _ := filepath.Glob(filepath.Join(runtimeDir, "jemput", "*.session"))
	var sess *vault.Session
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if s, err := vault.UnmarshalSession(b); err == nil && s.Home == abs {
			sess = &s
		}
	}
	if sess == nil {
		return nil, nil, fmt.Errorf("no session for %s in %s", home, runtimeDir)
	}
	db, err := store.Open(context.Background(), filepath.Join(home, "kit.db"))
	if err != nil {
		return nil, nil, err
	}
	now, _ := time.Parse(time.RFC3339, testNow)
	svc := intake.NewService(db, intake.WithClock(func() time.Time { return now }))
	if err := svc.Unlock(context.Background(), sess.Secret, sess.Officer, sess.Since, sess.Until); err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

func TestMain(m *testing.M) {
	code, err := runMain(m)
	if err != nil {
		log.Print(err)
		os.Exit(2)
	}
	os.Exit(code)
}

// runMain builds both binaries into a temporary folder, runs the tests and
// removes the folder, whatever happened.
func runMain(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "jemput-e2e-bin")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"jemput", "jemput-central"} {
		build := exec.Command("go", "build", "-ldflags", "-X github.com/jemput/jemput/cmd/internal/cli.fakeClock=allowed", "-o", filepath.Join(dir, name), "../cmd/"+name)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return 0, fmt.Errorf("building %s: %v", name, err)
		}
	}
	bin = dir
	// Sessions live in the user's runtime folder: one of the tests' own.
	if runtimeDir, err = os.MkdirTemp("", "jemput-e2e-run"); err != nil {
		return 0, err
	}
	defer os.RemoveAll(runtimeDir)
	// toxiproxy logs some events through zerolog's global logger.
	zerolog.SetGlobalLevel(zerolog.Disabled)
	return m.Run(), nil
}

// The fixed clock, zone and PIN of every command, as in the scripts of
// cmd/jemput: numbers and dates are the same on every run.
const (
	testNow = "2026-11-27T09:30:00+08:00"
	testPIN = "2468013579"
	kitCode = "KTB01"
)

// baseEnv is the environment of every command: the test's own, less
// anything that would change what the binaries do, plus the fixed clock.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "JEMPUT_"), k == "TZ", k == "LANG", k == "LC_ALL", k == "LC_MESSAGES",
			strings.EqualFold(k, "http_proxy"), strings.EqualFold(k, "https_proxy"), strings.EqualFold(k, "all_proxy"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "XDG_RUNTIME_DIR="+runtimeDir, "JEMPUT_NOW="+testNow, "TZ=Asia/Makassar", "LANG=en_US.UTF-8", "JEMPUT_PIN="+testPIN)
}

// kit runs the jemput binary on one kit home.
type kit struct {
	home string
}

func (k kit) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "jemput"), args...)
	cmd.Env = append(baseEnv(), "JEMPUT_HOME="+k.home, "HOME="+k.home)
	cmd.WaitDelay = 5 * time.Second
	dieWithTest(cmd)
	return cmd
}

// run runs jemput with a bound on its time, past which it is killed with
// SIGKILL; err is non-nil when it did not exit 0 (a *exec.ExitError, which
// says whether the process was killed).
func (k kit) run(ctx context.Context, timeout time.Duration, args ...string) (stdout, stderr string, err error) {
	return k.runSignal(ctx, timeout, os.Kill, args...)
}

// errTimedOut marks a command stopped because its time was up.
var errTimedOut = errors.New("time is up")

// runSignal is run with the signal sent when the time is up: SIGQUIT makes
// a Go program print every goroutine's stack on stderr as it exits, which
// is what a hang must leave behind. SIGKILL follows 5 s later if need be.
func (k kit) runSignal(ctx context.Context, timeout time.Duration, sig os.Signal, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := k.command(ctx, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(sig) }
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w after %s: %v", errTimedOut, timeout, err)
	}
	return out.String(), errb.String(), err
}

// must runs jemput and fails the test unless it exits 0.
func (k kit) must(t testing.TB, args ...string) string {
	t.Helper()
	out, errOut, err := k.run(context.Background(), time.Minute, args...)
	if err != nil {
		t.Fatalf("jemput %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// centralCmd runs a one-shot jemput-central command on db.
func centralCmd(t testing.TB, db string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "jemput-central"), append(append([]string{"--db", db}, keysArgs(db)...), args...)...)
	cmd.Env = baseEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("jemput-central %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// central is a `jemput-central serve` subprocess on a fixed address, which
// can be killed with SIGKILL and started again on the same address and
// database. Each start logs to its own file in dir (central-N.log).
type central struct {
	db, dir, addr string
	args          []string // more flags for serve

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// start starts the server and waits (bounded) until it listens. The
// address may still be held for a moment by the process killed before:
// it tries again for a few seconds.
func (c *central) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return errors.New("central already running")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.startOnce()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *central) startOnce() error {
	c.starts++
	logPath := filepath.Join(c.dir, fmt.Sprintf("central-%d.log", c.starts))
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "jemput-central"), append(append([]string{"serve", "--listen", c.addr, "--db", c.db}, keysArgs(c.db)...), c.args...)...)
	cmd.Env = append(baseEnv(), "JEMPUT_LOG=info")
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("jemput-central serve exited at start: %s\n%s", cmd.ProcessState, b)
		case <-timeout:
			cmd.Process.Kill()
			<-exited
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("jemput-central serve did not say it listens within 15 s\n%s", b)
		case <-tick.C:
			b, _ := os.ReadFile(logPath)
			if listeningRE.Match(b) {
				c.cmd, c.exited = cmd, exited
				return nil
			}
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone. It reports
// whether a server was running.
func (c *central) kill() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return false
	}
	c.cmd.Process.Kill()
	<-c.exited
	c.cmd = nil
	return true
}

// stop asks the server to shut down (SIGTERM: the database is closed and
// its WAL checkpointed), and kills it if it has not within 15 s.
func (c *central) stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return nil
	}
	cmd := c.cmd
	c.cmd = nil
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
		if !cmd.ProcessState.Success() {
			return fmt.Errorf("jemput-central serve: %s after SIGTERM", cmd.ProcessState)
		}
		return nil
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-c.exited
		return errors.New("jemput-central serve did not stop within 15 s of SIGTERM")
	}
}

// url is the server's own address (not through the faulty link).
func (c *central) url() string { return "http://" + c.addr }

// logs is what every start of the server wrote, for a failure's report.
func (c *central) logs() string {
	var b strings.Builder
	for i := 1; i <= c.starts; i++ {
		data, _ := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("central-%d.log", i)))
		fmt.Fprintf(&b, "--- central-%d.log\n%s", i, data)
	}
	return b.String()
}

// freeAddr picks a loopback port below the kernel's ephemeral range, so
// that no outgoing connection or ":0" listener takes it between a kill of
// the server and its restart; and one no other trial of this process has
// had, so that a trial never restarts its office on another's port.
func freeAddr(rng *rand.Rand) (string, error) {
	lo, hi := portRange()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 200 {
		port := lo + rng.IntN(hi-lo)
		if portsTaken[port] {
			continue
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ln.Close()
		portsTaken[port] = true
		return addr, nil
	}
	return "", errors.New("no free loopback port found in 200 tries")
}

var (
	portsMu    sync.Mutex
	portsTaken = map[int]bool{}
)

// portRange is the 10000 ports below the ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range; 32768 on Linux by default).
func portRange() (lo, hi int) {
	hi = 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 11024 {
				hi = n
			}
		}
	}
	return hi - 10000, hi
}

// variedPhoto re-encodes the fixture photo at a quality that depends on i
// (0 to 39), so that every applicant has a photo of its own bytes (and
// SHA-256), of 25 to 80 KB.
func variedPhoto(t testing.TB, src string, i int) []byte {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60 + i}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// copyDir copies a folder tree of regular files, leaving out the folders
// named in skip.
func copyDir(dst, src string, skip ...string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			for _, s := range skip {
				if rel == s {
					return filepath.SkipDir
				}
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(filepath.Join(dst, rel), path, info.Mode().Perm())
	})
}

func copyFile(dst, src string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// openRO opens a SQLite file read-only.
func openRO(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
}

func integrityCheck(path string) error {
	db, err := openRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("%s: integrity_check: %v", filepath.Base(path), err)
	}
	if res != "ok" {
		return fmt.Errorf("%s: integrity_check: %s", filepath.Base(path), res)
	}
	return nil
}

// envInt reads a whole number from the environment, def when unset.
func envInt(t testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

// tap is a plain TCP forwarder that keeps every byte it carries, to learn
// where in a connection each request and answer lies.
type tap struct {
	ln       net.Listener
	upstream string

	mu    sync.Mutex
	conns []*tappedConn
	wg    sync.WaitGroup
}

type tappedConn struct {
	up, down bytes.Buffer // client to server, server to client
}

func newTap(upstream string) (*tap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tp := &tap{ln: ln, upstream: upstream}
	tp.wg.Add(1)
	go tp.serve()
	return tp, nil
}

func (tp *tap) addr() string { return tp.ln.Addr().String() }

func (tp *tap) serve() {
	defer tp.wg.Done()
	for {
		c, err := tp.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", tp.upstream)
		if err != nil {
			c.Close()
			continue
		}
		tc := &tappedConn{}
		tp.mu.Lock()
		tp.conns = append(tp.conns, tc)
		tp.mu.Unlock()
		var w sync.WaitGroup
		w.Add(2)
		pipe := func(dst, src net.Conn, keep *bytes.Buffer) {
			defer w.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := src.Read(buf)
				if n > 0 {
					tp.mu.Lock()
					keep.Write(buf[:n])
					tp.mu.Unlock()
					if _, werr := dst.Write(buf[:n]); werr != nil {
						break
					}
				}
				if err != nil {
					break
				}
			}
			dst.Close()
			src.Close()
		}
		tp.wg.Add(1)
		go func() { defer tp.wg.Done(); w.Wait() }()
		go pipe(s, c, &tc.up)
		go pipe(c, s, &tc.down)
	}
}

// close stops the tap and waits for its connections to end (their ends
// close when the kit's process exits).
func (tp *tap) close() {
	tp.ln.Close()
	tp.wg.Wait()
}

var (
	requestRE  = regexp.MustCompile(`(?:GET|POST) (/v1/[a-z/]+)\S* HTTP/1\.1\r\n`)
	responseRE = regexp.MustCompile(`HTTP/1\.1 \d{3} `)
)

// exchange is one request and its answer on a connection, as byte offsets
// of the connection's two directions.
type exchange struct {
	path               string
	upStart, downStart int64
	upEnd, downEnd     int64
}

// exchanges splits every connection the tap carried into its requests and
// answers (HTTP/1.1, in order).
func (tp *tap) exchanges() []exchange {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	var list []exchange
	for _, c := range tp.conns {
		up, down := c.up.Bytes(), c.down.Bytes()
		reqs := requestRE.FindAllSubmatchIndex(up, -1)
		resps := responseRE.FindAllIndex(down, -1)
		for i, r := range reqs {
			if i >= len(resps) {
				break
			}
			e := exchange{path: string(up[r[2]:r[3]]), upStart: int64(r[0]), downStart: int64(resps[i][0]),
				upEnd: int64(len(up)), downEnd: int64(len(down))}
			if i+1 < len(reqs) {
				e.upEnd = int64(reqs[i+1][0])
			}
			if i+1 < len(resps) {
				e.downEnd = int64(resps[i+1][0])
			}
			list = append(list, e)
		}
	}
	return list
}
