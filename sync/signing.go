package sync

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	gosync "sync"
	"time"
)

// Limits of signed requests: the office refuses a time further than
// MaxClockSkew from its clock, so it must remember nonces for twice that.
const (
	MaxClockSkew = 15 * time.Minute
	NonceTTL     = 30 * time.Minute
)

// Headers of a signed request.
const (
	HeaderKit       = "Jemput-Kit"
	HeaderTime      = "Jemput-Time"
	HeaderNonce     = "Jemput-Nonce"
	HeaderSignature = "Jemput-Signature"
)

// StreamBodyHash takes the place of the body's hash in the canonical
// string of a streamed request (POST /v1/attachments/upload): the office
// commits each frame as it arrives, before the body's end, so it could not
// check a hash of the whole body. Frames need none: attachments are
// content-addressed and checked against their SHA-256 when whole.
const StreamBodyHash = "stream"

// CanonicalRequest is the string a kit signs.
func CanonicalRequest(method, pathAndQuery, at, nonce, bodyHash string) []byte {
	return []byte("JMP1\n" + method + "\n" + pathAndQuery + "\n" + at + "\n" + nonce + "\n" + bodyHash)
}

// BodyHash is the hex SHA-256 of a request body.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SignRequest sets the Jemput-* headers on req, signing body (the whole
// request body; nil or empty for none) at time now.
func SignRequest(req *http.Request, kit string, key ed25519.PrivateKey, body []byte, now time.Time) {
	signRequest(req, kit, key, BodyHash(body), now)
}

// SignStreamRequest signs a streamed request: see StreamBodyHash.
func SignStreamRequest(req *http.Request, kit string, key ed25519.PrivateKey, now time.Time) {
	signRequest(req, kit, key, StreamBodyHash, now)
}

func signRequest(req *http.Request, kit string, key ed25519.PrivateKey, bodyHash string, now time.Time) {
	var n [16]byte
	_, _ = rand.Read(n[:]) // never fails (crypto/rand)
	nonce := hex.EncodeToString(n[:])
	at := now.UTC().Format(time.RFC3339)
	sig := ed25519.Sign(key, CanonicalRequest(req.Method, req.URL.RequestURI(), at, nonce, bodyHash))
	req.Header.Set(HeaderKit, kit)
	req.Header.Set(HeaderTime, at)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
}

// NonceStore remembers the nonces of signed requests.
type NonceStore interface {
	// SeenNonce records kit's nonce at time at and reports whether it was
	// already recorded less than NonceTTL before.
	SeenNonce(ctx context.Context, kit, nonce string, at time.Time) (seen bool, err error)
}

// VerifyRequest checks the signature of a request whose whole body is body
// and returns the kit that signed it. Errors are *Error: unknown_kit,
// bad_signature, stale, replayed (401), or unavailable (503) when keyFor or
// nonces fail. The nonce is recorded only once the signature is good, so
// forged requests cannot fill the nonce table.
func VerifyRequest(ctx context.Context, r *http.Request, body []byte, keyFor func(kit string) (ed25519.PublicKey, bool, error), nonces NonceStore, now time.Time) (kit string, err error) {
	return verifyRequest(ctx, r, BodyHash(body), keyFor, nonces, now)
}

// VerifyStreamRequest is VerifyRequest for a request signed with
// SignStreamRequest; the handler reads the body after it.
func VerifyStreamRequest(ctx context.Context, r *http.Request, keyFor func(kit string) (ed25519.PublicKey, bool, error), nonces NonceStore, now time.Time) (kit string, err error) {
	return verifyRequest(ctx, r, StreamBodyHash, keyFor, nonces, now)
}

func verifyRequest(ctx context.Context, r *http.Request, bodyHash string, keyFor func(kit string) (ed25519.PublicKey, bool, error), nonces NonceStore, now time.Time) (string, error) {
	kit := r.Header.Get(HeaderKit)
	at := r.Header.Get(HeaderTime)
	nonce := r.Header.Get(HeaderNonce)
	sigText := r.Header.Get(HeaderSignature)
	if kit == "" || at == "" || nonce == "" || sigText == "" {
		return "", badSignaturef("the request is not signed (Jemput-Kit, Jemput-Time, Jemput-Nonce and Jemput-Signature are required)")
	}
	pub, ok, err := keyFor(kit)
	if err != nil {
		return "", Errorf(CodeUnavailable, "looking up kit %q: %v", kit, err)
	}
	if !ok {
		return "", Errorf(CodeUnknownKit, "kit %q is not enrolled at this office", kit)
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil {
		return "", badSignaturef("Jemput-Signature is not base64")
	}
	uri := r.RequestURI // as sent; r.URL.RequestURI() may re-escape it
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if !verify(pub, CanonicalRequest(r.Method, uri, at, nonce, bodyHash), sig) {
		return "", badSignaturef("the signature does not match kit %q's key and this request", kit)
	}
	if !isLowerHex(nonce, 32) {
		return "", badSignaturef("Jemput-Nonce is not 32 lowercase hex characters")
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return "", badSignaturef("Jemput-Time is not RFC 3339")
	}
	if d := t.Sub(now); d > MaxClockSkew || d < -MaxClockSkew {
		return "", Errorf(CodeStale, "request time %s is %s from the office's clock %s (limit %s)",
			at, d.Round(time.Second), now.UTC().Format(time.RFC3339), MaxClockSkew)
	}
	seen, err := nonces.SeenNonce(ctx, kit, nonce, now)
	if err != nil {
		return "", Errorf(CodeUnavailable, "recording nonce: %v", err)
	}
	if seen {
		return "", Errorf(CodeReplayed, "this request (nonce %s) was already received", nonce)
	}
	return kit, nil
}

// MemoryNonces is a NonceStore in memory, for one office process and for
// tests. The zero value is ready to use.
type MemoryNonces struct {
	mu    gosync.Mutex
	seen  map[string]time.Time // kit + " " + nonce → when recorded
	swept time.Time
}

var _ NonceStore = (*MemoryNonces)(nil)

func (m *MemoryNonces) SeenNonce(_ context.Context, kit, nonce string, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = make(map[string]time.Time)
	}
	if at.Sub(m.swept) > NonceTTL/4 {
		for k, t := range m.seen {
			if at.Sub(t) >= NonceTTL {
				delete(m.seen, k)
			}
		}
		m.swept = at
	}
	k := kit + " " + nonce
	if t, ok := m.seen[k]; ok && at.Sub(t) < NonceTTL {
		return true, nil
	}
	m.seen[k] = at
	return false, nil
}
