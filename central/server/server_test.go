package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

func newTestServer(t testing.TB, f *centraltest.Office) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(f.Office, nil))
	t.Cleanup(srv.Close)
	return srv
}

// do sends a signed request built by hand and decodes the answer.
func do(t testing.TB, srv *httptest.Server, req *http.Request) (int, ksync.Error, []byte) {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e ksync.Error
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("error answer is not JSON: %s", body)
		}
	}
	return resp.StatusCode, e, body
}

func signedReq(t testing.TB, srv *httptest.Server, method, path, kit string, key ed25519.PrivateKey, body []byte, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ksync.SignRequest(req, kit, key, body, at)
	return req
}

func TestSignedRequests(t *testing.T) {
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	srv := newTestServer(t, f)
	body := []byte(`{"sha256":[]}`)
	const path = "/v1/attachments/state"

	code, _, out := do(t, srv, signedReq(t, srv, "POST", path, "KTB01", key, body, centraltest.T0))
	if code != 200 || !strings.Contains(string(out), `"held":{}`) {
		t.Fatalf("good request: %d %s", code, out)
	}

	_, other, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		// An unknown kit is answered as a bad signature: nobody learns
		// which kits are enrolled.
		{"unknown kit", func() *http.Request { return signedReq(t, srv, "POST", path, "KTB09", key, body, centraltest.T0) }, 401, ksync.CodeBadSignature},
		{"added, not enrolled", func() *http.Request {
			f.Office.AddKit(context.Background(), "KTB02", time.Hour)
			return signedReq(t, srv, "POST", path, "KTB02", key, body, centraltest.T0)
		}, 401, ksync.CodeBadSignature},
		{"other key", func() *http.Request { return signedReq(t, srv, "POST", path, "KTB01", other, body, centraltest.T0) }, 401, ksync.CodeBadSignature},
		{"body changed", func() *http.Request {
			r := signedReq(t, srv, "POST", path, "KTB01", key, body, centraltest.T0)
			r.Body = io.NopCloser(strings.NewReader(`{"sha256":["x"]}`))
			r.ContentLength = -1
			return r
		}, 401, ksync.CodeBadSignature},
		{"unsigned", func() *http.Request {
			r, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
			return r
		}, 401, ksync.CodeBadSignature},
		{"stale", func() *http.Request {
			return signedReq(t, srv, "POST", path, "KTB01", key, body, centraltest.T0.Add(-time.Hour))
		}, 401, ksync.CodeStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e, out := do(t, srv, tt.req())
			if status != tt.status || e.Code != tt.code {
				t.Fatalf("%d %s, want %d %s", status, out, tt.status, tt.code)
			}
		})
	}

	t.Run("replay", func(t *testing.T) {
		req := signedReq(t, srv, "POST", path, "KTB01", key, body, centraltest.T0)
		again := req.Clone(context.Background())
		again.Body = io.NopCloser(bytes.NewReader(body))
		if status, _, out := do(t, srv, req); status != 200 {
			t.Fatalf("first: %d %s", status, out)
		}
		status, e, _ := do(t, srv, again)
		if status != 401 || e.Code != ksync.CodeReplayed {
			t.Fatalf("replay: %d %+v", status, e)
		}
	})
}

func TestUnsignedEndpoints(t *testing.T) {
	f := centraltest.New(t)
	srv := newTestServer(t, f)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != `{"ok":true}` {
		t.Errorf("healthz: %d %s", resp.StatusCode, b)
	}

	resp, _ = http.Get(srv.URL + "/v1/nothing")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}

	// Enrollment through ksync.Enroll, as a kit does it.
	token, _ := f.Office.AddKit(context.Background(), "KTB01", time.Hour)
	tok, _ := ksync.ParseToken(token)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	info, res, err := ksync.Enroll(context.Background(), srv.URL, tok, "KTB01", key)
	if err != nil {
		t.Fatal(err)
	}
	if info.Office != central.DefaultOfficeName || res.KitCode != "KTB01" {
		t.Errorf("enroll: %+v %+v", info, res)
	}
	_, _, err = ksync.Enroll(context.Background(), srv.URL, tok, "KTB01", key)
	centraltest.WantCode(t, err, ksync.CodeTokenUsed)

	// A too large enrollment body.
	resp, _ = http.Post(srv.URL+"/v1/enroll", "application/json", bytes.NewReader(make([]byte, 2<<20)))
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("large enroll body: %d", resp.StatusCode)
	}
}

// TestSyncThroughClient runs a kit's whole sync through ksync.Client:
// photos, a cut upload resumed, batches, statuses.
func TestSyncThroughClient(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	srv := newTestServer(t, f)
	c, err := ksync.NewClient(srv.URL, "KTB01", key, "", f.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	// Answers must carry the office's signature: one from another office
	// is refused, and nothing of it is taken.
	_, stranger, _ := ed25519.GenerateKey(nil)
	c.TrustOffice(stranger.Public().(ed25519.PublicKey))
	if _, err := c.AttachmentState(ctx, []string{centraltest.SHA([]byte("x"))}); ksync.ErrorCode(err) != ksync.CodeBadSignature {
		t.Fatalf("an answer checked against another office's key: %v, want bad_signature", err)
	}
	c.TrustOffice(f.Office.PublicKey())
	photo := make([]byte, 50000)
	rand.Read(photo)
	h := centraltest.SHA(photo)
	st, err := c.AttachmentState(ctx, []string{h})
	if err != nil || st.Held[h] != 0 {
		t.Fatalf("state: %+v %v", st, err)
	}
	st, err = c.Upload(ctx, []ksync.UploadPart{{SHA256: h, Total: int64(len(photo)), Data: photo}}, 16<<10, nil)
	if err != nil || len(st.Complete) != 1 {
		t.Fatalf("upload: %+v %v", st, err)
	}
	rec := centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, h)
	acks, err := c.SendBatch(ctx, ksync.Batch{BatchID: "b1", Records: []ksync.Record{rec}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")
	if _, err := f.Office.SetStatus(ctx, "app-a", "ready", "", "Kotabaru, 11 Desember"); err != nil {
		t.Fatal(err)
	}
	sts, err := c.Statuses(ctx, 0)
	if err != nil || len(sts.Statuses) != 1 || sts.Last != sts.Statuses[0].Seq {
		t.Fatalf("statuses: %+v %v", sts, err)
	}
}

// TestUploadCutOverHTTP cuts an upload request inside its third frame: the
// office keeps the two frames before it.
func TestUploadCutOverHTTP(t *testing.T) {
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	srv := newTestServer(t, f)
	photo := make([]byte, 48<<10)
	rand.Read(photo)
	var stream bytes.Buffer
	for _, fr := range centraltest.Split(photo, 0, 16<<10) {
		ksync.WriteFrame(&stream, fr)
	}
	cut := stream.Bytes()[:stream.Len()-1000]

	// Send the cut body with a Content-Length that promises more, then
	// close the connection.
	u := strings.TrimPrefix(srv.URL, "http://")
	conn, err := net.Dial("tcp", u)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v1/attachments/upload", nil)
	ksync.SignStreamRequest(req, "KTB01", key, centraltest.T0)
	fmt.Fprintf(conn, "POST /v1/attachments/upload HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", u, stream.Len())
	for _, h := range []string{ksync.HeaderKit, ksync.HeaderTime, ksync.HeaderNonce, ksync.HeaderBodySHA256, ksync.HeaderSignature} {
		fmt.Fprintf(conn, "%s: %s\r\n", h, req.Header.Get(h))
	}
	fmt.Fprint(conn, "\r\n")
	conn.Write(cut)
	conn.Close()

	h := centraltest.SHA(photo)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := f.Office.AttachmentState(context.Background(), "KTB01", []string{h})
		if err != nil {
			t.Fatal(err)
		}
		if st.Held[h] == 32<<10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("held %d after a cut in frame 3, want %d", st.Held[h], 32<<10)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConcurrentKits has 16 kits post batches at once, each batch twice
// (as after a lost answer): every record is stored exactly once.
func TestConcurrentKits(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	srv := newTestServer(t, f)
	const kits, batches, perBatch = 16, 4, 50
	clients := make([]*ksync.Client, kits)
	for i := range kits {
		code := fmt.Sprintf("K%02d", i+10)
		key := f.Enroll(t, code)
		c, err := ksync.NewClient(srv.URL, code, key, "", f.Clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}
	var wg gosync.WaitGroup
	errs := make(chan error, kits)
	counts := make([]central.Summary, kits)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fmt.Sprintf("K%02d", i+10)
			for b := range batches {
				var recs []ksync.Record
				for r := range perBatch {
					rec := centraltest.Record(code, fmt.Sprintf("%s-app-%d-%d", code, b, r), 1, centraltest.NIKKotabaru, "")
					rec.Number = fmt.Sprintf("%s-261127-%04d-X", code, b*perBatch+r)
					recs = append(recs, rec)
				}
				for range 2 {
					acks, err := c.SendBatch(ctx, ksync.Batch{BatchID: fmt.Sprint(b), Records: recs})
					if err != nil {
						errs <- fmt.Errorf("%s batch %d: %w", code, b, err)
						return
					}
					s := central.Summarize(acks)
					counts[i].Stored += s.Stored
					counts[i].Duplicate += s.Duplicate
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, s := range counts {
		if s.Stored != batches*perBatch || s.Duplicate != batches*perBatch {
			t.Errorf("kit %d: %+v, want %d stored and %d duplicates", i, s, batches*perBatch, batches*perBatch)
		}
	}
	for _, table := range []string{"records", "applications"} {
		if n := f.Count(t, table); n != kits*batches*perBatch {
			t.Errorf("%d %s, want %d", n, table, kits*batches*perBatch)
		}
	}
}
