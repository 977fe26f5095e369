package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/sqlite"
	ksync "github.com/jemput/jemput/sync"
)

// An office on SQLite in a temporary folder, with a settable clock, as
// the server serves it.

type clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

const nikKotabaru = "6302015508900001" // 63.02.01, Kotabaru

type fixture struct {
	office *central.Office
	store  *sqlite.DB
	clock  *clock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: t0}
	o, err := central.NewOffice(context.Background(), st, central.WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{office: o, store: st, clock: c}
}

// enroll adds kit and enrolls a fresh key for it.
func (f *fixture) enroll(t testing.TB, kit string) ed25519.PrivateKey {
	t.Helper()
	token, err := f.office.AddKit(context.Background(), kit, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	req := ksync.EnrollRequest{Token: token, KitCode: kit, PublicKey: key.Public().(ed25519.PublicKey), Proof: ksync.EnrollProof(key, token)}
	if _, err := f.office.Enroll(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return key
}

func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.store.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// record makes version v of application app of kit; nik goes in the
// document.
func record(kit, app string, v int, nik, photo string) ksync.Record {
	doc, _ := json.Marshal(map[string]any{"values": map[string]any{"nik": nik, "full_name": "SITI AMINAH"}})
	return ksync.Record{
		AppID: app, Version: v, Number: kit + "-261127-0001-X", Kit: kit, Form: "passport", FormVersion: 1,
		Status: "approved", Event: ksync.Event{ID: "ev1", Type: "eazy-paspor", Name: "Eazy Paspor Kotabaru", Place: "Kotabaru", Date: "2026-11-27"},
		Officer: ksync.Officer{NIP: "198001012005011001", Name: "Budi"}, CreatedAt: t0, Doc: doc, Photo: photo,
	}
}

func wantResults(t testing.TB, acks []ksync.Ack, want ...string) {
	t.Helper()
	var got []string
	for _, a := range acks {
		got = append(got, a.Result)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("acks %v, want %v (%+v)", got, want, acks)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := ksync.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func split(data []byte, from, size int) []ksync.Frame {
	var list []ksync.Frame
	for off := from; off < len(data); off += size {
		end := min(off+size, len(data))
		list = append(list, ksync.Frame{SHA256: sha(data), Total: int64(len(data)), Offset: int64(off), Data: data[off:end]})
	}
	return list
}
