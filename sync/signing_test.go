package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type keyring map[string]ed25519.PublicKey

func (k keyring) keyFor(kit string) ([]KitKey, error) {
	if p, ok := k[kit]; ok {
		return []KitKey{{Key: p, State: KeyCurrent}}, nil
	}
	return nil, nil
}

// verifyWhole authenticates r from its headers, as the office does, then
// checks that body is the body it was signed with.
func verifyWhole(ctx context.Context, r *http.Request, body []byte, keys KeyLookup, nonces NonceStore, now time.Time) (string, error) {
	kit, declared, err := Authenticate(ctx, r, keys, nonces, now)
	if err != nil {
		return "", err
	}
	bv := NewBodyVerifier(bytes.NewReader(body), declared)
	io.Copy(io.Discard, bv)
	if err := bv.Check(); err != nil {
		return "", err
	}
	return kit, nil
}

// verifyStream authenticates a streamed request.
func verifyStream(ctx context.Context, r *http.Request, keys KeyLookup, nonces NonceStore, now time.Time) (string, error) {
	kit, declared, err := Authenticate(ctx, r, keys, nonces, now)
	if err != nil {
		return "", err
	}
	if declared != StreamBodyHash {
		return "", badSignaturef("not signed as a stream")
	}
	return kit, nil
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
		kit, err := verifyWhole(ctx, serverRequest(t, sign(kitKey, "KTB01", now), body), body, keys.keyFor, &nonces, now.Add(time.Minute))
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
		// Unknown kit and wrong key get the same answer: nobody learns which
		// kits are enrolled.
		{"unknown kit", func() *http.Request { return serverRequest(t, sign(kitKey, "KTB99", now), body) }, body, now, CodeBadSignature, 401},
		{"kit code changed", func() *http.Request {
			r := serverRequest(t, sign(kitKey, "KTB01", now), body)
			r.Header.Set(HeaderKit, "KTB02")
			return r
		}, body, now, CodeBadSignature, 401},
		{"content encoding changed", func() *http.Request {
			r := serverRequest(t, sign(kitKey, "KTB01", now), body)
			r.Header.Set("Content-Encoding", "gzip")
			return r
		}, body, now, CodeBadSignature, 401},
		{"declared hash changed", func() *http.Request {
			r := serverRequest(t, sign(kitKey, "KTB01", now), body)
			r.Header.Set(HeaderBodySHA256, BodyHash([]byte("other")))
			return r
		}, body, now, CodeBadSignature, 401},
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
			_, err := verifyWhole(ctx, c.req(), c.body, keys.keyFor, &nonces, c.now)
			e, ok := err.(*Error)
			if !ok || e.Code != c.code || HTTPStatus(e.Code) != c.status {
				t.Fatalf("err = %v, want %s (%d)", err, c.code, c.status)
			}
		})
	}

	t.Run("replayed", func(t *testing.T) {
		var nonces MemoryNonces
		req := sign(kitKey, "KTB01", now)
		if _, err := verifyWhole(ctx, serverRequest(t, req, body), body, keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
		_, err := verifyWhole(ctx, serverRequest(t, req, body), body, keys.keyFor, &nonces, now.Add(10*time.Minute))
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
		if _, err := verifyWhole(ctx, serverRequest(t, forged, body), body, keys.keyFor, &nonces, now); ErrorCode(err) != CodeBadSignature {
			t.Fatalf("forged: %v", err)
		}
		if len(nonces.seen) != 0 {
			t.Fatalf("forged request recorded its nonce: %v", nonces.seen)
		}
		// and the genuine request with the same nonce still passes
		if _, err := verifyWhole(ctx, serverRequest(t, good, body), body, keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("stream", func(t *testing.T) {
		var nonces MemoryNonces
		req, _ := http.NewRequest("POST", "http://office/v1/attachments/upload", nil)
		SignStreamRequest(req, "KTB01", kitKey, now)
		if _, err := verifyStream(ctx, serverRequest(t, req, nil), keys.keyFor, &nonces, now); err != nil {
			t.Fatal(err)
		}
		req2, _ := http.NewRequest("POST", "http://office/v1/attachments/upload", nil)
		SignRequest(req2, "KTB01", kitKey, nil, now)
		if _, err := verifyStream(ctx, serverRequest(t, req2, nil), keys.keyFor, &nonces, now); ErrorCode(err) != CodeBadSignature {
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

// TestAuthenticateRetiredKeys: a good signature by a key the office no
// longer accepts is told why (only the holder of that key can learn it).
func TestAuthenticateRetiredKeys(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	old, cur := newKey(t), newKey(t)
	for _, tc := range []struct {
		state, code string
	}{{KeyRevoked, CodeKitRevoked}, {KeyReplaced, CodeKitReplaced}} {
		keys := func(string) ([]KitKey, error) {
			return []KitKey{{Key: pubOf(cur), State: KeyCurrent}, {Key: pubOf(old), State: tc.state, Since: now.Add(-time.Hour), Reason: "laptop dicuri"}}, nil
		}
		req, _ := http.NewRequest("GET", "http://office/v1/statuses?after=0", nil)
		SignRequest(req, "KTB01", old, nil, now)
		var nonces MemoryNonces
		_, _, err := Authenticate(ctx, serverRequest(t, req, nil), keys, &nonces, now)
		if ErrorCode(err) != tc.code || HTTPStatus(tc.code) != 403 {
			t.Errorf("%s key: %v, want %s (403)", tc.state, err, tc.code)
		}
		if len(nonces.seen) != 0 {
			t.Errorf("%s key: its nonce was recorded", tc.state)
		}
		req2, _ := http.NewRequest("GET", "http://office/v1/statuses?after=0", nil)
		SignRequest(req2, "KTB01", cur, nil, now)
		if kit, _, err := Authenticate(ctx, serverRequest(t, req2, nil), keys, &nonces, now); err != nil || kit != "KTB01" {
			t.Errorf("current key beside a %s one: %q %v", tc.state, kit, err)
		}
	}
}

// FuzzAuthenticate: whatever the headers say, Authenticate answers an
// *Error or a kit whose key made the signature, and never panics.
func FuzzAuthenticate(f *testing.F) {
	key := newKey(f)
	keys := keyring{"KTB01": pubOf(key)}
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	good, _ := http.NewRequest("POST", "http://office/v1/batches", nil)
	good.Header.Set("Content-Encoding", "zstd")
	good.Header.Set(HeaderDecodedLength, "12")
	SignRequest(good, "KTB01", key, []byte("x"), now)
	h := good.Header
	f.Add(h.Get(HeaderKit), h.Get(HeaderTime), h.Get(HeaderNonce), h.Get(HeaderBodySHA256), h.Get(HeaderSignature), "zstd", "12")
	f.Add("", "", "", "", "", "", "")
	f.Add("KTB01", "2026-11-27T09:30:00Z", "00", "stream", "!!", "gzip", "-1")
	f.Fuzz(func(t *testing.T, kit, at, nonce, bodyHash, sig, enc, decoded string) {
		r := httptest.NewRequest("POST", "/v1/batches", nil)
		for k, v := range map[string]string{HeaderKit: kit, HeaderTime: at, HeaderNonce: nonce, HeaderBodySHA256: bodyHash, HeaderSignature: sig, "Content-Encoding": enc, HeaderDecodedLength: decoded} {
			r.Header.Set(k, v)
		}
		var nonces MemoryNonces
		got, _, err := Authenticate(context.Background(), r, keys.keyFor, &nonces, now)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || got != "" {
				t.Fatalf("error %v is not an *Error, or came with kit %q", err, got)
			}
			return
		}
		if got != "KTB01" || sig != h.Get(HeaderSignature) {
			t.Fatalf("authenticated %q with a signature that is not the kit's", got)
		}
	})
}
