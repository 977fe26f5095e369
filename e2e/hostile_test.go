package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"database/sql"

	"filippo.io/age"
	"github.com/jemput/jemput/internal/fixtures"
	ksync "github.com/jemput/jemput/sync"
	"github.com/klauspost/compress/zstd"
)

// TestHostileClients sends every attack of issue 8 to a real `jemput-central
// serve` on loopback, while a legitimate kit syncs: each is refused (or
// survived) with its documented status and code, stores nothing, and the
// office's peak memory stays under 256 MiB. Kit B is an enrolled kit whose
// key an attacker holds (a stolen laptop); everything else an attacker
// sends without a key.
func TestHostileClients(t *testing.T) {
	const maxRSS = 256 << 20
	dir := t.TempDir()
	db := filepath.Join(dir, "central.db")
	fx := fixtures.Dir(t)
	h := &hostile{t: t, db: db}

	a := kit{home: filepath.Join(dir, "kitA")}
	a.must(t, "init", "--kit-code", kitCode, "--office", "Kantor Imigrasi Batulicin",
		"--supervisor-nip", "198001012005011001", "--supervisor-name", "Rahmah")
	tokenA := strings.TrimSpace(centralCmd(t, db, "kit", "add", "--code", kitCode))
	tokenB := strings.TrimSpace(centralCmd(t, db, "kit", "add", "--code", "BTL02"))
	addr, err := freeAddr(mrand.New(mrand.NewPCG(8, 8)))
	if err != nil {
		t.Fatal(err)
	}
	// Short timeouts, so that the slow clients are seen cut within the
	// test's time; every other limit is the default.
	c := &central{db: db, dir: dir, addr: addr, args: []string{"--header-timeout", "2s", "--body-idle", "2s", "--min-body-rate", "256"}}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	h.url, h.addr = c.url(), addr
	a.must(t, "enroll", "--central", c.url(), "--token", tokenA)
	a.must(t, "event", "open", "--type", "eazy-paspor", "--name", "Eazy Paspor Kotabaru", "--place", "Kotabaru")
	photos := filepath.Join(dir, "photos")
	os.Mkdir(photos, 0o755)
	capture := func(fixture string, i int) {
		p := filepath.Join(photos, fmt.Sprintf("p%02d.jpg", i))
		if err := os.WriteFile(p, variedPhoto(t, filepath.Join(fx, "photo-413x531.jpg"), i), 0o644); err != nil {
			t.Fatal(err)
		}
		a.must(t, "intake", "--data", filepath.Join(fx, "applicants", fixture+".json"), "--photo", p)
	}
	capture("adult-new", 1)
	capture("adult-female-renewal", 2)
	a.must(t, "review", "approve", "--all")
	apps, err := approvedVersions(a.home, "approved")
	if err != nil || len(apps) != 2 || apps[0].photo == "" {
		t.Fatalf("kit A's applications: %+v %v", apps, err)
	}

	tok, err := ksync.ParseToken(tokenB)
	if err != nil {
		t.Fatal(err)
	}
	_, h.keyB, _ = ed25519.GenerateKey(rand.Reader)
	info, _, err := ksync.Enroll(context.Background(), c.url(), tok, "BTL02", h.keyB)
	if err != nil {
		t.Fatal(err)
	}

	// Kit B claims kit A's photo with another size before kit A sends it:
	// its frame is B's own, and A's sync is not blocked.
	var frame bytes.Buffer
	ksync.WriteFrame(&frame, ksync.Frame{SHA256: apps[0].photo, Total: 1000, Offset: 0, Data: []byte("0123456789")})
	up := h.signedStreamB()
	up.Body, up.ContentLength = io.NopCloser(bytes.NewReader(frame.Bytes())), int64(frame.Len())
	if st, _ := h.send(up); st != 200 {
		t.Fatalf("kit B's frame: %d", st)
	}
	out := a.must(t, "sync")
	if !strings.Contains(out, "Sent 2 applications: 2 new") {
		t.Fatalf("kit A's sync after kit B's frame: %s", out)
	}
	var held int64
	h.query(`SELECT total FROM attachments WHERE sha256 = ?`, []any{&held}, apps[0].photo)
	if held == 1000 || held == 0 {
		t.Fatalf("kit A's photo held with %d bytes", held)
	}
	var aID, aNumber string
	var aVersion int
	h.query(`SELECT app_id, number, version FROM records WHERE kit = 'KTB01' ORDER BY number LIMIT 1`, []any{&aID, &aNumber, &aVersion})

	before := h.digest()
	refused := func(name string, status int, e ksync.Error, wantStatus int, wantCode string) {
		t.Helper()
		if status != wantStatus || e.Code != wantCode {
			t.Errorf("%s: %d %s (%s), want %d %s", name, status, e.Code, e.Message, wantStatus, wantCode)
		}
		if e.Retry && wantStatus != 429 {
			t.Errorf("%s: answered retry: true", name)
		}
	}

	// While the attacks run, kit A captures and syncs again.
	capture("minor-new", 3)
	a.must(t, "review", "approve", "--all")
	var legit sync.WaitGroup
	var legitOut, legitErr string
	var legitFail error
	legit.Add(1)
	go func() {
		defer legit.Done()
		time.Sleep(500 * time.Millisecond) // among the attacks, not before them
		legitOut, legitErr, legitFail = a.run(context.Background(), time.Minute, "sync")
	}()

	t.Run("unsigned large posts are not read", func(t *testing.T) {
		var wg sync.WaitGroup
		type answer struct {
			status int
			e      ksync.Error
			dur    time.Duration
		}
		answers := make(chan answer, 24)
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hdr := map[string]string{ksync.HeaderKit: kitCode, ksync.HeaderTime: officeNow().UTC().Format(time.RFC3339), "Content-Encoding": "zstd"}
				if i%2 == 1 { // a signature made with a key that is not the kit's
					hdr[ksync.HeaderKit] = "BTL02"
					hdr[ksync.HeaderNonce] = strings.Repeat("ab", 16)
					hdr[ksync.HeaderBodySHA256] = strings.Repeat("cd", 32)
					hdr[ksync.HeaderSignature] = "AAAA" + strings.Repeat("A", 84)
				}
				start := time.Now()
				st, e := h.raw("POST", "/v1/batches", hdr, 63_000_000, nil)
				answers <- answer{st, e, time.Since(start)}
			}()
		}
		wg.Wait()
		close(answers)
		for ans := range answers {
			refused("unsigned 63 MB post", ans.status, ans.e, 401, ksync.CodeBadSignature)
			if ans.dur > 5*time.Second {
				t.Errorf("an unsigned 63 MB post took %s to refuse: it was read", ans.dur)
			}
		}
		h.unchanged(t, before)
	})

	t.Run("another kit's application and numbers", func(t *testing.T) {
		r := h.recordB("b-app-1", 1)
		r.AppID, r.Version = aID, aVersion+1
		st, e := h.send(h.batchB([]ksync.Record{r}, 0))
		refused("kit A's application id", st, e, 403, ksync.CodeNotOwner)
		r = h.recordB("b-app-2", 1)
		r.Number = aNumber
		st, e = h.send(h.batchB([]ksync.Record{r}, 0))
		refused("kit A's number", st, e, 403, ksync.CodeNotOwner)
		// The same by USB.
		r = h.recordB("b-app-3", 1)
		r.AppID = aID
		var file bytes.Buffer
		if err := ksync.SealExport(&file, info.SealingRecipient, h.keyB, ksync.Export{Kit: "BTL02", Batch: ksync.Batch{BatchID: "x", Kit: "BTL02", Records: []ksync.Record{r}}}); err != nil {
			t.Fatal(err)
		}
		_, errOut, _ := h.importFile(t, dir, "steal.jemput", file.Bytes())
		if !strings.Contains(errOut, "belongs to another kit") {
			t.Errorf("import of kit A's application by kit B: %s", errOut)
		}
		h.unchanged(t, before)
	})

	t.Run("junk batches", func(t *testing.T) {
		junk := make([]ksync.Record, 400_000)
		for i := range junk {
			junk[i] = h.recordB("junk-"+strconv.Itoa(i), 1)
		}
		st, e := h.send(h.batchB(junk, 0))
		refused("400,000 records, size declared", st, e, 413, ksync.CodeTooLarge)
		// Signed by a stolen key, 63 MB announced: refused from the headers.
		start := time.Now()
		st, e = h.raw("POST", "/v1/batches", nil, 63_000_000, h.signedB("POST", "/v1/batches", []byte("x"), map[string]string{"Content-Encoding": "zstd", ksync.HeaderDecodedLength: "1000"}))
		refused("a signed 63 MB batch", st, e, 413, ksync.CodeTooLarge)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("a signed 63 MB batch took %s to refuse: it was read", d)
		}
		st, e = h.send(h.batchB(junk[:200_000], 1<<20))
		refused("200,000 records, size understated", st, e, 413, ksync.CodeTooLarge)
		st, e = h.send(h.batchB(junk[:1001], 0))
		refused("1,001 records", st, e, 413, ksync.CodeTooLarge)
		bad := h.recordB("junk-x", 1)
		bad.Form = "visa-on-arrival"
		st, e = h.send(h.batchB([]ksync.Record{bad}, 0))
		refused("a form the office does not know", st, e, 400, ksync.CodeMalformed)
		bad = h.recordB("junk-y", 1)
		bad.Doc = json.RawMessage(`{"values":{"nik":"6302015508900001","shoe_size":"43"}}`)
		st, e = h.send(h.batchB([]ksync.Record{bad}, 0))
		refused("a field the form does not have", st, e, 400, ksync.CodeMalformed)
		bad = h.recordB("junk-z", 1)
		bad.Doc = json.RawMessage(`{"values":{"full_name":"` + strings.Repeat("A", 70<<10) + `"}}`)
		st, e = h.send(h.batchB([]ksync.Record{bad}, 0))
		refused("a record of 70 KiB", st, e, 413, ksync.CodeTooLarge)
		h.unchanged(t, before)
	})

	t.Run("slow clients are cut", func(t *testing.T) {
		// 1000 connections sending their headers a byte at a time.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var longest time.Duration
		cutBy := time.Now().Add(25 * time.Second)
		for range 1000 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
				if err != nil {
					return // the listen queue is full: refused, fine
				}
				defer conn.Close()
				start := time.Now()
				conn.SetDeadline(cutBy)
				head := "POST /v1/batches HTTP/1.1\r\nHost: x\r\nJemput-Kit: KTB01\r\nX-Slow: " + strings.Repeat("s", 100)
				buf := make([]byte, 1)
				for i := 0; i < len(head); i++ {
					if _, err := conn.Write([]byte{head[i]}); err != nil {
						break
					}
					conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
					if _, err := conn.Read(buf); err != nil && !isTimeout(err) {
						break // the office closed it
					}
					if time.Now().After(cutBy) {
						break
					}
				}
				d := time.Since(start)
				mu.Lock()
				longest = max(longest, d)
				mu.Unlock()
			}()
		}
		// Kit A syncs while the slow connections hold what they can.
		time.Sleep(time.Second)
		capture("stay-permit-itas", 5)
		a.must(t, "review", "approve", "--all")
		if out := a.must(t, "sync"); !strings.Contains(out, "1 new") {
			t.Errorf("kit A's sync among 1000 slow connections: %s", out)
		}
		wg.Wait()
		if longest >= 25*time.Second {
			t.Errorf("a slow connection was held %s", longest)
		}
		// An enrolled kit sending bodies slowly: four at once, the fifth
		// is told to wait; the four are cut for being too slow.
		slow := make(chan struct {
			st int
			e  ksync.Error
		}, 4)
		for range 4 {
			go func() {
				st, e := h.rawPaced("POST", "/v1/attachments/state", nil, 1<<20, h.signedB("POST", "/v1/attachments/state", bytes.Repeat([]byte(" "), 1<<20), nil), true)
				slow <- struct {
					st int
					e  ksync.Error
				}{st, e}
			}()
		}
		time.Sleep(700 * time.Millisecond)
		st, e := h.send(h.signedB("POST", "/v1/attachments/state", []byte(`{"sha256":[]}`), nil))
		refused("a fifth request of a kit at once", st, e, 429, ksync.CodeTooMany)
		for range 4 {
			s := <-slow
			refused("a body at a few bytes a second", s.st, s.e, 408, ksync.CodeTimeout)
		}
		h.unchanged(t, before)
	})

	t.Run("quiet about who exists", func(t *testing.T) {
		ask := func(kitCode string) (int, ksync.Error) {
			hdr := map[string]string{ksync.HeaderKit: kitCode, ksync.HeaderTime: officeNow().UTC().Format(time.RFC3339),
				ksync.HeaderNonce: strings.Repeat("ab", 16), ksync.HeaderBodySHA256: ksync.BodyHash(nil),
				ksync.HeaderSignature: "AAAA" + strings.Repeat("A", 84)}
			return h.raw("GET", "/v1/statuses?after=0", hdr, 0, nil)
		}
		s1, e1 := ask(kitCode)
		s2, e2 := ask("ZZZ99")
		if s1 != s2 || e1 != e2 || s1 != 401 || e1.Code != ksync.CodeBadSignature {
			t.Errorf("enrolled kit: %d %+v; unknown kit: %d %+v; want the same 401 bad_signature", s1, e1, s2, e2)
		}
		h.unchanged(t, before)
	})

	t.Run("malformed bodies are the client's", func(t *testing.T) {
		req := h.signedB("POST", "/v1/batches", []byte("whatever"), map[string]string{"Content-Encoding": "zstd", ksync.HeaderDecodedLength: "100"})
		hdr := map[string]string{"Transfer-Encoding": "chunked"}
		st, e := h.raw("POST", "/v1/batches", hdr, -1, req)
		refused("a malformed chunked body", st, e, 400, ksync.CodeMalformed)
		up := h.signedStreamB()
		st, e = h.raw("POST", "/v1/attachments/upload", nil, 300<<20, up)
		refused("an upload over its limit", st, e, 413, ksync.CodeTooLarge)
		body := []byte(`{"sha256":[]}`)
		changed := h.signedB("POST", "/v1/attachments/state", body, nil)
		st, e = h.raw("POST", "/v1/attachments/state", nil, int64(len(body)), changed) // zeros, not the body signed
		refused("a body that is not the one signed", st, e, 401, ksync.CodeBadSignature)
		h.unchanged(t, before)
	})

	t.Run("fuzzed requests to every endpoint", func(t *testing.T) {
		rng := mrand.New(mrand.NewPCG(42, 8))
		paths := []string{"/healthz", "/v1/office", "/v1/enroll", "/v1/attachments/state", "/v1/attachments/upload", "/v1/batches", "/v1/statuses?after=0", "/v1/nothing"}
		for i := range 300 {
			path := paths[rng.IntN(len(paths))]
			method := []string{"GET", "POST", "PUT"}[rng.IntN(3)]
			body := make([]byte, rng.IntN(2000))
			for j := range body {
				body[j] = byte(rng.IntN(256))
			}
			if rng.IntN(3) == 0 {
				body = []byte(`{"token":"jmt1.BTL02.` + strings.Repeat("A", rng.IntN(30)) + `","kit_code":"BTL02","public_key":"AAAA","proof":"AAAA"}`)
			}
			var req *http.Request
			if rng.IntN(2) == 0 {
				req = h.signedB(method, path, body, map[string]string{"Content-Encoding": "zstd", ksync.HeaderDecodedLength: strconv.Itoa(rng.IntN(5000))})
				if rng.IntN(2) == 0 { // changed on the way
					body[len(body)/2%max(len(body), 1)] ^= 1
				}
			} else {
				req, _ = http.NewRequest(method, h.url+path, nil)
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.ContentLength = int64(len(body))
			st, e := h.send(req)
			if st >= 500 || st == 0 {
				t.Errorf("fuzzed request %d (%s %s, %d bytes): %d %+v", i, method, path, len(body), st, e)
			}
		}
		h.unchanged(t, before)
	})

	t.Run("export files: bombs, damage and orphan photos", func(t *testing.T) {
		bomb := h.bomb(t, info.SealingRecipient)
		if len(bomb) > 3<<20 {
			t.Fatalf("the bomb is %d bytes", len(bomb))
		}
		_, errOut, rss := h.importFile(t, dir, "bomb.jemput", bomb)
		if !strings.Contains(errOut, "inflates to more than") {
			t.Errorf("bomb import: %s", errOut)
		}
		t.Logf("importing a %d KB file that inflates to 2 GiB: peak RSS %d MiB", len(bomb)>>10, rss>>20)
		if rss >= maxRSS || rss == 0 {
			t.Errorf("importing the bomb took %d MiB", rss>>20)
		}
		var file bytes.Buffer
		r := h.recordB("b-usb-1", 1)
		orphan := []byte("a photo no record refers to")
		if err := ksync.SealExport(&file, info.SealingRecipient, h.keyB, ksync.Export{Kit: "BTL02", Batch: ksync.Batch{BatchID: "usb", Kit: "BTL02", Records: []ksync.Record{r}},
			Attachments: map[string][]byte{sha(orphan): orphan}}); err != nil {
			t.Fatal(err)
		}
		_, errOut, _ = h.importFile(t, dir, "cut.jemput", file.Bytes()[:file.Len()-40])
		if !strings.Contains(errOut, "damaged or truncated") {
			t.Errorf("a cut file: %s", errOut)
		}
		h.unchanged(t, before)
		if _, errOut, _ := h.importFile(t, dir, "orphan.jemput", file.Bytes()); errOut != "" && !strings.Contains(errOut, "Kit BTL02: 1 stored") {
			t.Logf("import: %s", errOut)
		}
		var n int
		h.query(`SELECT count(*) FROM attachments WHERE sha256 = ?`, []any{&n}, sha(orphan))
		if n != 0 {
			t.Error("an attachment no record refers to was kept")
		}
		var recs int
		h.query(`SELECT count(*) FROM records WHERE kit = 'BTL02'`, []any{&recs})
		if recs != 1 {
			t.Errorf("kit B's valid file stored %d records, want 1", recs)
		}
		before = h.digest()
	})

	legit.Wait()
	if legitFail != nil || !strings.Contains(legitOut, "1 new") {
		t.Errorf("kit A's sync during the attacks: %v\n%s\n%s", legitFail, legitOut, legitErr)
	}
	var got int
	h.query(`SELECT count(*) FROM records WHERE kit = 'KTB01'`, []any{&got})
	if got != 4 {
		t.Errorf("the office holds %d of kit A's records, want 4", got)
	}

	t.Run("plain http at the pinned https address", func(t *testing.T) {
		kdb, err := openRW(filepath.Join(a.home, "kit.db"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = kdb.Exec(`UPDATE office SET url = replace(url, 'http://', 'https://')`)
		kdb.Close()
		if err != nil {
			t.Fatal(err)
		}
		capture("mononym", 4)
		a.must(t, "review", "approve", "--all")
		start := time.Now()
		_, errOut, err := a.run(context.Background(), time.Minute, "sync")
		if err == nil || !strings.Contains(errOut, "answered in plain http") || !strings.Contains(errOut, "hint: check the office's address") {
			t.Errorf("sync to an https address that answers plain http: %v\n%s", err, errOut)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("it took %s to say so: it retried", d)
		}
	})

	// The process's peak memory over everything above.
	peak := vmHWM(t, c)
	t.Logf("office peak RSS (VmHWM): %d MiB", peak>>20)
	if peak >= maxRSS {
		t.Errorf("the office's peak memory was %d MiB, want under %d", peak>>20, maxRSS>>20)
	}
	logs := c.logs()
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("client mistakes were logged as errors:\n%s", grepLines(logs, "level=ERROR"))
	}
}

// hostile holds what the attacks share.
type hostile struct {
	t         *testing.T
	db        string
	url, addr string
	keyB      ed25519.PrivateKey
}

// officeNow is the office's fixed clock (baseEnv's JEMPUT_NOW).
func officeNow() time.Time {
	t, _ := time.Parse(time.RFC3339, testNow)
	return t
}

func (h *hostile) recordB(app string, v int) ksync.Record {
	doc, _ := json.Marshal(map[string]any{"values": map[string]any{"nik": "6302015508900001", "full_name": "SITI AMINAH"}})
	n := 1 + len(app)*7%9000
	if i := strings.LastIndexByte(app, '-'); i >= 0 {
		if k, err := strconv.Atoi(app[i+1:]); err == nil {
			n = k%9999 + 1
		}
	}
	return ksync.Record{AppID: app, Version: v, Number: fmt.Sprintf("BTL02-261127-%04d-X", n), Kit: "BTL02", Form: "passport", FormVersion: 1,
		Status: "approved", Event: ksync.Event{ID: "ev1", Type: "eazy-paspor", Name: "Eazy Paspor", Place: "Batulicin", Date: "2026-11-27"},
		Officer: ksync.Officer{NIP: "198001012005011001", Name: "Budi"}, CreatedAt: time.Now().UTC(), Doc: doc}
}

// signedB is a request signed by kit B's key, with headers hdr set before
// signing.
func (h *hostile) signedB(method, path string, body []byte, hdr map[string]string) *http.Request {
	req, err := http.NewRequest(method, h.url+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	ksync.SignRequest(req, "BTL02", h.keyB, body, officeNow())
	return req
}

func (h *hostile) signedStreamB() *http.Request {
	req, _ := http.NewRequest("POST", h.url+"/v1/attachments/upload", nil)
	ksync.SignStreamRequest(req, "BTL02", h.keyB, officeNow())
	return req
}

// batchB is a signed batch of records; decoded, if not 0, is the
// decompressed size it declares instead of the true one.
func (h *hostile) batchB(recs []ksync.Record, decoded int) *http.Request {
	js, _ := json.Marshal(ksync.Batch{BatchID: "b", Kit: "BTL02", Records: recs})
	var buf bytes.Buffer
	zstdCompress(h.t, &buf, js)
	if decoded == 0 {
		decoded = len(js)
	}
	return h.signedB("POST", "/v1/batches", buf.Bytes(), map[string]string{"Content-Type": "application/json", "Content-Encoding": "zstd", ksync.HeaderDecodedLength: strconv.Itoa(decoded)})
}

// send sends req and reads its answer's status and error.
func (h *hostile) send(req *http.Request) (int, ksync.Error) {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		h.t.Logf("%s %s: %v", req.Method, req.URL.Path, err)
		return 0, ksync.Error{}
	}
	defer resp.Body.Close()
	var e ksync.Error
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		json.Unmarshal(b, &e)
	}
	return resp.StatusCode, e
}

// raw writes a request by hand on its own connection: the headers of
// signed (if any) and hdr, then a body of bodyLen zero bytes sent at its
// own pace (-1: a malformed chunked body), and reads the answer. It is
// how a client that does not follow the rules behaves: a slow body, a
// body the server should never read.
func (h *hostile) raw(method, path string, hdr map[string]string, bodyLen int64, signed *http.Request) (int, ksync.Error) {
	return h.rawPaced(method, path, hdr, bodyLen, signed, false)
}

// rawPaced is raw with the body sent at 8 bytes a second when slowly.
func (h *hostile) rawPaced(method, path string, hdr map[string]string, bodyLen int64, signed *http.Request, slowly bool) (int, ksync.Error) {
	conn, err := net.DialTimeout("tcp", h.addr, 5*time.Second)
	if err != nil {
		h.t.Errorf("dial: %v", err)
		return 0, ksync.Error{}
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, h.addr)
	if signed != nil {
		for k, v := range signed.Header {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v[0])
		}
	}
	for k, v := range hdr {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	if bodyLen >= 0 {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", bodyLen)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		h.t.Errorf("write: %v", err)
		return 0, ksync.Error{}
	}
	go func() {
		switch {
		case bodyLen < 0:
			io.WriteString(conn, "zz\r\nnot a chunk\r\n")
		case slowly: // a few bytes a second
			for i := int64(0); i < bodyLen; i += 8 {
				if _, err := conn.Write(bytes.Repeat([]byte(" "), 8)); err != nil {
					return
				}
				time.Sleep(time.Second)
			}
		default:
			zero := make([]byte, 64<<10)
			for sent := int64(0); sent < bodyLen; sent += int64(len(zero)) {
				if _, err := conn.Write(zero[:min(int64(len(zero)), bodyLen-sent)]); err != nil {
					return
				}
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		h.t.Errorf("%s %s: no answer: %v", method, path, err)
		return 0, ksync.Error{}
	}
	defer resp.Body.Close()
	var e ksync.Error
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	json.Unmarshal(b, &e)
	return resp.StatusCode, e
}

// importFile runs jemput-central import on data written to dir/name and
// answers its stderr and peak memory.
func (h *hostile) importFile(t *testing.T, dir, name string, data []byte) (string, string, int64) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "jemput-central"), "--db", h.db, "import", path)
	cmd.Env = baseEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The peak as /proc says it while the process runs (its rusage after
	// the end would count the test's own memory, inherited across fork).
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	var rss int64
	for polling := true; polling; {
		if v, ok := readHWM(cmd.Process.Pid); ok {
			rss = max(rss, v)
		}
		select {
		case <-exited:
			polling = false
		case <-time.After(5 * time.Millisecond):
		}
	}
	return out.String(), errb.String(), rss
}

// bomb is an export file of kit B of a few MB that inflates to 2 GiB: 512
// attachments of 4 MiB of zeros, written as zstd RLE blocks by hand.
func (h *hostile) bomb(t *testing.T, recipient string) []byte {
	var p bytes.Buffer
	p.Write([]byte{0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x50}) // zstd frame, 1 MiB window
	block := func(typ uint32, size int, data []byte, last bool) {
		hdr := uint32(size)<<3 | typ<<1
		if last {
			hdr |= 1
		}
		p.Write([]byte{byte(hdr), byte(hdr >> 8), byte(hdr >> 16)})
		p.Write(data)
	}
	js, _ := json.Marshal(ksync.Batch{BatchID: "bomb", Kit: "BTL02", Records: []ksync.Record{}})
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(js)))
	block(0, 8+len(js), append(n[:], js...), false)
	zeros := make([]byte, 4<<20)
	const frame = 64 << 10
	for i := range 512 {
		total := int64(4<<20 - i)
		var sum [32]byte
		if i < 64 { // the first ones are whole and true; the rest are never reached
			sum = sha256.Sum256(zeros[:total])
		} else {
			rand.Read(sum[:])
		}
		for off := int64(0); off < total; off += frame {
			l := min(frame, total-off)
			hdr := make([]byte, 56)
			copy(hdr, "JAF1")
			copy(hdr[4:], sum[:])
			binary.BigEndian.PutUint64(hdr[36:], uint64(total))
			binary.BigEndian.PutUint64(hdr[44:], uint64(off))
			binary.BigEndian.PutUint32(hdr[52:], uint32(l))
			block(0, len(hdr), hdr, false)
			block(1, int(l), []byte{0}, false)
		}
	}
	block(0, 0, nil, true)
	payload := p.Bytes()
	ph := sha256.Sum256(payload)
	created := time.Now().UTC().Format(time.RFC3339Nano)
	hj, _ := json.Marshal(map[string]any{"kit": "BTL02", "created": created, "payload_sha256": hex.EncodeToString(ph[:]),
		"signature": ed25519.Sign(h.keyB, ksync.ExportMessage("BTL02", created, hex.EncodeToString(ph[:])))})
	rcpt, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("JEXP1\n"))
	w.Write(hj)
	w.Write([]byte("\n"))
	w.Write(payload)
	w.Close()
	return out.Bytes()
}

// digest is what the office's database holds, table by table, less the
// nonces that signed requests leave.
func (h *hostile) digest() string {
	d, err := openRO(h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	defer d.Close()
	var b strings.Builder
	for _, table := range []string{"office", "kits", "kit_keys", "tokens", "records", "applications", "conflicts", "attachments", "attachment_parts", "attachment_frames", "statuses", "audit"} {
		q := `SELECT * FROM ` + table
		switch table {
		case "records", "applications", "conflicts", "attachments", "attachment_parts", "statuses", "audit":
			q += ` WHERE kit != 'KTB01'` // kit A syncs meanwhile, as it should
		case "attachment_frames":
			q += ` WHERE kit != 'KTB01'`
		}
		rows, err := d.Query(q)
		if err != nil {
			h.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		fmt.Fprintf(&b, "%s: %d rows %x\n", table, len(lines), sum[:6])
	}
	return b.String()
}

// unchanged fails t if the database holds anything new but kit A's.
func (h *hostile) unchanged(t *testing.T, before string) {
	t.Helper()
	if after := h.digest(); after != before {
		t.Errorf("the attack changed the database:\n%s", diffDigest(before, after))
	}
}

func diffDigest(before, after string) string {
	var out []string
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			out = append(out, b[i]+" → "+a[i])
		}
	}
	return strings.Join(out, "\n")
}

func (h *hostile) query(q string, dest []any, args ...any) {
	h.t.Helper()
	d, err := openRO(h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	defer d.Close()
	if err := d.QueryRow(q, args...).Scan(dest...); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
}

// vmHWM is the server process's peak resident memory.
func vmHWM(t *testing.T, c *central) int64 {
	c.mu.Lock()
	pid := c.cmd.Process.Pid
	c.mu.Unlock()
	v, ok := readHWM(pid)
	if !ok {
		t.Skip("no VmHWM in /proc/PID/status here")
	}
	return v
}

// readHWM reads VmHWM, the peak resident memory, of process pid.
func readHWM(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func openRW(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
}

func zstdCompress(t *testing.T, w io.Writer, b []byte) {
	zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
