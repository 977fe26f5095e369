package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// TestTLSSuites: TLS 1.2 offers only ECDHE with AEAD ciphers; a client
// asking for CBC-SHA1 or RSA key exchange gets no handshake.
func TestTLSSuites(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := centraltest.New(t)
	certFile, keyFile := selfSigned(t, t.TempDir())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, New(f.Office, nil), Config{Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, Ready: func(a net.Addr) { ready <- a }})
	}()
	addr := (<-ready).String()
	dial := func(suite uint16, max uint16) error {
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MaxVersion: max, CipherSuites: []uint16{suite}})
		if err == nil {
			conn.Close()
		}
		return err
	}
	for _, weak := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_128_CBC_SHA} {
		if err := dial(weak, tls.VersionTLS12); err == nil {
			t.Errorf("TLS 1.2 handshake with %s", tls.CipherSuiteName(weak))
		}
	}
	if err := dial(tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.VersionTLS12); err != nil {
		t.Errorf("TLS 1.2 with ECDHE-ECDSA-AES128-GCM: %v", err)
	}
	if err := dial(0, tls.VersionTLS13); err != nil {
		t.Errorf("TLS 1.3: %v", err)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS11})
	if err == nil {
		conn.Close()
		t.Error("a TLS 1.1 handshake")
	}
	for _, s := range TLSConfig(tls.Certificate{}).CipherSuites {
		for _, in := range tls.InsecureCipherSuites() {
			if s == in.ID {
				t.Errorf("an insecure suite is configured: %s", in.Name)
			}
		}
	}
	cancel()
	<-done
}

// TestSignedBodyChecked: a batch whose body is not the one signed is
// refused before anything is stored; one whose declared decompressed size
// is a lie is too_large; a revoked or replaced kit is told so.
func TestSignedBodyChecked(t *testing.T) {
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	srv := newTestServer(t, f)
	var body bytes.Buffer
	if err := ksync.EncodeBatch(&body, ksync.Batch{BatchID: "b", Kit: "KTB01", Records: []ksync.Record{centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")}}); err != nil {
		t.Fatal(err)
	}
	batch := func(b []byte, decoded int) *http.Request {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/batches", bytes.NewReader(b))
		req.Header.Set("Content-Encoding", "zstd")
		req.Header.Set(ksync.HeaderDecodedLength, strconv.Itoa(decoded))
		ksync.SignRequest(req, "KTB01", key, b, centraltest.T0)
		return req
	}
	req := batch(body.Bytes(), 4000)
	other := bytes.Clone(body.Bytes())
	other[len(other)-2] ^= 1
	req.Body, req.ContentLength = ioNop(other), int64(len(other))
	if st, e, _ := do(t, srv, req); st != 401 || e.Code != ksync.CodeBadSignature {
		t.Errorf("a changed body: %d %+v", st, e)
	}
	if st, e, _ := do(t, srv, batch(body.Bytes(), 10)); st != 413 || e.Code != ksync.CodeTooLarge {
		t.Errorf("a batch larger than it declares: %d %+v", st, e)
	}
	if st, e, _ := do(t, srv, batch(body.Bytes(), int(DefaultLimits.BatchJSON)+1)); st != 413 || e.Code != ksync.CodeTooLarge {
		t.Errorf("a batch declaring more than the limit: %d %+v", st, e)
	}
	noLen, _ := http.NewRequest("POST", srv.URL+"/v1/batches", bytes.NewReader(body.Bytes()))
	ksync.SignRequest(noLen, "KTB01", key, body.Bytes(), centraltest.T0)
	if st, e, _ := do(t, srv, noLen); st != 400 || e.Code != ksync.CodeBadRequest {
		t.Errorf("a batch without %s: %d %+v", ksync.HeaderDecodedLength, st, e)
	}
	if n := f.Count(t, "records"); n != 0 {
		t.Fatalf("%d records stored from refused requests", n)
	}

	up, _ := http.NewRequest("POST", srv.URL+"/v1/attachments/upload", nil)
	ksync.SignStreamRequest(up, "KTB01", key, centraltest.T0)
	if st, e := sendHead(t, srv.URL, up, DefaultLimits.UploadBody+1); st != 413 || e.Code != ksync.CodeTooLarge {
		t.Errorf("an upload over its limit: %d %+v", st, e)
	}

	if _, err := f.Office.RevokeKit(context.Background(), "KTB01", "laptop hilang"); err != nil {
		t.Fatal(err)
	}
	st, e, _ := do(t, srv, signedReq(t, srv, "GET", "/v1/statuses?after=0", "KTB01", key, nil, centraltest.T0))
	if st != 403 || e.Code != ksync.CodeKitRevoked || e.Retry {
		t.Errorf("a revoked kit: %d %+v", st, e)
	}
}

// TestMemoryBudget: a request that finds no memory left waits a little,
// then is told to come back (429); memory given back wakes waiters in
// order; one kit cannot take more than its share.
func TestMemoryBudget(t *testing.T) {
	ctx := context.Background()
	b := newBudget(100, 60)
	r1, err := b.acquire(ctx, "A", 50, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.acquire(ctx, "A", 20, time.Second); ksync.ErrorCode(err) != ksync.CodeTooMany {
		t.Errorf("past the kit's share: %v", err)
	}
	r2, err := b.acquire(ctx, "B", 50, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := b.acquire(ctx, "C", 10, 50*time.Millisecond); !errors.Is(err, errNoMemory) || time.Since(start) < 50*time.Millisecond {
		t.Errorf("no memory left: %v after %s", err, time.Since(start))
	}
	got := make(chan error, 1)
	go func() {
		r, err := b.acquire(ctx, "C", 40, 5*time.Second)
		if err == nil {
			r()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	r1()
	if err := <-got; err != nil {
		t.Errorf("a waiter after memory came back: %v", err)
	}
	r2()
	if b.free != 100 || len(b.kitUsed) != 0 {
		t.Errorf("after every release: free %d, per kit %v", b.free, b.kitUsed)
	}
}

// TestKitRequestsBounded: one kit's requests in flight are bounded.
func TestKitRequestsBounded(t *testing.T) {
	k := &kitSlots{max: 2}
	r1, _ := k.acquire("A")
	r2, _ := k.acquire("A")
	if _, err := k.acquire("A"); ksync.ErrorCode(err) != ksync.CodeTooMany {
		t.Errorf("a third request: %v", err)
	}
	if r, err := k.acquire("B"); err != nil {
		t.Errorf("another kit: %v", err)
	} else {
		r()
	}
	r1()
	if r, err := k.acquire("A"); err != nil {
		t.Errorf("after one ended: %v", err)
	} else {
		r()
	}
	r2()
	if len(k.n) != 0 {
		t.Errorf("slots left: %v", k.n)
	}
}

func ioNop(b []byte) *nopCloser { return &nopCloser{bytes.NewReader(b)} }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// sendHead sends req's headers with a Content-Length of n and no body,
// and reads the answer: the office must answer from the headers alone.
func sendHead(t *testing.T, base string, req *http.Request, n int64) (int, ksync.Error) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), n)
	for k, v := range req.Header {
		fmt.Fprintf(conn, "%s: %s\r\n", k, v[0])
	}
	fmt.Fprint(conn, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, *ksync.ReadError(resp)
}

// TestWriteTimeoutFromAnswer: a long upload still gets its answer; the
// write timeout counts from when the answer starts.
func TestWriteTimeoutFromAnswer(t *testing.T) {
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	l := DefaultLimits
	l.WriteTimeout = 200 * time.Millisecond
	srv := httptestServer(t, NewWithLimits(f.Office, nil, l))
	photo := bytes.Repeat([]byte("x"), 3000)
	pr, pw := io.Pipe()
	go func() {
		for _, fr := range centraltest.Split(photo, 0, 1000) {
			ksync.WriteFrame(pw, fr)
			time.Sleep(250 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", srv+"/v1/attachments/upload", pr)
	ksync.SignStreamRequest(req, "KTB01", key, centraltest.T0)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), centraltest.SHA(photo)) {
		t.Fatalf("an upload of 750 ms with a write timeout of 200 ms: %d %s %v", resp.StatusCode, b, err)
	}
}

func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
