package sync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

func shaHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestFramesRoundTrip(t *testing.T) {
	var frames []Frame
	for i := range 20 {
		data := randomBytes(uint64(i), 1000+i*517)
		sha := shaHex(data)
		for off := 0; off < len(data); off += 700 {
			frames = append(frames, Frame{SHA256: sha, Total: int64(len(data)), Offset: int64(off), Data: data[off:min(off+700, len(data))]})
		}
	}
	frames = append(frames, Frame{SHA256: shaHex(nil), Total: 0, Offset: 0, Data: []byte{}})
	var buf bytes.Buffer
	for _, f := range frames {
		if err := WriteFrame(&buf, f); err != nil {
			t.Fatal(err)
		}
	}
	fr := NewFrameReader(&buf)
	for i, want := range frames {
		got, err := fr.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("frame %d differs", i)
		}
	}
	if _, err := fr.Next(); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
}

func TestWriteFrameRefuses(t *testing.T) {
	sha := shaHex([]byte("x"))
	for name, f := range map[string]Frame{
		"bad sha":     {SHA256: "zz", Total: 1, Data: []byte("x")},
		"too big":     {SHA256: sha, Total: MaxFrameData + 1, Data: make([]byte, MaxFrameData+1)},
		"past total":  {SHA256: sha, Total: 1, Offset: 1, Data: []byte("x")},
		"negative":    {SHA256: sha, Total: 1, Offset: -1},
		"huge attach": {SHA256: sha, Total: MaxAttachmentSize + 1},
	} {
		if err := WriteFrame(io.Discard, f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFrameReaderCutAnywhere(t *testing.T) {
	var frames []Frame
	var buf bytes.Buffer
	var ends []int
	for i := range 3 {
		data := randomBytes(uint64(i+100), 300+i)
		f := Frame{SHA256: shaHex(data), Total: int64(len(data)), Data: data}
		frames = append(frames, f)
		WriteFrame(&buf, f)
		ends = append(ends, buf.Len())
	}
	stream := buf.Bytes()
	for cut := 0; cut <= len(stream); cut++ {
		fr := NewFrameReader(bytes.NewReader(stream[:cut]))
		whole := 0
		for _, e := range ends {
			if e <= cut {
				whole++
			}
		}
		for i := 0; i < whole; i++ {
			f, err := fr.Next()
			if err != nil || !reflect.DeepEqual(f, frames[i]) {
				t.Fatalf("cut %d: frame %d: %v", cut, i, err)
			}
		}
		_, err := fr.Next()
		atBoundary := cut == 0 || whole > 0 && cut == ends[whole-1]
		switch {
		case atBoundary && err != io.EOF:
			t.Fatalf("cut %d at a frame boundary: %v, want io.EOF", cut, err)
		case !atBoundary && !errors.Is(err, io.ErrUnexpectedEOF):
			t.Fatalf("cut %d inside a frame: %v, want io.ErrUnexpectedEOF", cut, err)
		}
		if _, err2 := fr.Next(); err2 != err {
			t.Fatalf("cut %d: error not sticky: %v then %v", cut, err, err2)
		}
	}
}

func TestFrameReaderRefuses(t *testing.T) {
	data := []byte("hello")
	var good bytes.Buffer
	WriteFrame(&good, Frame{SHA256: shaHex(data), Total: 5, Data: data})
	mutate := func(f func(b []byte)) []byte {
		b := bytes.Clone(good.Bytes())
		f(b)
		return b
	}
	for name, in := range map[string][]byte{
		"magic":      mutate(func(b []byte) { b[0] = 'X' }),
		"length":     mutate(func(b []byte) { b[52] = 0xff }),
		"past total": mutate(func(b []byte) { b[51] = 1 }),    // offset 1 + 5 > 5
		"negative":   mutate(func(b []byte) { b[36] = 0x80 }), // total ≥ 2^63
		"huge total": mutate(func(b []byte) { b[38] = 0x10 }), // total far past MaxAttachmentSize
	} {
		_, err := NewFrameReader(bytes.NewReader(in)).Next()
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want an *Error", name, err)
		}
	}
}

func FuzzFrameReader(f *testing.F) {
	var buf bytes.Buffer
	WriteFrame(&buf, Frame{SHA256: shaHex([]byte("ab")), Total: 2, Data: []byte("a")})
	WriteFrame(&buf, Frame{SHA256: shaHex([]byte("ab")), Total: 2, Offset: 1, Data: []byte("b")})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		fr := NewFrameReader(bytes.NewReader(in))
		for {
			fm, err := fr.Next()
			if err != nil {
				return
			}
			if int64(len(fm.Data)) > MaxFrameData || fm.Offset < 0 || fm.Offset+int64(len(fm.Data)) > fm.Total {
				t.Fatalf("invalid frame returned: %+v", fm)
			}
			var out bytes.Buffer
			if err := WriteFrame(&out, fm); err != nil {
				t.Fatalf("a frame read cannot be written: %v", err)
			}
		}
	})
}
