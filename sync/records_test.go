package sync

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func sampleRecord(app string, version int) Record {
	return Record{
		AppID: app, Version: version, Number: "KTB01-0001", Kit: "KTB01",
		Form: "paspor", FormVersion: 2, Status: "approved",
		Event:       Event{ID: "ev1", Type: "jemput", Name: "Jemput Bola", Place: "Batulicin", Date: "2026-11-27"},
		Officer:     Officer{NIP: "199001012020121001", Name: "Siti"},
		CreatedAt:   time.Date(2026, 11, 27, 9, 30, 0, 123, time.UTC),
		Doc:         json.RawMessage(`{"name":"Budi","nik":"6310010101900001","tags":["a","b"]}`),
		Transitions: []Transition{{From: "draft", To: "approved", At: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), OfficerNIP: "1990"}},
	}
}

func TestRecordHashStable(t *testing.T) {
	r := sampleRecord("a1", 1)
	h := r.Hash()
	if len(h) != 64 {
		t.Fatalf("hash %q", h)
	}
	if r.ID() != "a1/1" {
		t.Errorf("ID = %q", r.ID())
	}

	spaced := r
	spaced.Doc = json.RawMessage("{ \"name\" : \"Budi\",\n\t\"nik\": \"6310010101900001\", \"tags\": [ \"a\", \"b\" ] }\n")
	if spaced.Hash() != h {
		t.Error("whitespace in Doc changes the hash")
	}

	wita := time.FixedZone("WITA", 8*3600)
	zoned := r
	zoned.CreatedAt = r.CreatedAt.In(wita)
	zoned.Transitions = []Transition{r.Transitions[0]}
	zoned.Transitions[0].At = r.Transitions[0].At.In(wita)
	if zoned.Hash() != h {
		t.Error("the time zone of a time changes the hash")
	}
	if r.Transitions[0].At.Location() != time.UTC {
		t.Error("Hash changed the caller's record")
	}

	// Re-encoding: through a batch and back.
	var buf bytes.Buffer
	if err := EncodeBatch(&buf, Batch{BatchID: "b", Kit: "KTB01", Records: []Record{zoned}}); err != nil {
		t.Fatal(err)
	}
	b, err := DecodeBatch(&buf, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if b.Records[0].Hash() != h {
		t.Error("hash changes across encode/decode")
	}

	for name, change := range map[string]func(*Record){
		"doc":        func(r *Record) { r.Doc = json.RawMessage(`{"name":"Budy"}`) },
		"status":     func(r *Record) { r.Status = "draft" },
		"time":       func(r *Record) { r.CreatedAt = r.CreatedAt.Add(time.Nanosecond) },
		"transition": func(r *Record) { r.Transitions = nil },
		"photo":      func(r *Record) { r.Photo = "ab" },
	} {
		c := sampleRecord("a1", 1)
		change(&c)
		if c.Hash() == h {
			t.Errorf("changing %s keeps the hash", name)
		}
	}
}

func TestDecodeBatchRefuses(t *testing.T) {
	encode := func(b Batch) []byte {
		var buf bytes.Buffer
		if err := EncodeBatch(&buf, b); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	zjson := func(s string) []byte {
		enc, _ := zstd.NewWriter(nil)
		return enc.EncodeAll([]byte(s), nil)
	}
	noApp := sampleRecord("", 1)
	v0 := sampleRecord("a", 0)
	otherKit := sampleRecord("a", 1)
	otherKit.Kit = "KTB02"
	// A bomb: 64 MiB of zeros compresses to a few KiB.
	bomb := zjson(`{"kit":"KTB01","batch_id":"` + strings.Repeat("0", 64<<20) + `"}`)
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	cases := map[string]struct {
		in   []byte
		code string
	}{
		"empty":     {nil, CodeMalformed},
		"not zstd":  {[]byte("hello, this is not zstd"), CodeMalformed},
		"not json":  {zjson("not json"), CodeMalformed},
		"trailing":  {zjson(`{"kit":"KTB01"} x`), CodeMalformed},
		"no kit":    {zjson(`{"records":[]}`), CodeMalformed},
		"no app_id": {encode(Batch{Kit: "KTB01", Records: []Record{noApp}}), CodeMalformed},
		"version 0": {encode(Batch{Kit: "KTB01", Records: []Record{v0}}), CodeMalformed},
		"other kit": {encode(Batch{Kit: "KTB01", Records: []Record{otherKit}}), CodeMalformed},
		"bomb":      {bomb, CodeTooLarge},
		"truncated": {encode(Batch{Kit: "KTB01", Records: []Record{sampleRecord("a", 1)}})[:30], CodeMalformed},
	}
	for name, c := range cases {
		_, err := DecodeBatch(bytes.NewReader(c.in), 1<<20)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: err = %v, want %s", name, err, c.code)
		}
	}
	b, err := DecodeBatch(bytes.NewReader(encode(Batch{BatchID: "x", Kit: "KTB01", Records: []Record{sampleRecord("a", 1), sampleRecord("a", 2)}})), 1<<20)
	if err != nil || len(b.Records) != 2 || b.BatchID != "x" {
		t.Fatalf("good batch: %+v, %v", b, err)
	}
}

func FuzzDecodeBatch(f *testing.F) {
	var buf bytes.Buffer
	EncodeBatch(&buf, Batch{BatchID: "b", Kit: "KTB01", Records: []Record{sampleRecord("a", 1)}})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("\x28\xb5\x2f\xfd"))
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := DecodeBatch(bytes.NewReader(in), 1<<20)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		if checkBatch(b) != nil {
			t.Fatal("DecodeBatch returned an invalid batch")
		}
	})
}
