package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	gosync "sync"
	"time"

	ksync "github.com/jemput/jemput/sync"
)

// Limits bound what the office spends on requests, whoever sends them:
// each is a setting (docs/protocol.md, "Limits"; jemput-central serve
// flags), and passing one is answered 413 too_large or 429
// too_many_requests, never by buffering more.
type Limits struct {
	MaxConns       int           // open connections in total; more wait in the listen queue
	KitRequests    int           // requests of one kit in flight at once
	Memory         int64         // bytes of request bodies (and what they decode to) in flight in total
	KitMemory      int64         // the same, for one kit
	MemoryWait     time.Duration // how long a request waits for memory before 429
	BatchBody      int64         // bytes of one batch as sent (compressed)
	BatchJSON      int64         // bytes of one batch decompressed
	UploadBody     int64         // bytes of one upload request
	SmallBody      int64         // bytes of an attachment-state request
	EnrollBody     int64         // bytes of an enrollment request
	HeaderBytes    int           // bytes of a request's headers
	HeaderTimeout  time.Duration // to receive a request's headers
	BodyIdle       time.Duration // with no byte of the body received
	MinBodyRate    int64         // bytes/s a body must average once BodyIdle has passed
	WriteTimeout   time.Duration // to send an answer
	IdleTimeout    time.Duration // a kept-alive connection with no request
	UploadPerFrame int64         // memory reserved for an upload besides one attachment
}

// DefaultLimits fit a small office machine: with them the office stays well
// under 256 MiB whatever clients send (e2e and hostile tests measure it).
var DefaultLimits = Limits{
	MaxConns:       256,
	KitRequests:    4,
	Memory:         96 << 20,
	KitMemory:      48 << 20,
	MemoryWait:     5 * time.Second,
	BatchBody:      8 << 20,
	BatchJSON:      16 << 20,
	UploadBody:     256 << 20,
	SmallBody:      1 << 20,
	EnrollBody:     16 << 10,
	HeaderBytes:    16 << 10,
	HeaderTimeout:  10 * time.Second,
	BodyIdle:       30 * time.Second,
	MinBodyRate:    256,
	WriteTimeout:   60 * time.Second,
	IdleTimeout:    60 * time.Second,
	UploadPerFrame: 1 << 20,
}

// decodeFactor is the memory a decoded batch takes per byte of its JSON:
// the JSON itself and the records it becomes.
const decodeFactor = 3

// budget is a weighted semaphore of bytes, first come first served, with a
// per-kit share on top.
type budget struct {
	mu      gosync.Mutex
	free    int64
	kitMax  int64
	kitUsed map[string]int64
	waiters []*waiter
}

type waiter struct {
	n     int64
	ready chan struct{}
}

func newBudget(total, perKit int64) *budget {
	return &budget{free: total, kitMax: perKit, kitUsed: map[string]int64{}}
}

var errNoMemory = ksync.Errorf(ksync.CodeTooMany, "the office is at its limit of request memory; try again shortly")

// acquire reserves n bytes for kit, waiting at most wait; it answers
// too_many_requests when kit's share is used up or the wait is over.
func (b *budget) acquire(ctx context.Context, kit string, n int64, wait time.Duration) (release func(), err error) {
	b.mu.Lock()
	if b.kitUsed[kit]+n > b.kitMax {
		b.mu.Unlock()
		return nil, ksync.Errorf(ksync.CodeTooMany, "kit %s has %d bytes of requests in flight, at most %d; try again shortly", kit, b.kitUsed[kit], b.kitMax)
	}
	b.kitUsed[kit] += n
	release = func() {
		b.mu.Lock()
		b.free += n
		if b.kitUsed[kit] -= n; b.kitUsed[kit] <= 0 {
			delete(b.kitUsed, kit)
		}
		b.notify()
		b.mu.Unlock()
	}
	if len(b.waiters) == 0 && n <= b.free {
		b.free -= n
		b.mu.Unlock()
		return release, nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return release, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = errNoMemory
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // granted meanwhile: give it back
		b.free += n
	default:
		for i, x := range b.waiters {
			if x == w {
				b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
				break
			}
		}
	}
	if b.kitUsed[kit] -= n; b.kitUsed[kit] <= 0 {
		delete(b.kitUsed, kit)
	}
	b.notify()
	return nil, err
}

func (b *budget) notify() {
	for len(b.waiters) > 0 && b.waiters[0].n <= b.free {
		w := b.waiters[0]
		b.free -= w.n
		close(w.ready)
		b.waiters = b.waiters[1:]
	}
}

// kitSlots counts each kit's requests in flight.
type kitSlots struct {
	mu  gosync.Mutex
	max int
	n   map[string]int
}

func (k *kitSlots) acquire(kit string) (func(), error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.n == nil {
		k.n = map[string]int{}
	}
	if k.n[kit] >= k.max {
		return nil, ksync.Errorf(ksync.CodeTooMany, "kit %s has %d requests in flight, at most %d; try again shortly", kit, k.n[kit], k.max)
	}
	k.n[kit]++
	return func() {
		k.mu.Lock()
		if k.n[kit]--; k.n[kit] <= 0 {
			delete(k.n, kit)
		}
		k.mu.Unlock()
	}, nil
}

// bodyError is a failure to read a request body: the client's doing (a
// cut, a malformed chunked encoding, too slow, too large), never the
// office's.
type bodyError struct{ err error }

func (e bodyError) Error() string { return "reading the request body: " + e.err.Error() }
func (e bodyError) Unwrap() error { return e.err }

// bodyReader reads a request body with a deadline per read (BodyIdle
// without a byte ends it) and a minimum average rate, so that a slow
// sender cannot hold a connection and its memory for long; its errors
// are bodyErrors.
type bodyReader struct {
	r       io.Reader
	rc      *http.ResponseController
	idle    time.Duration
	minRate int64
	start   time.Time
	n       int64
}

var errTooSlow = errors.New("the body arrives more slowly than the office accepts")

func newBodyReader(w http.ResponseWriter, r io.Reader, l Limits) *bodyReader {
	return &bodyReader{r: r, rc: http.NewResponseController(w), idle: l.BodyIdle, minRate: l.MinBodyRate, start: time.Now()}
}

func (b *bodyReader) Read(p []byte) (int, error) {
	now := time.Now()
	if el := now.Sub(b.start); el > b.idle && b.minRate > 0 && float64(b.n) < el.Seconds()*float64(b.minRate) {
		return 0, bodyError{errTooSlow}
	}
	_ = b.rc.SetReadDeadline(now.Add(b.idle)) // not every writer has a connection (tests)
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF {
		return n, bodyError{err}
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, errTooSlow) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// limitListener holds at most n connections open; the next Accept waits
// for one to close (the kernel's listen queue holds the rest).
type limitListener struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   gosync.Once
}

func newLimitListener(l net.Listener, n int) net.Listener {
	return &limitListener{Listener: l, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitConn struct {
	net.Conn
	once    gosync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
