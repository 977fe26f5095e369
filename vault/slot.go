package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Params are the argon2id parameters of a PIN slot.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams: RFC 9106's second recommendation scaled to a field laptop
// (64 MiB, 3 passes, 2 lanes). scripts/bench measures a login with them and
// SECURITY.md states what an offline search of a PIN costs.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// ErrWrongPIN is returned when a slot does not open with the PIN given.
var ErrWrongPIN = errors.New("vault: wrong PIN")

// WrapPIN seals s under a key derived from pin with a fresh salt. The slot
// is text: "pin1$m=..,t=..,p=..$salt$sealed", base64.
func WrapPIN(s Secret, pin string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, KeySize))
	if err != nil {
		return "", err
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	head := fmt.Sprintf("pin1$m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
	sealed := aead.Seal(nonce, nonce, s.marshal(), []byte(head))
	b64 := base64.RawStdEncoding
	return head + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(sealed), nil
}

// SlotParams reads the parameters a slot was made with.
func SlotParams(slot string) (Params, error) {
	parts := strings.Split(slot, "$")
	if len(parts) != 4 || parts[0] != "pin1" {
		return Params{}, errors.New("vault: not a PIN slot")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[1], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return Params{}, errors.New("vault: a PIN slot with bad parameters")
	}
	return p, nil
}

// UnwrapPIN opens a slot made by WrapPIN; ErrWrongPIN when pin is not its.
func UnwrapPIN(slot, pin string) (Secret, error) {
	p, err := SlotParams(slot)
	if err != nil {
		return Secret{}, err
	}
	parts := strings.Split(slot, "$")
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[2])
	sealed, err2 := b64.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(sealed) < chacha20poly1305.NonceSizeX {
		return Secret{}, errors.New("vault: a damaged PIN slot")
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, KeySize))
	if err != nil {
		return Secret{}, err
	}
	plain, err := aead.Open(nil, sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:], []byte(parts[0]+"$"+parts[1]))
	if err != nil {
		return Secret{}, ErrWrongPIN
	}
	return unmarshalSecret(plain)
}

// DummyUnwrap costs what UnwrapPIN costs, for an unknown NIP, so that
// timing does not tell which NIPs exist.
func DummyUnwrap(pin string) {
	p := DefaultParams
	argon2.IDKey([]byte(pin), make([]byte, 16), p.Time, p.Memory, p.Threads, KeySize)
}

// WrapRecipient seals the whole secret (with the supervisor key) to an age
// X25519 recipient: the office's recovery slot.
func WrapRecipient(s Secret, recipient string) ([]byte, error) {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return nil, fmt.Errorf("vault: the office's key %q: %w", recipient, err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(s.marshal()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnwrapIdentity opens a recovery slot with the office's age identity.
func UnwrapIdentity(slot []byte, identity string) (Secret, error) {
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		return Secret{}, fmt.Errorf("vault: the office's identity: %w", err)
	}
	r, err := age.Decrypt(bytes.NewReader(slot), id)
	if err != nil {
		return Secret{}, fmt.Errorf("vault: the recovery slot does not open with this office's key: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, 1024))
	if err != nil {
		return Secret{}, err
	}
	return unmarshalSecret(b)
}
