package sync

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"
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
	// HeaderBodySHA256 declares the hex SHA-256 of the body (or
	// StreamBodyHash), so that the office checks the signature before it
	// reads a byte of the body, then checks the body against it.
	HeaderBodySHA256 = "Jemput-Body-SHA256"
	// HeaderDecodedLength declares how many bytes a compressed body
	// (a batch) holds once decompressed: the office reserves memory for
	// that and refuses a body that inflates beyond it.
	HeaderDecodedLength = "Jemput-Decoded-Length"
)

// StreamBodyHash takes the place of the body's hash in the canonical
// string of a streamed request (POST /v1/attachments/upload): the office
// commits each frame as it arrives, before the body's end, so it could not
// check a hash of the whole body. Frames need none: attachments are
// content-addressed and checked against their SHA-256 when whole.
const StreamBodyHash = "stream"

// CanonicalRequest is the string a kit signs: the request line, the
// headers that change what the office does with the body, and the body's
// declared hash.
func CanonicalRequest(method, pathAndQuery, kit, at, nonce, contentEncoding, decodedLength, bodyHash string) []byte {
	return []byte("JMP2\n" + method + "\n" + pathAndQuery + "\n" + kit + "\n" + at + "\n" + nonce + "\n" +
		contentEncoding + "\n" + decodedLength + "\n" + bodyHash)
}

// BodyHash is the hex SHA-256 of a request body.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SignRequest sets the Jemput-* headers on req, signing body (the whole
// request body; nil or empty for none) at time now. Content-Encoding and
// Jemput-Decoded-Length, when wanted, must be set before.
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
	msg := CanonicalRequest(req.Method, req.URL.RequestURI(), kit, at, nonce,
		req.Header.Get("Content-Encoding"), req.Header.Get(HeaderDecodedLength), bodyHash)
	req.Header.Set(HeaderKit, kit)
	req.Header.Set(HeaderTime, at)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderBodySHA256, bodyHash)
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg)))
}

// NonceStore remembers the nonces of signed requests.
type NonceStore interface {
	// SeenNonce records kit's nonce at time at and reports whether it was
	// already recorded less than NonceTTL before.
	SeenNonce(ctx context.Context, kit, nonce string, at time.Time) (seen bool, err error)
}

// States of a kit's key.
const (
	KeyCurrent  = "current"  // the kit's key now
	KeyReplaced = "replaced" // the kit enrolled again with another key
	KeyRevoked  = "revoked"  // the office revoked it (a lost or stolen laptop)
)

// KitKey is one key a kit has held, and what became of it.
type KitKey struct {
	Key    ed25519.PublicKey
	State  string    // KeyCurrent, KeyReplaced or KeyRevoked
	Since  time.Time // when it was replaced or revoked
	Reason string    // why it was revoked
}

// KeyLookup answers every key kit has held (none for an unknown kit).
type KeyLookup func(kit string) ([]KitKey, error)

// notSigned is the one answer an unauthenticated caller gets, whether the
// kit code is unknown or the signature wrong, so that nobody learns which
// kits are enrolled.
func notSigned() *Error {
	return badSignaturef("the request's signature does not verify: this office does not know this kit with this key")
}

// dummyKey is verified against for an unknown kit, so that its answer
// takes as long as a wrong signature's.
var dummyKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)

// Authenticate checks a signed request from its headers alone, before a
// byte of the body is read, and returns the kit that signed it and the
// body hash it declared (hex, or StreamBodyHash); the caller then reads the
// body through NewBodyVerifier. Errors are *Error: bad_signature and stale
// (401) for anything an unauthenticated caller gets, the same for an
// unknown kit as for a wrong key; kit_replaced or kit_revoked (403) when
// the signature is good but made with a key the office no longer accepts;
// replayed (401); unavailable when keys or nonces fail. The nonce is
// recorded only once the signature is good, so forged requests cannot
// fill the nonce table.
func Authenticate(ctx context.Context, r *http.Request, keys KeyLookup, nonces NonceStore, now time.Time) (kit, bodyHash string, err error) {
	kit = r.Header.Get(HeaderKit)
	at := r.Header.Get(HeaderTime)
	nonce := r.Header.Get(HeaderNonce)
	bodyHash = r.Header.Get(HeaderBodySHA256)
	sigText := r.Header.Get(HeaderSignature)
	if kit == "" || at == "" || nonce == "" || sigText == "" || bodyHash == "" {
		return "", "", badSignaturef("the request is not signed (Jemput-Kit, Jemput-Time, Jemput-Nonce, Jemput-Body-SHA256 and Jemput-Signature are required)")
	}
	if bodyHash != StreamBodyHash && !isLowerHex(bodyHash, 64) {
		return "", "", badSignaturef("Jemput-Body-SHA256 is not a lowercase hex SHA-256")
	}
	if !isLowerHex(nonce, 32) {
		return "", "", badSignaturef("Jemput-Nonce is not 32 lowercase hex characters")
	}
	if dl := r.Header.Get(HeaderDecodedLength); dl != "" {
		if n, err := strconv.ParseInt(dl, 10, 64); err != nil || n < 0 {
			return "", "", Errorf(CodeBadRequest, "Jemput-Decoded-Length %q is not a byte count", dl)
		}
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return "", "", badSignaturef("Jemput-Time is not RFC 3339")
	}
	if d := t.Sub(now); d > MaxClockSkew || d < -MaxClockSkew {
		return "", "", Errorf(CodeStale, "request time %s is %s from the office's clock %s (limit %s)",
			at, d.Round(time.Second), now.UTC().Format(time.RFC3339), MaxClockSkew)
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "", "", notSigned()
	}
	if len(kit) > 64 {
		return "", "", notSigned()
	}
	list, err := keys(kit)
	if err != nil {
		return "", "", Errorf(CodeUnavailable, "looking up the kit: %v", err)
	}
	uri := r.RequestURI // as sent; r.URL.RequestURI() may re-escape it
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	msg := CanonicalRequest(r.Method, uri, kit, at, nonce, r.Header.Get("Content-Encoding"), r.Header.Get(HeaderDecodedLength), bodyHash)
	if len(list) == 0 {
		verify(dummyKey, msg, sig)
		return "", "", notSigned()
	}
	var match *KitKey
	for i := range list {
		if verify(list[i].Key, msg, sig) {
			match = &list[i]
			break
		}
	}
	switch {
	case match == nil:
		return "", "", notSigned()
	case match.State == KeyRevoked:
		return "", "", Errorf(CodeKitRevoked, "kit %s was revoked by the office on %s: %s", kit, match.Since.UTC().Format(time.RFC3339), match.Reason)
	case match.State == KeyReplaced:
		return "", "", Errorf(CodeKitReplaced, "kit %s was enrolled again with another device key on %s: this laptop's key is no longer accepted", kit, match.Since.UTC().Format(time.RFC3339))
	case match.State != KeyCurrent:
		return "", "", notSigned()
	}
	seen, err := nonces.SeenNonce(ctx, kit, nonce, now)
	if err != nil {
		return "", "", Errorf(CodeUnavailable, "recording nonce: %v", err)
	}
	if seen {
		return "", "", Errorf(CodeReplayed, "this request (nonce %s) was already received", nonce)
	}
	return kit, bodyHash, nil
}

// BodyVerifier reads a request body and hashes it as it goes; Check, at
// its end, refuses a body that is not the one signed.
type BodyVerifier struct {
	r        io.Reader
	h        hash.Hash
	declared string
}

// NewBodyVerifier reads r, which must hash to declared (hex SHA-256).
func NewBodyVerifier(r io.Reader, declared string) *BodyVerifier {
	return &BodyVerifier{r: r, h: sha256.New(), declared: declared}
}

func (b *BodyVerifier) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	return n, err
}

// Check reports whether the bytes read hash to the declared hash: a
// bad_signature *Error if not.
func (b *BodyVerifier) Check() error {
	if hex.EncodeToString(b.h.Sum(nil)) != b.declared {
		return badSignaturef("the request body does not match the hash it was signed with")
	}
	return nil
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
