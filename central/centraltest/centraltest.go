// Package centraltest is what the office's tests share: an office on
// SQLite in a temporary folder with a settable clock, enrolled kits, records
// and attachment frames to send it, and assertions on its answers. The
// office's own tests and its HTTP server's use it; nothing else should.
package centraltest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/sqlite"
	ksync "github.com/jemput/jemput/sync"
)

// T0 is the time every test office starts at.
var T0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// NIKKotabaru is a NIK of district 63.02.01 (Kotabaru).
const NIKKotabaru = "6302015508900001"

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Office is an office on SQLite in a temporary folder, closed when the test
// ends.
type Office struct {
	Office *central.Office
	Store  *sqlite.DB
	Clock  *Clock
	Path   string              // the database file
	Keys   *central.MemoryKeys // the office's secrets: give them to NewOffice to open the same office again
}

// New opens a new, empty office whose clock stands at T0.
func New(t testing.TB) *Office {
	t.Helper()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &Clock{t: T0}
	keys := &central.MemoryKeys{}
	o, err := central.NewOffice(context.Background(), st, central.WithClock(c.Now), central.WithKeys(keys))
	if err != nil {
		t.Fatal(err)
	}
	return &Office{Office: o, Store: st, Clock: c, Path: path, Keys: keys}
}

// Enroll adds kit and enrolls a fresh key for it.
func (o *Office) Enroll(t testing.TB, kit string) ed25519.PrivateKey {
	t.Helper()
	token, err := o.Office.AddKit(context.Background(), kit, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := o.Office.Enroll(context.Background(), EnrollRequest(token, kit, key)); err != nil {
		t.Fatal(err)
	}
	return key
}

// EnrollRequest is what a kit with key sends to enroll with token.
func EnrollRequest(token, kit string, key ed25519.PrivateKey) ksync.EnrollRequest {
	return ksync.EnrollRequest{Token: token, KitCode: kit, PublicKey: key.Public().(ed25519.PublicKey), Proof: ksync.EnrollProof(key, token)}
}

// Count is the number of rows in one of the office's tables.
func (o *Office) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := o.Store.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Record makes version v of application app of kit, with nik in its
// document and photo (a SHA-256, or "") as its attachment. Its number is
// the kit's and the same for every version of app.
func Record(kit, app string, v int, nik, photo string) ksync.Record {
	d := map[string]any{"values": map[string]any{"nik": nik, "full_name": "SITI AMINAH"}}
	if photo != "" {
		d["photo"] = map[string]any{"sha256": photo}
	}
	doc, _ := json.Marshal(d)
	return ksync.Record{
		AppID: app, Version: v, Number: Number(kit, app), Kit: kit, Form: "passport", FormVersion: 1,
		Status: "approved", Event: ksync.Event{ID: "ev1", Type: "eazy-paspor", Name: "Eazy Paspor Kotabaru", Place: "Kotabaru", Date: "2026-11-27"},
		Officer: ksync.Officer{NIP: "198001012005011001", Name: "Budi"}, CreatedAt: T0, Doc: doc, Photo: photo,
	}
}

// Number is the application number Record gives app of kit.
func Number(kit, app string) string {
	return fmt.Sprintf("%s-261127-%04d-X", kit, crc32.ChecksumIEEE([]byte(app))%10000)
}

// RecordWithPhoto is Record with photo's bytes as its attachment, whose
// size its document declares as the kit's do.
func RecordWithPhoto(kit, app string, v int, nik string, photo []byte) ksync.Record {
	r := Record(kit, app, v, nik, SHA(photo))
	doc, _ := json.Marshal(map[string]any{"values": map[string]any{"nik": nik, "full_name": "SITI AMINAH"},
		"photo": map[string]any{"sha256": SHA(photo), "size": len(photo)}})
	r.Doc = doc
	return r
}

// Results lists the results of acks, in order.
func Results(acks []ksync.Ack) []string {
	var r []string
	for _, a := range acks {
		r = append(r, a.Result)
	}
	return r
}

// WantResults fails the test unless acks have exactly these results.
func WantResults(t testing.TB, acks []ksync.Ack, want ...string) {
	t.Helper()
	if got := Results(acks); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("acks %v, want %v (%+v)", got, want, acks)
	}
}

// WantCode fails the test unless err carries the protocol code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := ksync.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

// SHA is the hex SHA-256 of b: an attachment's name.
func SHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Split cuts data into frames of size bytes, from offset from on.
func Split(data []byte, from, size int) []ksync.Frame {
	var list []ksync.Frame
	for off := from; off < len(data); off += size {
		end := min(off+size, len(data))
		list = append(list, ksync.Frame{SHA256: SHA(data), Total: int64(len(data)), Offset: int64(off), Data: data[off:end]})
	}
	return list
}

// Frames is a central.FrameSource over a list, ending with Err (io.EOF if
// nil).
type Frames struct {
	List []ksync.Frame
	Err  error
}

var _ central.FrameSource = (*Frames)(nil)

func (f *Frames) Next() (ksync.Frame, error) {
	if len(f.List) == 0 {
		if f.Err != nil {
			return ksync.Frame{}, f.Err
		}
		return ksync.Frame{}, io.EOF
	}
	fr := f.List[0]
	f.List = f.List[1:]
	return fr, nil
}
