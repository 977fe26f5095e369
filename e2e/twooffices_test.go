package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jemput/jemput/central/postgres/pgtest"
)

// TestTwoOfficesExactlyOnce runs two `jemput-central serve` processes on
// one PostgreSQL database behind a load balancer that sends each new
// connection to either of them at random (and to the other when one does
// not answer), as an office's would. Three kits with a day of
// applications each sync at once through it: KTB01, a copy of KTB01 (the
// same code, key, records and photos: to the office, the same batches and
// uploads arriving at once through both processes, as a kit's retries do
// when an answer is slow), and KTB02.
// The process that receives the first batch is killed with SIGKILL while
// that batch is on its way in, and another is killed at a random moment
// later; each is restarted. Every kit repeats `jemput sync` until it
// succeeds and a following sync has nothing to send; then the office must
// hold every approved version exactly once, photos whole, and every kit's
// acks must match it, as in TestFaultExactlyOnce.
//
// It needs PostgreSQL (JEMPUT_TEST_POSTGRES, see central/postgres/pgtest)
// and is skipped without it. JEMPUT_TWO_OFFICE_TRIALS sets the number of
// trials (default 4), JEMPUT_TWO_OFFICE_SEED replays one.
func TestTwoOfficesExactlyOnce(t *testing.T) {
	if !pgtest.Available() {
		t.Skipf("PostgreSQL: skipped, %s is not set (scripts/postgres start prints a URL for it)", pgtest.Env)
	}
	trials := envInt(t, "JEMPUT_TWO_OFFICE_TRIALS", 4)
	var seeds []uint64
	if s := os.Getenv("JEMPUT_TWO_OFFICE_SEED"); s != "" {
		var seed uint64
		if _, err := fmt.Sscan(s, &seed); err != nil {
			t.Fatalf("JEMPUT_TWO_OFFICE_SEED=%q: %v", s, err)
		}
		seeds = []uint64{seed}
	} else {
		base := uint64(time.Now().UnixNano())
		t.Logf("base seed %d: trial i has seed base+i (replay one with JEMPUT_TWO_OFFICE_SEED=<its seed>)", base)
		for i := range trials {
			seeds = append(seeds, base+uint64(i))
		}
	}
	one := buildTemplate(t, postgresBackend, 12)
	two := buildKitTemplate(t, postgresBackend, "KTB02", one.db, 12)
	kits := []*template{one, one, two}
	var midBatch atomic.Int64
	for i, seed := range seeds {
		t.Run(fmt.Sprintf("trial%02d-seed%d", i, seed), func(t *testing.T) {
			if twoOfficesTrial(t, kits, seed) {
				midBatch.Add(1)
			}
		})
	}
	if midBatch.Load() == 0 && !t.Failed() {
		t.Error("no trial killed an office while a batch was on its way in: the test proved nothing about it")
	}
	t.Logf("%d of %d trials killed an office in the middle of a batch", midBatch.Load(), len(seeds))
}

// twoOfficesTrial runs one trial with a copy of each kit (all enrolled
// with the office of kits[0].db) and reports whether an office was killed
// while a batch was reaching it.
func twoOfficesTrial(t *testing.T, kits []*template, seed uint64) bool {
	rng := rand.New(rand.NewPCG(seed, 0x74776f))
	var rngMu sync.Mutex
	dir := t.TempDir()
	db := kits[0].be.clone(t, kits[0].db)

	var offices [2]*central
	for i := range offices {
		addr, err := freeAddr(rng)
		if err != nil {
			t.Fatal(err)
		}
		odir := filepath.Join(dir, fmt.Sprintf("office%d", i))
		if err := os.Mkdir(odir, 0o755); err != nil {
			t.Fatal(err)
		}
		offices[i] = &central{db: db, dir: odir, addr: addr}
		if err := offices[i].start(); err != nil {
			t.Fatal(err)
		}
		c := offices[i]
		t.Cleanup(func() { c.kill() })
	}

	// The first batch to reach an office kills it a moment later, while
	// the batch is still arriving (the link is slow) or being stored.
	var (
		killMu    sync.Mutex
		kills     []string
		restarts  sync.WaitGroup
		armed     = true
		midBatch  atomic.Bool
		restartEr atomic.Value
	)
	killOffice := func(i int, why string, pause time.Duration) bool {
		if !offices[i].kill() {
			return false
		}
		killMu.Lock()
		kills = append(kills, fmt.Sprintf("office %d killed %s", i, why))
		killMu.Unlock()
		restarts.Add(1)
		go func() {
			defer restarts.Done()
			time.Sleep(pause)
			if err := offices[i].start(); err != nil {
				restartEr.Store(err)
			}
		}()
		return true
	}
	// At random, except that the second connection goes to the office
	// the first did not, so that both serve whatever the draw.
	picks, first := 0, 0
	lb, err := newBalancer([]string{offices[0].addr, offices[1].addr}, 256<<10, func() int {
		rngMu.Lock()
		defer rngMu.Unlock()
		picks++
		switch picks {
		case 1:
			first = rng.IntN(2)
			return first
		case 2:
			return 1 - first
		}
		return rng.IntN(2)
	}, func(backend int, path string, sent int64) {
		if path != "/v1/batches" {
			return
		}
		killMu.Lock()
		fire := armed
		armed = false
		killMu.Unlock()
		if !fire {
			return
		}
		rngMu.Lock()
		// Within 15 ms: the link carries 4 KiB per 16 ms, so the batch
		// is still arriving, or being stored.
		delay, pause := ms(rng, 0, 15), ms(rng, 100, 600)
		rngMu.Unlock()
		time.AfterFunc(delay, func() {
			if killOffice(backend, fmt.Sprintf("%s after a batch began to reach it", delay), pause) {
				midBatch.Store(true)
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.close()

	// A second kill, of either office, at a random moment.
	rngMu.Lock()
	second, secondWho, secondPause := ms(rng, 300, 3000), rng.IntN(2), ms(rng, 100, 600)
	rngMu.Unlock()
	secondKill := time.AfterFunc(second, func() { killOffice(secondWho, fmt.Sprintf("at %s", second), secondPause) })
	defer secondKill.Stop()

	homes := make([]string, len(kits))
	for i, tm := range kits {
		homes[i] = filepath.Join(dir, fmt.Sprintf("kit%d", i))
		if err := copyDir(homes[i], tm.kitHome, "receipts"); err != nil {
			t.Fatal(err)
		}
		// A copy of a kit home opens nothing without a login of its own.
		kit{home: homes[i]}.must(t, "login", "--nip", supervisorNIP)
		if err := setOfficeURL(filepath.Join(homes[i], "kit.db"), "http://"+lb.addr()); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(homes))
	for i, home := range homes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = syncUntilDone(t, kit{home: home}, start.Add(3*time.Minute))
		}()
	}
	wg.Wait()
	secondKill.Stop()
	restarts.Wait()
	if err, _ := restartEr.Load().(error); err != nil {
		t.Fatalf("restarting an office: %v", err)
	}
	stored, dup := batchTally(offices[0].logs() + offices[1].logs())
	t.Logf("kits done in %s; %s; connections per office %v; the offices logged %d records stored and %d answered duplicate",
		time.Since(start).Round(time.Millisecond), strings.Join(kills, "; "), lb.counts(), stored, dup)
	distinct := map[*template]bool{}
	apps := 0
	for _, tm := range kits {
		if !distinct[tm] {
			distinct[tm] = true
			apps += len(tm.apps)
		}
	}
	if stored > apps {
		t.Errorf("the offices logged %d records stored, of %d applications", stored, apps)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("kit %d: %v\n%s\n%s", i, err, tailLines(offices[0].logs(), 20), tailLines(offices[1].logs(), 20))
		}
	}
	for i, n := range lb.counts() {
		if n == 0 {
			t.Errorf("office %d served no connection: the kits did not sync through both", i)
		}
	}
	for _, c := range offices {
		if err := c.stop(); err != nil {
			t.Error(err)
		}
	}
	for i, home := range homes {
		if problems := verify(kits[i], home, db); len(problems) > 0 {
			t.Errorf("kit %d (%s): %d problems:\n%s", i, kits[i].code, len(problems), strings.Join(problems, "\n"))
		}
	}
	return midBatch.Load()
}

var batchLogRE = regexp.MustCompile(`msg=batch .*stored=(\d+) duplicate=(\d+)`)

// batchTally adds up what the offices' "batch" log lines say (a process
// killed after a commit and before its log line leaves it out).
func batchTally(logs string) (stored, duplicate int) {
	for _, m := range batchLogRE.FindAllStringSubmatch(logs, -1) {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		stored += a
		duplicate += b
	}
	return stored, duplicate
}

// syncUntilDone repeats `jemput sync` until one succeeds and the next has
// nothing left to send.
func syncUntilDone(t *testing.T, k kit, deadline time.Time) error {
	var last string
	for n := 0; n < 20 && time.Now().Before(deadline); n++ {
		out, stderr, err := k.runSignal(context.Background(), syncTimeout, syscall.SIGQUIT, "--json", "sync")
		if err != nil {
			last = fmt.Sprintf("%v: %s", err, lastLine(stderr))
			if strings.Contains(stderr, "goroutine ") {
				return fmt.Errorf("sync hung:\n%s", stderr)
			}
			continue
		}
		var rep syncReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			return fmt.Errorf("sync report: %v: %s", err, out)
		}
		if rep.Records == 0 {
			return nil
		}
	}
	return fmt.Errorf("no convergence; last: %s", last)
}

// balancer is a TCP load balancer on loopback: each new connection goes
// to the backend pick chooses, or to the next when that one does not
// accept; what flows to the backends is limited to rate bytes/s per
// connection, and onRequest is told of each request line sent to a
// backend (its path, and how many bytes that connection had carried).
type balancer struct {
	ln       net.Listener
	backends []string
	rate     int64
	pick     func() int
	onReq    func(backend int, path string, sent int64)

	mu    sync.Mutex
	n     []int
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newBalancer(backends []string, rate int64, pick func() int, onReq func(int, string, int64)) (*balancer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &balancer{ln: ln, backends: backends, rate: rate, pick: pick, onReq: onReq, n: make([]int, len(backends)), conns: map[net.Conn]bool{}}
	b.wg.Add(1)
	go b.serve()
	return b, nil
}

func (b *balancer) addr() string { return b.ln.Addr().String() }

func (b *balancer) counts() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int(nil), b.n...)
}

func (b *balancer) track(c net.Conn, on bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if on {
		if b.conns == nil {
			return false
		}
		b.conns[c] = true
	} else if b.conns != nil {
		delete(b.conns, c)
	}
	return true
}

func (b *balancer) serve() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		first := b.pick()
		var s net.Conn
		backend := -1
		for j := range b.backends {
			i := (first + j) % len(b.backends)
			if s, err = net.DialTimeout("tcp", b.backends[i], 2*time.Second); err == nil {
				backend = i
				break
			}
		}
		if backend < 0 {
			c.Close()
			continue
		}
		if !b.track(c, true) || !b.track(s, true) {
			c.Close()
			s.Close()
			continue
		}
		b.mu.Lock()
		b.n[backend]++
		b.mu.Unlock()
		b.wg.Add(2)
		go func() {
			defer b.wg.Done()
			b.pipe(s, c, backend, true)
		}()
		go func() {
			defer b.wg.Done()
			b.pipe(c, s, backend, false)
		}()
	}
}

func (b *balancer) pipe(dst, src net.Conn, backend int, up bool) {
	defer func() {
		dst.Close()
		src.Close()
		b.track(dst, false)
		b.track(src, false)
	}()
	buf := make([]byte, 4<<10)
	var sent int64
	var tail []byte // the end of what was sent, for a request line split across reads
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if up && b.onReq != nil {
				scan := append(tail, buf[:n]...)
				for _, m := range requestRE.FindAllSubmatchIndex(scan, -1) {
					if m[1] > len(tail) { // not reported with the read before
						b.onReq(backend, string(scan[m[2]:m[3]]), sent+int64(m[0]-len(tail)))
					}
				}
				tail = append([]byte(nil), scan[max(0, len(scan)-64):]...)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			sent += int64(n)
			if up && b.rate > 0 {
				time.Sleep(time.Duration(int64(n) * int64(time.Second) / b.rate))
			}
		}
		if err != nil {
			return
		}
	}
}

// close stops accepting, closes every connection and waits for the pipes.
func (b *balancer) close() {
	b.ln.Close()
	b.mu.Lock()
	for c := range b.conns {
		c.Close()
	}
	b.conns = nil
	b.mu.Unlock()
	b.wg.Wait()
}
