package sync

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

type exportFixture struct {
	kitKey ed25519.PrivateKey
	office *age.X25519Identity
	keys   keyring
	export Export
	sealed []byte
}

func newExportFixture(t testing.TB) exportFixture {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	kitKey := newKey(t)
	photo1 := randomBytes(1, 150<<10) // more than two frames
	photo2 := []byte("small photo")
	r1, r2 := sampleRecord("a1", 1), sampleRecord("a2", 3)
	r1.Photo, r2.Photo = shaHex(photo1), shaHex(photo2)
	e := Export{
		Kit:     "KTB01",
		Created: time.Date(2026, 11, 28, 1, 2, 3, 4, time.UTC),
		Batch: Batch{BatchID: "exp1", Kit: "KTB01", Records: []Record{r1, r2},
			Audit: []AuditEntry{{Seq: 1, Action: "approve", Hash: "h"}}},
		Attachments: map[string][]byte{shaHex(photo1): photo1, shaHex(photo2): photo2, shaHex(nil): {}},
	}
	var buf bytes.Buffer
	if err := SealExport(&buf, id.Recipient().String(), kitKey, e); err != nil {
		t.Fatal(err)
	}
	return exportFixture{kitKey: kitKey, office: id, keys: keyring{"KTB01": pubOf(kitKey)}, export: e, sealed: buf.Bytes()}
}

func TestExportRoundTrip(t *testing.T) {
	fx := newExportFixture(t)
	got, err := OpenExport(bytes.NewReader(fx.sealed), fx.office.String(), fx.keys.keyFor)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(fx.export.Created) || got.Kit != "KTB01" {
		t.Errorf("kit %q created %v", got.Kit, got.Created)
	}
	got.Created = fx.export.Created
	if len(got.Attachments[shaHex(nil)]) != 0 {
		t.Error("empty attachment lost")
	}
	got.Attachments[shaHex(nil)] = []byte{}
	for i := range got.Batch.Records {
		if got.Batch.Records[i].Hash() != fx.export.Batch.Records[i].Hash() {
			t.Errorf("record %d changed", i)
		}
	}
	got.Batch.Records, fx.export.Batch.Records = nil, nil
	if !reflect.DeepEqual(got, fx.export) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got.Batch, fx.export.Batch)
	}
}

func TestOpenExportRefuses(t *testing.T) {
	fx := newExportFixture(t)
	open := func(b []byte, keys keyring) error {
		e, err := OpenExport(bytes.NewReader(b), fx.office.String(), keys.keyFor)
		if err == nil {
			return nil
		}
		if !reflect.DeepEqual(e, Export{}) {
			t.Fatal("an error came with partial data")
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is not an *Error", err)
		}
		return err
	}

	t.Run("another office", func(t *testing.T) {
		other, _ := age.GenerateX25519Identity()
		_, err := OpenExport(bytes.NewReader(fx.sealed), other.String(), fx.keys.keyFor)
		if ErrorCode(err) != CodeMalformed {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown kit", func(t *testing.T) {
		if err := open(fx.sealed, keyring{}); ErrorCode(err) != CodeUnknownKit {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("signed by another key", func(t *testing.T) {
		var buf bytes.Buffer
		if err := SealExport(&buf, fx.office.Recipient().String(), newKey(t), fx.export); err != nil {
			t.Fatal(err)
		}
		if err := open(buf.Bytes(), fx.keys); ErrorCode(err) != CodeBadSignature {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("byte flipped", func(t *testing.T) {
		n := len(fx.sealed)
		for _, pos := range samplePositions(n) {
			b := bytes.Clone(fx.sealed)
			b[pos] ^= 0x01
			if err := open(b, fx.keys); err == nil {
				t.Errorf("flip at %d of %d: accepted", pos, n)
			}
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for _, pos := range samplePositions(len(fx.sealed)) {
			if err := open(fx.sealed[:pos], fx.keys); err == nil {
				t.Errorf("cut at %d of %d: accepted", pos, len(fx.sealed))
			}
		}
	})
}

// samplePositions picks byte positions all over a file: the start, every
// 997th byte, and the end.
func samplePositions(n int) []int {
	var ps []int
	for i := 0; i < n; i += 997 {
		ps = append(ps, i)
	}
	for i := max(0, n-64); i < n; i++ {
		ps = append(ps, i)
	}
	for i := 0; i < min(n, 300); i++ {
		ps = append(ps, i)
	}
	return ps
}

func TestSealExportRefuses(t *testing.T) {
	fx := newExportFixture(t)
	e := fx.export
	e.Attachments = map[string][]byte{shaHex([]byte("a")): []byte("b")}
	if err := SealExport(&bytes.Buffer{}, fx.office.Recipient().String(), fx.kitKey, e); err == nil {
		t.Error("sealed an attachment under the wrong SHA-256")
	}
	if err := SealExport(&bytes.Buffer{}, "age1nope", fx.kitKey, fx.export); err == nil {
		t.Error("sealed to a bad recipient")
	}
	e = fx.export
	e.Kit = "KTB02"
	if err := SealExport(&bytes.Buffer{}, fx.office.Recipient().String(), fx.kitKey, e); err == nil {
		t.Error("sealed a batch of another kit")
	}
}

// FuzzOpenExport feeds OpenExport both raw bytes and fuzzed plaintexts
// sealed to the office, so that the fuzzer reaches the header and payload
// parsers behind age's authentication.
func FuzzOpenExport(f *testing.F) {
	fx := newExportFixture(f)
	plain, err := age.Decrypt(bytes.NewReader(fx.sealed), fx.office)
	if err != nil {
		f.Fatal(err)
	}
	pt, err := io.ReadAll(plain)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fx.sealed[:4096], false)
	f.Add(pt, true)
	f.Add(pt[:len(pt)/2], true)
	f.Fuzz(func(t *testing.T, in []byte, seal bool) {
		if seal {
			var buf bytes.Buffer
			w, err := age.Encrypt(&buf, fx.office.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			w.Write(in)
			w.Close()
			in = buf.Bytes()
		}
		e, err := OpenExport(bytes.NewReader(in), fx.office.String(), fx.keys.keyFor)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || !reflect.DeepEqual(e, Export{}) {
				t.Fatalf("error %v: not an *Error, or partial data", err)
			}
		}
	})
}

func TestAckFile(t *testing.T) {
	office := newKey(t)
	wita := time.FixedZone("WITA", 8*3600)
	f := AckFile{
		Kit: "KTB01", Created: time.Date(2026, 11, 28, 9, 0, 0, 5, wita),
		Acks:     []Ack{{ID: "a1/1", Hash: "h1", Result: AckStored}, {ID: "a2/3", Hash: "h2", Result: AckConflict, Message: "differs"}},
		Statuses: []Status{{Seq: 1, AppID: "a1", Number: "N1", Status: StatusAccepted, At: time.Date(2026, 11, 28, 8, 0, 0, 0, wita)}},
	}
	f.Sign(office)
	if err := f.Verify(pubOf(office)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteAckFile(&buf, f); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAckFile(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Verify(pubOf(office)); err != nil {
		t.Fatalf("after a round trip: %v", err)
	}
	if got.Verify(pubOf(newKey(t))) == nil {
		t.Error("verifies with another office's key")
	}
	changes := map[string]func(*AckFile){
		"kit":       func(f *AckFile) { f.Kit = "KTB02" },
		"created":   func(f *AckFile) { f.Created = f.Created.Add(time.Second) },
		"ack":       func(f *AckFile) { f.Acks[0].Result = AckDuplicate },
		"ack gone":  func(f *AckFile) { f.Acks = f.Acks[:1] },
		"status":    func(f *AckFile) { f.Statuses[0].Status = StatusRejected },
		"signature": func(f *AckFile) { f.Signature[0] ^= 1 },
	}
	for name, change := range changes {
		c := got
		c.Acks = append([]Ack(nil), got.Acks...)
		c.Statuses = append([]Status(nil), got.Statuses...)
		c.Signature = bytes.Clone(got.Signature)
		change(&c)
		if err := c.Verify(pubOf(office)); ErrorCode(err) != CodeBadSignature {
			t.Errorf("%s changed: err = %v", name, err)
		}
	}
	if _, err := ReadAckFile(bytes.NewReader([]byte("{"))); ErrorCode(err) != CodeMalformed {
		t.Errorf("junk ack file: %v", err)
	}
}

// TestDamagedExportSaysSo: a sealed file cut short or changed is named as
// damaged, and a file that is not sealed at all as not an export file.
func TestDamagedExportSaysSo(t *testing.T) {
	fx := newExportFixture(t)
	for _, cut := range []int{len(fx.sealed) - 1, len(fx.sealed) / 2, 300} {
		_, err := OpenExport(bytes.NewReader(fx.sealed[:cut]), fx.office.String(), fx.keys.keyFor)
		if ErrorCode(err) != CodeMalformed || !strings.Contains(err.Error(), "damaged or truncated") {
			t.Errorf("cut at %d of %d: %v, want it named damaged or truncated", cut, len(fx.sealed), err)
		}
	}
	flipped := bytes.Clone(fx.sealed)
	flipped[len(flipped)-100] ^= 1
	if _, err := OpenExport(bytes.NewReader(flipped), fx.office.String(), fx.keys.keyFor); err == nil || !strings.Contains(err.Error(), "damaged or truncated") {
		t.Errorf("a changed byte: %v, want it named damaged", err)
	}
	if _, err := OpenExport(strings.NewReader("hello, not an export\n"), fx.office.String(), fx.keys.keyFor); err == nil || !strings.Contains(err.Error(), "not a jemput export file") {
		t.Errorf("a text file: %v, want not an export file", err)
	}
}

// TestExportBombRefused: a small file whose payload inflates to far more
// than its size is refused once it passes MaxInflation times its size,
// without inflating the rest.
func TestExportBombRefused(t *testing.T) {
	fx := newExportFixture(t)
	const n, size = 12, MaxAttachmentSize // 48 MiB of almost nothing
	var shas []string
	index := map[string]int{} // made again on demand: not all held at once
	for i := range n {
		data := make([]byte, size)
		data[0] = byte(i)
		sha := shaHex(data)
		shas = append(shas, sha)
		index[sha] = i
	}
	photo := func(sha string) ([]byte, error) {
		data := make([]byte, size)
		data[0] = byte(index[sha])
		return data, nil
	}
	var buf bytes.Buffer
	src := ExportSource{Kit: "KTB01", Created: fx.export.Created, Batch: Batch{BatchID: "bomb", Kit: "KTB01"}, Photos: shas, Photo: photo}
	if err := SealExportFrom(&buf, t.TempDir(), fx.office.Recipient().String(), fx.kitKey, src); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 2<<20 {
		t.Fatalf("the bomb is %d bytes: not a bomb", buf.Len())
	}
	er, err := ReadExport(bytes.NewReader(buf.Bytes()), t.TempDir(), fx.office.String(), fx.keys.keyFor)
	if err != nil {
		t.Fatal(err) // signed and whole: the header and batch are fine
	}
	defer er.Close()
	got := 0
	for {
		_, _, err = er.Next()
		if err != nil {
			break
		}
		got++
	}
	if ErrorCode(err) != CodeTooLarge || got >= n {
		t.Fatalf("after %d of %d attachments: %v, want too_large before the end", got, n, err)
	}
	if limit := int64(buf.Len())*MaxInflation + 1<<20; int64(got)*size > limit {
		t.Errorf("%d MiB inflated before the refusal, limit %d MiB", got*size>>20, limit>>20)
	}
}

// TestExportOfRetiredKey: a revoked kit's files are refused; a replaced
// key's files are taken only when made before it was replaced.
func TestExportOfRetiredKey(t *testing.T) {
	fx := newExportFixture(t)
	pub := pubOf(fx.kitKey)
	lookup := func(state string, since time.Time) KeyLookup {
		return func(string) ([]KitKey, error) {
			return []KitKey{{Key: pubOf(newKey(t)), State: KeyCurrent}, {Key: pub, State: state, Since: since, Reason: "laptop hilang"}}, nil
		}
	}
	created := fx.export.Created
	if _, err := OpenExport(bytes.NewReader(fx.sealed), fx.office.String(), lookup(KeyRevoked, created.Add(time.Hour))); ErrorCode(err) != CodeKitRevoked || !strings.Contains(err.Error(), "laptop hilang") {
		t.Errorf("revoked kit's file: %v, want kit_revoked with the reason", err)
	}
	if _, err := OpenExport(bytes.NewReader(fx.sealed), fx.office.String(), lookup(KeyReplaced, created.Add(-time.Hour))); ErrorCode(err) != CodeKitReplaced {
		t.Errorf("file made after the key was replaced: %v, want kit_replaced", err)
	}
	if _, err := OpenExport(bytes.NewReader(fx.sealed), fx.office.String(), lookup(KeyReplaced, created.Add(time.Hour))); err != nil {
		t.Errorf("file made before the key was replaced: %v", err)
	}
}

// TestExportRewind: a transaction that runs again reads the same
// attachments again from the start.
func TestExportRewind(t *testing.T) {
	fx := newExportFixture(t)
	er, err := ReadExport(bytes.NewReader(fx.sealed), t.TempDir(), fx.office.String(), fx.keys.keyFor)
	if err != nil {
		t.Fatal(err)
	}
	defer er.Close()
	read := func() map[string]int {
		got := map[string]int{}
		for {
			sha, data, err := er.Next()
			if err == io.EOF {
				return got
			}
			if err != nil {
				t.Fatal(err)
			}
			got[sha] = len(data)
		}
	}
	first := read()
	if err := er.Rewind(); err != nil {
		t.Fatal(err)
	}
	again := read()
	if len(first) != 3 || !reflect.DeepEqual(first, again) {
		t.Errorf("first %v, after Rewind %v", first, again)
	}
}

// TestDecodeBatchAsUnmarshal: the export's batch, decoded a record at a
// time, is what json.Unmarshal makes of it, and what Unmarshal refuses is
// refused.
func TestDecodeBatchAsUnmarshal(t *testing.T) {
	rec := sampleRecord("app1", 1)
	rj, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	r := string(rj)
	for _, in := range []string{
		`{"batch_id":"b1","kit":"KTB01","records":[` + r + `,` + r + `],"audit":[{"seq":1,"hash":"h"}]}`,
		` {"Kit":"KTB01","RECORDS":[` + r + `],"other":{"x":[1,2,{"y":null}]},"batch_id":"b2"}` + "\n ",
		`{"kit":"KTB01","records":null,"audit":[]}`,
		`{"kit":"KTB01","records":[],"records":[` + r + `]}`,
		`{}`,
		`{"kit":"KTB01","records":[` + r + `]} {}`,
		`{"kit":"KTB01","records":[` + r + `]`,
		`{"kit":"KTB01","records":{"a":1}}`,
		`{"kit":"KTB01","records":[` + r + `,]}`,
		`[]`,
		``,
	} {
		var want Batch
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := decodeBatch(strings.NewReader(in))
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%.60s…: decoded with error %v, Unmarshal's %v", in, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(normal(got), normal(want)) {
			t.Errorf("%.60s…: decoded\n%+v\nUnmarshal made\n%+v", in, got, want)
		}
	}
}

// normal makes an empty list and none the same: a batch means the same
// with either.
func normal(b Batch) Batch {
	if len(b.Records) == 0 {
		b.Records = nil
	}
	if len(b.Audit) == 0 {
		b.Audit = nil
	}
	return b
}

// TestSealExportFromPages: records and audit entries given a page at a
// time make the file SealExport makes of them all at once (each record in
// its order, each photo once though pages name it again), and a page the
// batch refuses stops the export.
func TestSealExportFromPages(t *testing.T) {
	fx := newExportFixture(t)
	photos := map[string][]byte{}
	var recs []Record
	for i := range 7 { // two pages of three and one of one
		p := randomBytes(uint64(10+i%3), 2000+i%3) // three photos, each named again
		r := sampleRecord("p"+strconv.Itoa(i), 1)
		r.Photo = shaHex(p)
		photos[r.Photo] = p
		recs = append(recs, r)
	}
	audit := []AuditEntry{{Seq: 1, Action: "a", Hash: "h1"}, {Seq: 2, Action: "b", Hash: "h2"}, {Seq: 3, Action: "c", Hash: "h3"}}
	pages := func(fn func([]Record, []Photo) error) error {
		for start := 0; start < len(recs); start += 3 {
			page := recs[start:min(start+3, len(recs))]
			var ps []Photo
			for _, r := range page {
				ps = append(ps, Photo{SHA256: r.Photo, Size: int64(len(photos[r.Photo]))})
			}
			if err := fn(page, ps); err != nil {
				return err
			}
		}
		return nil
	}
	loads := map[string]int{}
	src := ExportSource{Kit: "KTB01", Created: fx.export.Created, Batch: Batch{BatchID: "paged", Kit: "KTB01"},
		Records: pages,
		Audit: func(fn func([]AuditEntry) error) error {
			if err := fn(audit[:2]); err != nil {
				return err
			}
			return fn(audit[2:])
		},
		Photo: func(sha string) ([]byte, error) { loads[sha]++; return photos[sha], nil }}
	var buf bytes.Buffer
	tmp := t.TempDir()
	if err := SealExportFrom(&buf, tmp, fx.office.Recipient().String(), fx.kitKey, src); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left behind", len(left))
	}
	got, err := OpenExport(bytes.NewReader(buf.Bytes()), fx.office.String(), fx.keys.keyFor)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Batch.Records) != len(recs) || got.Batch.BatchID != "paged" || !reflect.DeepEqual(got.Batch.Audit, audit) {
		t.Fatalf("batch %q: %d records, audit %+v; want %d records and the three entries", got.Batch.BatchID, len(got.Batch.Records), got.Batch.Audit, len(recs))
	}
	for i, r := range got.Batch.Records {
		if r.Hash() != recs[i].Hash() {
			t.Errorf("record %d changed or moved", i)
		}
	}
	if len(got.Attachments) != 3 || !reflect.DeepEqual(got.Attachments, photos) {
		t.Errorf("%d attachments, want the three photos", len(got.Attachments))
	}
	for sha, n := range loads {
		if n != 1 {
			t.Errorf("photo %.12s read %d times, want once", sha, n)
		}
	}

	// A record of another kit in the second page: refused, no file.
	recs[4].Kit = "KTB02"
	buf.Reset()
	if err := SealExportFrom(&buf, t.TempDir(), fx.office.Recipient().String(), fx.kitKey, src); ErrorCode(err) != CodeMalformed || buf.Len() != 0 {
		t.Fatalf("a page with a record of another kit: %v, %d bytes written; want malformed, nothing", err, buf.Len())
	}
}

// What an export keeps on the disk while it is written (the batch's JSON,
// the payload with the photos) is sealed: a kill halfway leaves nothing of
// an applicant readable in the kit's home. Looked at while the export is
// at its last photo, when both temporary files hold applicant bytes.
func TestExportTempFilesSealed(t *testing.T) {
	fx := newExportFixture(t)
	const name = "Nurhalimah Wulandari Saputri"
	photos := map[string][]byte{}
	var recs []Record
	for i := range 3 {
		p := randomBytes(uint64(20+i), 400_000) // past zstd's buffers: written out
		r := sampleRecord("s"+strconv.Itoa(i), 1)
		r.Doc = json.RawMessage(`{"name":"` + name + `","nik":"6310010101900001"}`)
		r.Photo = shaHex(p)
		photos[r.Photo] = p
		recs = append(recs, r)
	}
	tmp := t.TempDir()
	calls, looked := 0, false
	src := ExportSource{Kit: "KTB01", Created: fx.export.Created, Batch: Batch{BatchID: "sealed", Kit: "KTB01"},
		Records: func(fn func([]Record, []Photo) error) error {
			var ps []Photo
			for _, r := range recs {
				ps = append(ps, Photo{SHA256: r.Photo, Size: int64(len(photos[r.Photo]))})
			}
			return fn(recs, ps)
		},
		Audit: func(fn func([]AuditEntry) error) error { return nil },
		Photo: func(sha string) ([]byte, error) {
			if calls++; calls == len(recs) {
				entries, _ := os.ReadDir(tmp)
				if len(entries) != 2 {
					t.Errorf("%d temporary files at the last photo, want the batch's and the payload's", len(entries))
				}
				for _, e := range entries {
					b, err := os.ReadFile(filepath.Join(tmp, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					if bytes.Contains(b, []byte(name)) {
						t.Errorf("%s holds the applicant's name in the clear", e.Name())
					}
					for _, p := range photos {
						if len(b) > 0 && bytes.Contains(b, p[1000:1064]) {
							t.Errorf("%s holds a photo's bytes in the clear", e.Name())
						}
					}
					looked = looked || len(b) > 200_000
				}
			}
			return photos[sha], nil
		}}
	var buf bytes.Buffer
	if err := SealExportFrom(&buf, tmp, fx.office.Recipient().String(), fx.kitKey, src); err != nil {
		t.Fatal(err)
	}
	if !looked {
		t.Fatal("no temporary file held a photo's worth of bytes at the last photo: the test shows nothing")
	}
	got, err := OpenExport(bytes.NewReader(buf.Bytes()), fx.office.String(), fx.keys.keyFor)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Batch.Records) != len(recs) || len(got.Attachments) != len(recs) {
		t.Fatalf("%d records and %d photos back, want %d of each", len(got.Batch.Records), len(got.Attachments), len(recs))
	}
}

// decodeBatch decodes a whole batch through walkBatch, each list in one
// page, so that TestDecodeBatchAsUnmarshal holds walkBatch to
// json.Unmarshal. It reads r to its end.
func decodeBatch(r io.Reader) (Batch, error) {
	var recs []Record
	var audit []AuditEntry
	b, err := walkBatch(r, 0, func(all []Record) error {
		recs = all
		return nil
	}, func(all []AuditEntry) error {
		audit = all
		return nil
	})
	b.Records, b.Audit = recs, audit
	return b, err
}
