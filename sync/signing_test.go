package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type keyring map[string]ed25519.PublicKey

func (k keyring) keyFor(kit string) (ed25519.PublicKey, bool, error) {
	p, ok := k[kit]
	return p, ok, nil
}

// serverRequest turns a client request into what a handler receives.
func serverRequest(t *testing.T, req *http.Request, body []byte) *http.Request {
	t.Helper()
	sr := httptest.NewRequest(req.Method, req.URL.RequestURI(), bytes.NewReader(body))
	sr.Header = req.Header.Clone()
	return sr
}

func TestSignedRequest(t *testing.T) {
	ctx := context.Background()
	kitKey, otherKey := newKey(t), newKey(t)
	keys := keyring{"KTB01": pubOf(kitKey)}
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	body := []byte(`{"sha256":[]}`)

	sign := func(key ed25519.PrivateKey, kit string, at time.Time) *http.Request {
		req, _ := http.NewRequest("POST", "http://office/v1/attachments/state?x=1", nil)
		SignRequest(req, kit, key, body, at)
		return req
	}

	t.Run("good", func(t *testing.T) {
		var nonces MemoryNonces
		kit, err := VerifyRequest(ctx, serverRequest(t, sign(kitKey, "KTB01", now), body), body, keys.keyFor, &nonces, now.Add(time.Minute))
		if err != nil || kit != "KTB01" {
			t.Fatalf("VerifyRequest = %q, %v", kit, err)
		}
	})

	cases := []struct {
		name   string
		req    func() *http.Request
		body   []byte
		now    time.Time
		code   string
		status int
	}{
		{"body changed", func() *http.Request { return serverRequest(t, sign(kitKey, "KTB01", now), body) }, []byte(`{"sha256":["x"]}`), now, CodeBadSignature, 401},
		{"path changed", func() *http.Request {
			r := serverRequest(t, sign(kitKey, "KTB01", now), body)
			r2 := httptest.NewRequest("POST", "/v1/attachments/state?x=2", nil)
			r2.Header = r.Header
			return r2
		}, body, now, CodeBadSignature, 401},
		{"method changed", func() *http.Request {
			r := serverRequest(t, sign(kitKey, "KTB01", now), body)
			r.Method = "PUT"
			return r
		}, body, now, CodeBadSignature, 401},
		{"16 min ahead", func() *http.Request { return serverRequest(t, sign(kitKey, "KTB01", now.Add(16*time.Minute)), body) }, body, now, CodeStale, 401},
		{"16 min behind", func() *http.Request { return serverRequest(t, sign(kitKey, "KTB01", now.Add(-16*time.Minute)), body) }, body, now, CodeStale, 401},
		{"unknown kit", func() *http.Request { return serverRequest(t, sign(kitKey, "KTB99", now), body) }, body, now, CodeUnknownKit, 401},
		{"other key", func() *http.Request { return serverRequest(t, sign(otherKey, "KTB01", now), body) }, body, now, CodeBadSignature, 401},
		{"unsigned", func() *http.Request { return httptest.NewRequest("POST", "/v1/batches", nil) }, body, now, CodeBadSignature, 401},
		{"stream marker", func() *http.Request {
			req, _ := http.NewRequest("POST", "http://office/v1/attachments/state?x=1", nil)
			SignStreamRequest(req, "KTB01", kitKey, now)
			return serverRequest(t, req, body)
		}, body, now, CodeBadSignature, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var nonces MemoryNonces
			_, err := VerifyRequest(ctx, c.req(), c.body, keys.keyFor, &nonces, c.now)
			e, ok := err.(*Error)
			if !ok || e.Code != c.code || HTTPStatus(e.Code) != c.status {
				t.Fatalf("err = %v, want %s (%d)", err, c.code, c.status)
			}
		})
	}

	t.Run("replayed", func(t *testing.T) {
		var nonces MemoryNonces
		req := sign(kitKey, "KTB01", now)
		if _, err := VerifyRequest(ctx, serverRequest(t, req, body), body, keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
		_, err := VerifyRequest(ctx, serverRequest(t, req, body), body, keys.keyFor, &nonces, now.Add(10*time.Minute))
		if ErrorCode(err) != CodeReplayed {
			t.Fatalf("replay: %v, want replayed", err)
		}
	})

	t.Run("forged request records no nonce", func(t *testing.T) {
		var nonces MemoryNonces
		good := sign(kitKey, "KTB01", now)
		forged := good.Clone(ctx)
		forged.Header = good.Header.Clone()
		forged.Header.Set(HeaderSignature, "AAAA"+good.Header.Get(HeaderSignature)[4:])
		if _, err := VerifyRequest(ctx, serverRequest(t, forged, body), body, keys.keyFor, &nonces, now); ErrorCode(err) != CodeBadSignature {
			t.Fatalf("forged: %v", err)
		}
		if len(nonces.seen) != 0 {
			t.Fatalf("forged request recorded its nonce: %v", nonces.seen)
		}
		// and the genuine request with the same nonce still passes
		if _, err := VerifyRequest(ctx, serverRequest(t, good, body), body, keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("stream", func(t *testing.T) {
		var nonces MemoryNonces
		req, _ := http.NewRequest("POST", "http://office/v1/attachments/upload", nil)
		SignStreamRequest(req, "KTB01", kitKey, now)
		if _, err := VerifyStreamRequest(ctx, serverRequest(t, req, nil), keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
		req2, _ := http.NewRequest("POST", "http://office/v1/attachments/upload", nil)
		SignRequest(req2, "KTB01", kitKey, nil, now)
		if _, err := VerifyStreamRequest(ctx, serverRequest(t, req2, nil), keys.keyFor, &nonces, now); ErrorCode(err) != CodeBadSignature {
			t.Fatalf("a request signed with a body hash passed as a stream: %v", err)
		}
	})
}

func TestMemoryNoncesExpire(t *testing.T) {
	var n MemoryNonces
	ctx := context.Background()
	t0 := time.Now()
	if seen, _ := n.SeenNonce(ctx, "K", "a", t0); seen {
		t.Fatal("new nonce seen")
	}
	if seen, _ := n.SeenNonce(ctx, "K", "a", t0.Add(NonceTTL-time.Second)); !seen {
		t.Fatal("nonce forgotten early")
	}
	if seen, _ := n.SeenNonce(ctx, "L", "a", t0); seen {
		t.Fatal("nonce of another kit seen")
	}
	if seen, _ := n.SeenNonce(ctx, "K", "a", t0.Add(NonceTTL+time.Second)); seen {
		t.Fatal("nonce remembered past NonceTTL")
	}
}

func TestAnswerSignature(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	body := []byte(`{"acks":[{"id":"a/1","result":"stored"}]}`)
	sig := SignAnswer(priv, "nonce-1", body)
	if !VerifyAnswer(pub, "nonce-1", body, sig) {
		t.Fatal("a signed answer does not verify")
	}
	if VerifyAnswer(pub, "nonce-2", body, sig) {
		t.Error("an answer to another request verifies (replay)")
	}
	if VerifyAnswer(pub, "nonce-1", []byte(`{"acks":[{"id":"a/2","result":"stored"}]}`), sig) {
		t.Error("a changed answer verifies")
	}
	if VerifyAnswer(pub, "nonce-1", body, "") || VerifyAnswer(pub, "nonce-1", body, "!!") {
		t.Error("a missing or garbled signature verifies")
	}
}
