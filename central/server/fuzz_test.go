package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// FuzzEndpoints sends every endpoint fuzzed requests, signed by an enrolled
// kit or not: the office never answers 5xx to them, and a refused request
// changes nothing it holds.
func FuzzEndpoints(f *testing.F) {
	o := centraltest.New(f)
	key := o.Enroll(f, "KTB01")
	h := New(o.Office, nil)
	paths := []string{"/healthz", "/v1/office", "/v1/enroll", "/v1/attachments/state", "/v1/attachments/upload", "/v1/batches", "/v1/statuses?after=0", "/v1/statuses?after=-1", "/x"}
	var batch bytes.Buffer
	ksync.EncodeBatch(&batch, ksync.Batch{BatchID: "b", Kit: "KTB01", Records: []ksync.Record{centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")}})
	var frame bytes.Buffer
	ksync.WriteFrame(&frame, ksync.Frame{SHA256: centraltest.SHA([]byte("abc")), Total: 3, Data: []byte("abc")})
	f.Add(uint8(5), true, batch.Bytes(), "200")
	f.Add(uint8(4), true, frame.Bytes(), "")
	f.Add(uint8(3), true, []byte(`{"sha256":["00"]}`), "")
	f.Add(uint8(2), false, []byte(`{"token":"jmt1.KTB01.AAAAAAAAAAAAAAAAAAAAAA.00","kit_code":"KTB01"}`), "")
	f.Add(uint8(6), true, []byte{}, "")
	tables := []string{"records", "applications", "conflicts", "attachments", "attachment_parts", "audit", "kits", "tokens"}
	count := func(t *testing.T) []int {
		var n []int
		for _, table := range tables {
			n = append(n, o.Count(t, table))
		}
		return n
	}
	f.Fuzz(func(t *testing.T, which uint8, signed bool, body []byte, decoded string) {
		path := paths[int(which)%len(paths)]
		method := "POST"
		if path == "/healthz" || path == "/v1/office" || path[:min(len(path), 12)] == "/v1/statuses" {
			method = "GET"
		}
		req, _ := http.NewRequest(method, "http://office"+path, bytes.NewReader(body))
		req.RequestURI = path
		if decoded != "" {
			req.Header.Set(ksync.HeaderDecodedLength, decoded)
		}
		if path == "/v1/batches" {
			req.Header.Set("Content-Encoding", "zstd")
		}
		if signed {
			if path == "/v1/attachments/upload" {
				ksync.SignStreamRequest(req, "KTB01", key, centraltest.T0)
			} else {
				ksync.SignRequest(req, "KTB01", key, body, centraltest.T0)
			}
		}
		before := count(t)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s (%d bytes, signed %v, decoded %q): %d %s", method, path, len(body), signed, decoded, w.Code, w.Body.Bytes())
		}
		if w.Code >= 400 {
			if after := count(t); !equal(before, after) {
				t.Fatalf("refused %d but the office changed: %v → %v (%s)", w.Code, before, after, w.Body.Bytes())
			}
		}
	})
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
