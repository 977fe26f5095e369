package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestExhaustiveCuts enumerates the failure points of a sync instead of
// sampling them, as SQLite's own tests do for I/O errors: for one small
// day of applications, a clean sync through a forwarder that parses the
// HTTP/1.1 stream counts its requests; then each request in turn is cut
// at its start (none of it reaches the office), in its middle, and at its
// end (all but its last byte), and each answer is lost in turn (the office
// got the whole request and did the work; the kit hears nothing): every
// one of those on a fresh copy of the kit and the office, twice: once
// resumed by the same `jemput sync` (its own retry), once with the kit
// killed the moment the cut happens and resumed by a new `jemput sync`.
// After each, a sync must find nothing left to send, and the office must
// hold every approved version exactly once (the checks of
// TestFaultExactlyOnce): zero lost, zero duplicated.
//
// It runs on SQLite, and on PostgreSQL when a test server is configured.
// JEMPUT_CUTS_PARALLEL sets how many points run at once (default 4).
func TestExhaustiveCuts(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) { exhaustiveCuts(t, be) })
	}
}

// cutsApplicants: five with a photo, one without, one corrected before
// approval (its second version and photo are what the office gets).
const cutsApplicants = 6

type cutMode string

const (
	cutNone   cutMode = ""
	cutStart  cutMode = "start"
	cutMiddle cutMode = "middle"
	cutEnd    cutMode = "end"
	cutAnswer cutMode = "answer-lost"
)

// A cut point: request number target (0-based, in the order the kit sends
// them) cut as mode says. midLen is where "middle" cuts: half the
// request's length in the clean run.
type cutPoint struct {
	target int
	mode   cutMode
	midLen int64
	kill   bool // kill the kit at the cut; resume with a new process
}

func exhaustiveCuts(t *testing.T, be backend) {
	tm := buildTemplate(t, be, cutsApplicants)
	clean := cleanRequests(t, tm)
	var names []string
	for _, r := range clean {
		names = append(names, fmt.Sprintf("%s (%d bytes)", r.path, r.length))
	}
	t.Logf("a clean sync of %d applications makes %d requests: %s", len(tm.apps), len(clean), strings.Join(names, ", "))
	if len(clean) < 4 {
		t.Fatalf("a clean sync made %d requests; want at least the photos' state, the upload, the batch and the statuses", len(clean))
	}
	var points []cutPoint
	for i, r := range clean {
		for _, m := range []cutMode{cutStart, cutMiddle, cutEnd, cutAnswer} {
			for _, kill := range []bool{false, true} {
				points = append(points, cutPoint{target: i, mode: m, midLen: r.length / 2, kill: kill})
			}
		}
	}
	parallel := max(envInt(t, "JEMPUT_CUTS_PARALLEL", 4), 1)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var passed atomic.Int64
	started := time.Now()
	for _, p := range points {
		r := clean[p.target]
		resume := "retry"
		if p.kill {
			resume = "killed"
		}
		name := fmt.Sprintf("req%02d-%s-%s-%s", p.target, strings.ReplaceAll(strings.TrimPrefix(r.path, "/v1/"), "/", "-"), p.mode, resume)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(name, func(t *testing.T) {
				cutTrial(t, tm, p)
				if !t.Failed() {
					passed.Add(1)
				}
			})
		}()
	}
	wg.Wait()
	t.Logf("%d of %d failure points (%d requests × 4 cuts × 2 ways to resume) ended with every application exactly once, in %s",
		passed.Load(), len(points), len(clean), time.Since(started).Round(time.Millisecond))
}

// cleanRequests syncs a copy of the template through a counting forwarder
// and returns the requests it carried.
func cleanRequests(t *testing.T, tm *template) []seenRequest {
	home, db, c := cutCopy(t, tm)
	cu, err := newCutter(c.addr, cutPoint{target: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer cu.close()
	if err := setOfficeURL(filepath.Join(home, "kit.db"), "http://"+cu.addr()); err != nil {
		t.Fatal(err)
	}
	k := kit{home: home}
	k.must(t, "sync")
	if err := c.stop(); err != nil {
		t.Fatal(err)
	}
	if problems := verify(tm, home, db); len(problems) > 0 {
		t.Fatalf("the clean sync: %s", strings.Join(problems, "\n"))
	}
	return cu.requests()
}

// cutCopy makes a copy of the template's kit and office and starts the
// office.
func cutCopy(t *testing.T, tm *template) (home, db string, c *central) {
	dir := t.TempDir()
	home = filepath.Join(dir, "kit")
	if err := copyDir(home, tm.kitHome, "receipts"); err != nil {
		t.Fatal(err)
	}
	// A copy of a kit home opens nothing without a login of its own.
	kit{home: home}.must(t, "login", "--nip", supervisorNIP)
	db = tm.be.clone(t, tm.db)
	addr, err := freeAddr(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7)))
	if err != nil {
		t.Fatal(err)
	}
	c = &central{db: db, dir: dir, addr: addr}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	return home, db, c
}

func cutTrial(t *testing.T, tm *template, p cutPoint) {
	home, db, c := cutCopy(t, tm)
	cu, err := newCutter(c.addr, p)
	if err != nil {
		t.Fatal(err)
	}
	defer cu.close()
	if err := setOfficeURL(filepath.Join(home, "kit.db"), "http://"+cu.addr()); err != nil {
		t.Fatal(err)
	}
	k := kit{home: home}

	// The sync that meets the cut: killed at the cut, or left to resume
	// by its own retry.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if p.kill {
		go func() {
			select {
			case <-cu.fired:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	cmd := k.command(ctx, "--json", "sync")
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	timer := time.AfterFunc(syncTimeout, func() { cmd.Process.Signal(syscall.SIGQUIT) })
	err = cmd.Run()
	timer.Stop()
	select {
	case <-cu.fired:
	default:
		t.Fatalf("the cut was never reached: the sync made %d requests (%v); stderr:\n%s", len(cu.requests()), err, errb.String())
	}
	switch {
	case p.kill && err == nil:
		t.Logf("the sync ended before it could be killed at the cut")
	case !p.kill && err != nil:
		t.Errorf("the sync did not resume after the cut by its own retry: %v\n%s", err, errb.String())
	case !p.kill:
		var rep syncReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("sync report: %v: %s", err, out.String())
		}
		t.Logf("resumed by its own retry: %+v", rep)
	}

	// Resumed (again) on a clean link until it succeeds, then a sync must
	// find nothing to send.
	if err := syncUntilDone(t, k, time.Now().Add(2*time.Minute)); err != nil {
		t.Fatalf("after the cut: %v\n%s", err, tailLines(c.logs(), 20))
	}
	if err := c.stop(); err != nil {
		t.Error(err)
	}
	if problems := verify(tm, home, db); len(problems) > 0 {
		t.Errorf("%d problems:\n%s\n%s", len(problems), strings.Join(problems, "\n"), tailLines(c.logs(), 30))
	}
}

// seenRequest is one request the cutter carried whole.
type seenRequest struct {
	path   string
	length int64
}

// cutter is a TCP forwarder on loopback that follows the HTTP/1.1
// requests and answers it carries (by their Content-Length or chunked
// framing, not by guessing) and cuts once where its cutPoint says: the
// connection closes both ways.
type cutter struct {
	ln       net.Listener
	upstream string
	p        cutPoint
	fired    chan struct{}

	mu    sync.Mutex
	next  int // the number the next request gets
	done  bool
	seen  []seenRequest
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newCutter(upstream string, p cutPoint) (*cutter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cu := &cutter{ln: ln, upstream: upstream, p: p, fired: make(chan struct{}), conns: map[net.Conn]bool{}}
	cu.wg.Add(1)
	go cu.serve()
	return cu, nil
}

func (cu *cutter) addr() string { return cu.ln.Addr().String() }

func (cu *cutter) requests() []seenRequest {
	cu.mu.Lock()
	defer cu.mu.Unlock()
	return append([]seenRequest(nil), cu.seen...)
}

// fire reports whether this is the cut (the first time it is reached).
func (cu *cutter) fire() bool {
	cu.mu.Lock()
	defer cu.mu.Unlock()
	if cu.done {
		return false
	}
	cu.done = true
	close(cu.fired)
	return true
}

func (cu *cutter) hasFired() bool {
	cu.mu.Lock()
	defer cu.mu.Unlock()
	return cu.done
}

func (cu *cutter) serve() {
	defer cu.wg.Done()
	for {
		c, err := cu.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", cu.upstream)
		if err != nil {
			c.Close()
			continue
		}
		cu.mu.Lock()
		if cu.conns == nil {
			cu.mu.Unlock()
			c.Close()
			s.Close()
			continue
		}
		cu.conns[c], cu.conns[s] = true, true
		cu.mu.Unlock()
		cc := &cutConn{cu: cu, client: c, server: s}
		cu.wg.Add(2)
		go func() { defer cu.wg.Done(); cc.up() }()
		go func() { defer cu.wg.Done(); cc.down() }()
	}
}

func (cu *cutter) close() {
	cu.ln.Close()
	cu.mu.Lock()
	for c := range cu.conns {
		c.Close()
	}
	cu.conns = nil
	cu.mu.Unlock()
	cu.wg.Wait()
}

// cutConn is one connection through the cutter.
type cutConn struct {
	cu             *cutter
	client, server net.Conn
	dropAnswer     atomic.Bool // the next bytes from the office answer the target
}

func (cc *cutConn) cut() {
	cc.client.Close()
	cc.server.Close()
}

// up carries the kit's requests, numbering each as it begins.
func (cc *cutConn) up() {
	defer cc.cut()
	cu := cc.cu
	buf := make([]byte, 32<<10)
	var cur []byte // the request in progress, from its first byte
	idx := -1      // its number; -1 between requests
	for {
		n, err := cc.client.Read(buf)
		data := buf[:n]
		for len(data) > 0 {
			if idx < 0 {
				cu.mu.Lock()
				idx = cu.next
				cu.next++
				cu.mu.Unlock()
				cur = cur[:0]
				if idx == cu.p.target && cu.p.mode == cutStart && cu.fire() {
					return
				}
			}
			before := len(cur)
			cur = append(cur, data...)
			end := httpEnd(cur)
			take := len(data)
			if end >= 0 {
				take = end - before
			}
			target := idx == cu.p.target
			switch {
			case target && cu.p.mode == cutMiddle && int64(before+take) > cu.p.midLen:
				if cu.fire() {
					cc.server.Write(data[:cu.p.midLen-int64(before)])
					return
				}
			case target && cu.p.mode == cutEnd && end >= 0:
				if cu.fire() {
					cc.server.Write(data[:take-1])
					return
				}
			case target && cu.p.mode == cutAnswer && end >= 0:
				if !cu.hasFired() {
					cc.dropAnswer.Store(true)
				}
			}
			if _, werr := cc.server.Write(data[:take]); werr != nil {
				return
			}
			data = data[take:]
			if end >= 0 {
				cur = cur[:end]
				if cu.p.target < 0 {
					cu.mu.Lock()
					cu.seen = append(cu.seen, seenRequest{path: requestPath(cur), length: int64(end)})
					cu.mu.Unlock()
				}
				idx = -1
			}
		}
		if err != nil {
			return
		}
	}
}

// down carries the office's answers; the target's is dropped whole.
func (cc *cutConn) down() {
	defer cc.cut()
	buf := make([]byte, 32<<10)
	for {
		n, err := cc.server.Read(buf)
		if n > 0 {
			if cc.dropAnswer.Load() && cc.cu.fire() {
				return
			}
			if _, werr := cc.client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func requestPath(req []byte) string {
	line, _, _ := bytes.Cut(req, []byte("\r\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return "?"
	}
	path, _, _ := strings.Cut(f[1], "?")
	return path
}

// httpEnd is the length of the HTTP/1.1 message at the start of b, or -1
// while it is not whole: its headers, then a Content-Length body, a
// chunked one, or none.
func httpEnd(b []byte) int {
	hdrEnd := bytes.Index(b, []byte("\r\n\r\n"))
	if hdrEnd < 0 {
		return -1
	}
	hdrEnd += 4
	chunked, length := false, 0
	for _, line := range strings.Split(string(b[:hdrEnd]), "\r\n")[1:] {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "content-length":
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(v), "chunked")
		}
	}
	if !chunked {
		if len(b) < hdrEnd+length {
			return -1
		}
		return hdrEnd + length
	}
	pos := hdrEnd
	for {
		nl := bytes.Index(b[pos:], []byte("\r\n"))
		if nl < 0 {
			return -1
		}
		sizeText, _, _ := strings.Cut(string(b[pos:pos+nl]), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
		if err != nil {
			return -1
		}
		pos += nl + 2
		if size == 0 {
			// Trailers, if any, then an empty line.
			for {
				nl := bytes.Index(b[pos:], []byte("\r\n"))
				if nl < 0 {
					return -1
				}
				pos += nl + 2
				if nl == 0 {
					return pos
				}
			}
		}
		pos += int(size) + 2
		if pos > len(b) {
			return -1
		}
	}
}
