// Package vault holds the kit's key material and the cryptography applied
// to it: the random data key and the supervisor key, authenticated
// encryption of every applicant record (XChaCha20-Poly1305, with the
// record's identity as associated data so that sealed rows cannot be
// swapped), keyed hashes for duplicate detection and search (blind
// indexes), MACs for the audit chain and officer rows, per-officer key
// slots wrapped under argon2id, and the recovery slot sealed to the office
// with age. It imports nothing of ours.
package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// KeySize is the size of the data key and of the supervisor key.
const KeySize = 32

// Secret is what a key slot holds: the data key, which every officer's slot
// opens, and the supervisor key, which only supervisors' slots (and the
// office's recovery slot) hold.
type Secret struct {
	Data       []byte // KeySize bytes
	Supervisor []byte // KeySize bytes, or nil for an officer
}

// NewSecret makes a fresh random data key and supervisor key for a new kit.
func NewSecret() (Secret, error) {
	s := Secret{Data: make([]byte, KeySize), Supervisor: make([]byte, KeySize)}
	if _, err := rand.Read(s.Data); err != nil {
		return Secret{}, err
	}
	if _, err := rand.Read(s.Supervisor); err != nil {
		return Secret{}, err
	}
	return s, nil
}

// Officer returns the secret without the supervisor key: what an officer's
// slot holds.
func (s Secret) Officer() Secret { return Secret{Data: s.Data} }

// IsSupervisor reports whether the secret holds the supervisor key.
func (s Secret) IsSupervisor() bool { return len(s.Supervisor) == KeySize }

func (s Secret) marshal() []byte {
	return append(append([]byte{}, s.Data...), s.Supervisor...)
}

func unmarshalSecret(b []byte) (Secret, error) {
	switch len(b) {
	case KeySize:
		return Secret{Data: append([]byte{}, b...)}, nil
	case 2 * KeySize:
		return Secret{Data: append([]byte{}, b[:KeySize]...), Supervisor: append([]byte{}, b[KeySize:]...)}, nil
	}
	return Secret{}, errors.New("vault: a key slot holds a secret of the wrong size")
}

// ErrOpen is returned when sealed bytes do not open: the wrong key, or
// bytes that were changed, or moved from another record.
var ErrOpen = errors.New("vault: the data does not open with this key (changed, moved, or another kit's)")

// Keys are the working keys derived from a Secret.
type Keys struct {
	secret Secret
	enc    []byte
	index  []byte
	mac    []byte
	super  []byte // MAC key for officer rows; nil without the supervisor key
}

// Derive derives the working keys of s (HKDF-SHA256, one label each).
func Derive(s Secret) (*Keys, error) {
	if len(s.Data) != KeySize {
		return nil, errors.New("vault: no data key")
	}
	k := &Keys{secret: s, enc: derive(s.Data, "jemput enc v1"), index: derive(s.Data, "jemput index v1"), mac: derive(s.Data, "jemput mac v1")}
	if s.IsSupervisor() {
		k.super = derive(s.Supervisor, "jemput officers v1")
	}
	return k, nil
}

func derive(key []byte, label string) []byte {
	out := make([]byte, KeySize)
	r := hkdf.New(sha256.New, key, nil, []byte(label))
	if _, err := r.Read(out); err != nil {
		panic(err) // HKDF cannot fail for 32 bytes
	}
	return out
}

// Secret returns the secret the keys were derived from (for a session or
// a new slot).
func (k *Keys) Secret() Secret { return k.secret }

// Supervisor reports whether the keys include the supervisor key.
func (k *Keys) Supervisor() bool { return k.super != nil }

// sealed format: version byte 1, 24-byte nonce, ciphertext with tag.
const sealVersion = 1

// Seal encrypts plain, binding ad (the record's identity) to it.
func (k *Keys) Seal(ad string, plain []byte) []byte {
	aead, err := chacha20poly1305.NewX(k.enc)
	if err != nil {
		panic(err)
	}
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, 1+chacha20poly1305.NonceSizeX+len(plain)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err)
	}
	return aead.Seal(out, out[1:], plain, []byte(ad))
}

// Open decrypts what Seal made with the same ad.
func (k *Keys) Open(ad string, sealed []byte) ([]byte, error) {
	if len(sealed) < 1+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead || sealed[0] != sealVersion {
		return nil, ErrOpen
	}
	aead, err := chacha20poly1305.NewX(k.enc)
	if err != nil {
		return nil, err
	}
	nonce := sealed[1 : 1+chacha20poly1305.NonceSizeX]
	plain, err := aead.Open(nil, nonce, sealed[1+chacha20poly1305.NonceSizeX:], []byte(ad))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Index is the blind index of a value of a kind (for example the NIK):
// equal values give equal indexes, and without the key the index says
// nothing about the value.
func (k *Keys) Index(kind, value string) string {
	return hex.EncodeToString(mac(k.index, "index", kind, value)[:16])
}

// tokenEncoding writes search tokens in letters and digits only, so that
// they need no escaping in LIKE.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Token is the search token of a class (a prefix length, or "w" for a
// whole word) and a word: 7 characters, 35 bits.
func (k *Keys) Token(class, word string) string {
	return tokenEncoding.EncodeToString(mac(k.index, "token", class, word)[:5])[:7]
}

// MAC is the keyed hash of parts (the audit chain, the kit's key check).
func (k *Keys) MAC(parts ...string) string {
	return hex.EncodeToString(mac(k.mac, parts...))
}

// ErrNoSupervisorKey is returned when an officer row is sealed or checked
// without the supervisor key.
var ErrNoSupervisorKey = errors.New("vault: the supervisor key is not unlocked")

// OfficerMAC is the MAC of an officer row under the supervisor key: only a
// supervisor's unlock can make or check it.
func (k *Keys) OfficerMAC(parts ...string) (string, error) {
	if k.super == nil {
		return "", ErrNoSupervisorKey
	}
	return hex.EncodeToString(mac(k.super, parts...)), nil
}

// Equal compares two MACs in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}

// Check is the value kept beside a kit that tells whether a secret is that
// kit's: a MAC of the kit's id under the data key, and one under the
// supervisor key, so that neither can be swapped for another.
func Check(s Secret, kitID string) (string, error) {
	k, err := Derive(s)
	if err != nil {
		return "", err
	}
	c := k.MAC("kit check", kitID)
	if s.IsSupervisor() {
		sc, _ := k.OfficerMAC("kit check", kitID)
		c += ":" + sc
	}
	return c, nil
}

// Verify reports whether s is the secret of the kit whose check is check:
// its data key always, and its supervisor key when it holds one.
func Verify(s Secret, kitID, check string) error {
	k, err := Derive(s)
	if err != nil {
		return err
	}
	data, super, _ := cut(check, ":")
	if !Equal(k.MAC("kit check", kitID), data) {
		return fmt.Errorf("vault: this key is not kit %s's", kitID)
	}
	if s.IsSupervisor() {
		sc, _ := k.OfficerMAC("kit check", kitID)
		if !Equal(sc, super) {
			return fmt.Errorf("vault: this supervisor key is not kit %s's", kitID)
		}
	}
	return nil
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
