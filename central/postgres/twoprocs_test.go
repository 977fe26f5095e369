package postgres_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/central/server"
	ksync "github.com/jemput/jemput/sync"
)

// twoOffices opens two offices (as two jemput-central processes would:
// each its own connections and Office) on one new database.
func twoOffices(t *testing.T) (a, b *central.Office) {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var offices []*central.Office
	keys := &central.MemoryKeys{} // one office, as its processes share one key file
	for range 2 {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		o, err := central.NewOffice(ctx, st, central.WithClock(func() time.Time { return centraltest.T0 }), central.WithKeys(keys))
		if err != nil {
			t.Fatal(err)
		}
		offices = append(offices, o)
	}
	if offices[0].Fingerprint() != offices[1].Fingerprint() {
		t.Fatal("two processes on one database made two office keys")
	}
	return offices[0], offices[1]
}

// TestTwoProcessesShareState: what one office process learns, the other
// knows at once, because it is in the database: an enrollment token made
// through one is used through the other, and only once; a signed request
// taken by one is refused as replayed by the other; an attachment
// uploaded half through each is whole; statuses set through both are
// numbered in one sequence.
func TestTwoProcessesShareState(t *testing.T) {
	ctx := context.Background()
	a, b := twoOffices(t)

	// Enrollment: token from a, used through b, refused again through a.
	token, err := a.AddKit(ctx, "KTB01", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := b.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key)); err != nil {
		t.Fatalf("enrolling through the other process: %v", err)
	}
	_, err = a.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeTokenUsed)

	// Nonces: the same signed request to a, then to b.
	srvA := httptest.NewServer(server.New(a, nil))
	defer srvA.Close()
	srvB := httptest.NewServer(server.New(b, nil))
	defer srvB.Close()
	body := []byte(`{"sha256":[]}`)
	first, err := http.NewRequest("POST", srvA.URL+"/v1/attachments/state", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ksync.SignRequest(first, "KTB01", key, body, centraltest.T0)
	again, _ := http.NewRequest("POST", srvB.URL+"/v1/attachments/state", bytes.NewReader(body))
	again.Header = first.Header.Clone()
	for i, req := range []*http.Request{first, again} {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e ksync.Error
		json.Unmarshal(out, &e)
		switch {
		case i == 0 && resp.StatusCode != 200:
			t.Fatalf("the request to the first process: %d %s", resp.StatusCode, out)
		case i == 1 && (resp.StatusCode != 401 || e.Code != ksync.CodeReplayed):
			t.Errorf("the same request to the second process: %d %s, want 401 replayed", resp.StatusCode, out)
		}
	}

	// Upload progress: the first frames through a, the rest through b.
	photo := bytes.Repeat([]byte("jemput photo "), 5000)
	frames := centraltest.Split(photo, 0, 16<<10)
	half := len(frames) / 2
	if _, err := a.Upload(ctx, "KTB01", &centraltest.Frames{List: frames[:half]}); err != nil {
		t.Fatal(err)
	}
	st, err := b.AttachmentState(ctx, "KTB01", []string{centraltest.SHA(photo)})
	if err != nil {
		t.Fatal(err)
	}
	if held := st.Held[centraltest.SHA(photo)]; held != int64(half*16<<10) {
		t.Fatalf("the other process says %d bytes held, want %d", held, half*16<<10)
	}
	st, err = b.Upload(ctx, "KTB01", &centraltest.Frames{List: frames[half:]})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Complete) != 1 {
		t.Fatalf("after the rest through the other process: %+v, want the photo whole", st)
	}

	// Records and statuses: stored through a, a duplicate through b;
	// statuses set through both in one sequence.
	rec := centraltest.Record("KTB01", "app-1", 1, centraltest.NIKKotabaru, centraltest.SHA(photo))
	acks, err := a.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "b1", Records: []ksync.Record{rec}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, ksync.AckStored)
	acks, err = b.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "b1", Records: []ksync.Record{rec}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, ksync.AckDuplicate)
	if _, err := b.SetStatus(ctx, "app-1", ksync.StatusAccepted, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStatus(ctx, "app-1", ksync.StatusReady, "", "kunjungan 11 Desember"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*central.Office{a, b} {
		res, err := o.Statuses(ctx, "KTB01", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Statuses) != 2 || res.Statuses[0].Seq != 1 || res.Statuses[1].Seq != 2 || res.Statuses[1].Status != ksync.StatusReady || res.Last != 2 {
			t.Errorf("statuses seen by one process: %+v, want accepted (1) then ready (2)", res)
		}
	}
}
