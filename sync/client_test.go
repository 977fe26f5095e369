package sync

import (
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// enrolled enrolls kit KTB01 at the office and returns its client.
func enrolled(t *testing.T, o *fakeOffice, url string, now func() time.Time) *Client {
	t.Helper()
	key := newKey(t)
	info, _, err := Enroll(context.Background(), url, o.token("KTB01"), "KTB01", key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(url, "KTB01", key, info.TLSCertSHA256, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEnroll(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	key := newKey(t)
	tok := o.token("KTB01")
	info, resp, err := Enroll(ctx, srv.URL, tok, "KTB01", key)
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.PublicKey(info.SigningKey).Equal(pubOf(o.key)) || resp.KitCode != "KTB01" || info.SealingRecipient == "" {
		t.Errorf("info %+v resp %+v", info, resp)
	}
	if k, _ := o.keyFor("KTB01"); len(k) != 1 || !k[0].Key.Equal(pubOf(key)) {
		t.Error("the office did not record the kit's key")
	}

	if _, _, err := Enroll(ctx, srv.URL, tok, "KTB01", key); ErrorCode(err) != CodeTokenUnknown {
		t.Errorf("token used twice: %v", err)
	}
	if _, _, err := Enroll(ctx, srv.URL, o.token("KTB01"), "KTB02", key); ErrorCode(err) != CodeTokenKitMismatch {
		t.Errorf("token of another kit: %v", err)
	}
	foreign, _ := NewToken("KTB01", pubOf(newKey(t)))
	_, _, err = Enroll(ctx, srv.URL, foreign, "KTB01", key)
	if err == nil || !strings.Contains(err.Error(), "not the one that made this token") {
		t.Errorf("token of another office: %v", err)
	}
}

func TestEnrollTLS(t *testing.T) {
	ctx := context.Background()
	o, _ := newFakeOffice(t)
	srv := httptest.NewTLSServer(o.handler())
	defer srv.Close()
	o.tlsCert = certSHA256(srv.Certificate().Raw)

	c := enrolled(t, o, srv.URL, nil)
	if _, err := c.Statuses(ctx, 0); err != nil {
		t.Fatalf("pinned client: %v", err)
	}

	wrong, _ := NewClient(srv.URL, "KTB01", c.key, strings.Repeat("ab", 32), nil)
	if _, err := wrong.Statuses(ctx, 0); err == nil || !strings.Contains(err.Error(), "not the one pinned") {
		t.Errorf("wrong pin: %v", err)
	}

	// An office naming another certificate than the one presented (a man
	// in the middle with his own certificate) is refused at enrollment.
	o.tlsCert = strings.Repeat("cd", 32)
	_, _, err := Enroll(ctx, srv.URL, o.token("KTB01"), "KTB01", newKey(t))
	if err == nil || !strings.Contains(err.Error(), "not the one the office names") {
		t.Errorf("other certificate: %v", err)
	}

	// No certificate named: the system roots decide, and they do not know
	// httptest's.
	o.tlsCert = ""
	if _, _, err := Enroll(ctx, srv.URL, o.token("KTB01"), "KTB01", newKey(t)); err == nil {
		t.Error("enrolled over TLS with an unknown, unnamed certificate")
	}
}

func TestClientLearnsClock(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	wrongClock := func() time.Time { return time.Now().Add(-3 * time.Hour) }
	c := enrolled(t, o, srv.URL, wrongClock)
	// No Office call: the first request is stale, its Date header teaches
	// the offset, and the retry passes.
	if _, err := c.Statuses(ctx, 0); err != nil {
		t.Fatalf("with a clock 3 h behind: %v", err)
	}
	if d := c.Now().Sub(time.Now()); d > 3*time.Second || d < -3*time.Second {
		t.Errorf("clock offset off by %s", d)
	}

	c2 := enrolled(t, o, srv.URL, wrongClock)
	if _, err := c2.Office(ctx); err != nil {
		t.Fatal(err)
	}
	if d := c2.Now().Sub(time.Now()); d > time.Second || d < -time.Second {
		t.Errorf("after Office, clock offset off by %s", d)
	}
}

func TestRunFull(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	for i := 1; i <= 5; i++ {
		o.statuses = append(o.statuses, Status{Seq: int64(i), AppID: "app1", Status: StatusAccepted})
	}
	k := newMemKit(7, 3000)
	k.records[6].Photo = "" // one without a photo

	var phases []string
	rep, err := Run(ctx, c, k, RunOptions{BatchSize: 3, FrameSize: 1024, Progress: func(p string, _, _ int64) {
		if len(phases) == 0 || phases[len(phases)-1] != p {
			phases = append(phases, p)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 7 || rep.Stored != 7 || rep.Duplicate != 0 || rep.Missing != 0 || rep.Statuses != 5 || rep.Attempts != 1 {
		t.Errorf("report %+v", rep)
	}
	if strings.Join(phases, ",") != "photos,records,statuses" {
		t.Errorf("phases %v", phases)
	}
	for _, r := range k.records {
		if o.stores[r.ID()] != 1 || k.acks[r.ID()].Result != AckStored || k.acks[r.ID()].Hash != r.Hash() {
			t.Errorf("record %s: stored %d times, ack %+v", r.ID(), o.stores[r.ID()], k.acks[r.ID()])
		}
		if r.Photo != "" && !o.complete(r.Photo) {
			t.Errorf("photo of %s not whole at the office", r.ID())
		}
	}
	if k.saves != 3 {
		t.Errorf("acks saved %d times, want once per batch (3)", k.saves)
	}
	if k.cursor != 5 || len(k.statuses) != 5 {
		t.Errorf("statuses: cursor %d, %d saved", k.cursor, len(k.statuses))
	}

	// Again: nothing pending, nothing sent.
	rep, err = Run(ctx, c, k, RunOptions{})
	if err != nil || rep.Records != 0 || rep.Stored != 0 || rep.PhotoBytes != 0 {
		t.Errorf("second run: %+v, %v", rep, err)
	}

	// The same record id with other content is a conflict, not an overwrite.
	changed := k.records[6]
	changed.Status = "voided"
	k2 := &memKit{records: []Record{changed}, photos: map[string][]byte{}, acks: map[string]Ack{}}
	rep, err = Run(ctx, c, k2, RunOptions{})
	if err != nil || rep.Conflict != 1 || len(rep.Conflicts) != 1 || rep.Conflicts[0].ID != changed.ID() {
		t.Errorf("conflict run: %+v, %v", rep, err)
	}
	if o.records[changed.ID()] != k.records[6].Hash() {
		t.Error("the office overwrote a record")
	}
}

func TestRunResumesCutUpload(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	k := newMemKit(4, 10_000)
	var total int64
	for _, p := range k.photos {
		total += int64(len(p))
	}
	const frameSize = 1024
	o.cutAfter = 3*(frameHeader+frameSize) + 500 // inside the fourth frame

	rep, err := Run(ctx, c, k, RunOptions{FrameSize: frameSize, Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	if o.cuts != 1 || rep.Attempts != 2 || o.uploadRequests != 2 {
		t.Errorf("cuts %d, attempts %d, upload requests %d; want 1, 2, 2", o.cuts, rep.Attempts, o.uploadRequests)
	}
	for sha := range k.photos {
		if !o.complete(sha) {
			t.Errorf("photo %s not whole at the office", sha)
		}
	}
	for _, r := range k.records {
		if o.stores[r.ID()] != 1 {
			t.Errorf("record %s stored %d times", r.ID(), o.stores[r.ID()])
		}
	}
	// Every whole frame the office received was new: only the frame cut in
	// flight was sent twice.
	if o.frameData != total {
		t.Errorf("office received %d bytes of whole frames for %d bytes of photos", o.frameData, total)
	}
	if rep.Stored != 4 || rep.Missing != 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestRunInterruptedAndRerun(t *testing.T) {
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	k := newMemKit(10, 500)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, c, k, RunOptions{BatchSize: 2, Progress: func(phase string, done, _ int64) {
		if phase == PhaseRecords && done >= 4 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("an interrupted run reported success")
	}
	rep, err := Run(context.Background(), c, k, RunOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stored+rep.Duplicate != rep.Records || rep.Records >= 10 || rep.Records == 0 {
		t.Errorf("rerun report %+v", rep)
	}
	for _, r := range k.records {
		if o.stores[r.ID()] != 1 || !k.acks[r.ID()].Final() {
			t.Errorf("record %s stored %d times, ack %+v", r.ID(), o.stores[r.ID()], k.acks[r.ID()])
		}
	}
}

func TestRunStopsOnPermanentError(t *testing.T) {
	_, srv := newFakeOffice(t)
	c, err := NewClient(srv.URL, "KTB01", newKey(t), "", nil) // never enrolled
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), c, newMemKit(2, 100), RunOptions{Backoff: func(int) time.Duration { return 0 }})
	// The office says no more than bad_signature to a kit it does not know.
	if ErrorCode(err) != CodeBadSignature || rep.Attempts != 1 {
		t.Errorf("err %v after %d attempts, want bad_signature after 1", err, rep.Attempts)
	}
}

// TestClientExplainsLink: an https address that answers in plain http, or
// with a certificate that is not the pinned one, is said so at once, not
// retried for minutes.
func TestClientExplainsLink(t *testing.T) {
	o, plain := newFakeOffice(t)
	c := enrolled(t, o, plain.URL, nil)
	https, err := NewClient(strings.Replace(plain.URL, "http://", "https://", 1), "KTB01", c.key, strings.Repeat("ab", 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), https, newMemKit(1, 100), RunOptions{Backoff: func(int) time.Duration { return 0 }})
	if ErrorCode(err) != CodePlainHTTP || rep.Attempts != 1 || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("plain http at an https address: %v after %d attempts, want plain_http after 1", err, rep.Attempts)
	}

	tlsSrv := httptest.NewTLSServer(o.handler())
	defer tlsSrv.Close()
	wrong, _ := NewClient(tlsSrv.URL, "KTB01", c.key, strings.Repeat("ab", 32), nil)
	rep, err = Run(context.Background(), wrong, newMemKit(1, 100), RunOptions{Backoff: func(int) time.Duration { return 0 }})
	if ErrorCode(err) != CodeWrongCertificate || rep.Attempts != 1 {
		t.Errorf("another certificate: %v after %d attempts, want wrong_certificate after 1", err, rep.Attempts)
	}
}

func TestRunRetriesUnavailable(t *testing.T) {
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	srv.Close() // the office is down
	rep, err := Run(context.Background(), c, newMemKit(1, 100), RunOptions{MaxAttempts: 3, Backoff: func(int) time.Duration { return 0 }})
	if err == nil || rep.Attempts != 3 {
		t.Errorf("err %v after %d attempts, want an error after 3", err, rep.Attempts)
	}
}

func TestDryRun(t *testing.T) {
	k := newMemKit(3, 1000)
	k.acks["app0/1"] = Ack{ID: "app0/1", Result: AckStored}
	rep, err := DryRun(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 2 || rep.PhotoBytes != 1001+1002 || rep.Attempts != 0 {
		t.Errorf("dry run %+v", rep)
	}
}

func TestRetryable(t *testing.T) {
	o, _ := newFakeOffice(t)
	srv := httptest.NewTLSServer(o.handler())
	defer srv.Close()
	o.tlsCert = certSHA256(srv.Certificate().Raw)
	c := enrolled(t, o, srv.URL, nil)

	wrongPin, _ := NewClient(srv.URL, "KTB01", c.key, strings.Repeat("ab", 32), nil)
	_, errPin := wrongPin.Statuses(context.Background(), 0)
	noPin, _ := NewClient(srv.URL, "KTB01", c.key, "", nil)
	_, errRoots := noPin.Statuses(context.Background(), 0)
	srv.Close()
	_, errDown := c.Statuses(context.Background(), 0)

	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errPin, false},
		{errRoots, false},
		{errDown, true},
		{Errorf(CodeUnavailable, "x"), true},
		{&Error{Code: CodeOffsetMismatch}, true},
		{ReadError(&http.Response{StatusCode: 500, Body: io.NopCloser(strings.NewReader(`{"code":"whatever"}`))}), true},
		{Errorf(CodeBadSignature, "x"), false},
		{Errorf(CodeMalformed, "x"), false},
		{kitErr("db", context.DeadlineExceeded), false},
		{context.Canceled, false},
	} {
		if tc.err == nil {
			t.Fatal("expected an error")
		}
		if got := Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestRunRetriesAfter503(t *testing.T) {
	o, _ := newFakeOffice(t)
	h := o.handler()
	var failed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/batches" && failed.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway) // a proxy's HTML, not our JSON
			io.WriteString(w, "<html>bad gateway</html>")
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := enrolled(t, o, srv.URL, nil)
	k := newMemKit(3, 100)
	rep, err := Run(context.Background(), c, k, RunOptions{Backoff: func(int) time.Duration { return 0 }})
	if err != nil || rep.Attempts != 2 || rep.Stored != 3 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
}

// Photo progress counts what the office holds, not what the kit has
// written into the connection: on a slow link the bytes sit in buffers long
// before they arrive, and progress that counted them would jump to the end
// at once and then look frozen.
func TestRunPhotoProgressIsWhatTheOfficeHolds(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	o.frameDelay = 15 * time.Millisecond
	k := newMemKit(3, 20<<10) // 3 photos of 20 KB, frames of 2 KB: 30 frames
	type point struct{ done, held, total int64 }
	var points []point
	_, err := Run(ctx, c, k, RunOptions{FrameSize: 2 << 10, AckEvery: 5 * time.Millisecond, Progress: func(p string, done, total int64) {
		if p == PhasePhotos {
			points = append(points, point{done, o.heldBytes(), total})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) == 0 {
		t.Fatal("no photo progress")
	}
	total := points[0].total
	between := 0
	for i, pt := range points {
		if pt.done > pt.held {
			t.Errorf("report %d: %d bytes done, but the office held only %d", i, pt.done, pt.held)
		}
		if i > 0 && pt.done < points[i-1].done {
			t.Errorf("report %d: progress went back from %d to %d", i, points[i-1].done, pt.done)
		}
		if pt.done > 0 && pt.done < total {
			between++
		}
	}
	if last := points[len(points)-1]; last.done != total {
		t.Errorf("last report %d of %d", last.done, total)
	}
	// 30 frames at 15 ms each, asked every 5 ms: progress in between, not
	// one jump from 0 to the end.
	if between == 0 {
		t.Errorf("no progress between 0 and %d: %v", total, points)
	}
}
