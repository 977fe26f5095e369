package intake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// PIN rules. A PIN opens the officer's key slot, so its length is what an
// offline search of a stolen kit.db must cover: ten digits or more
// (SECURITY.md states the cost). Five wrong PINs in a row lock the account
// for LockFor; they are counted from the audit log.
const (
	MinPINLength = 10
	MaxPINLength = 32
	MaxFailedPIN = 5
	LockFor      = 15 * time.Minute
)

// argon2id parameters: RFC 9106's second recommendation scaled to a field
// laptop (64 MiB, 3 passes), about a tenth of a second per login.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// CheckPINFormat says what is wrong with a new PIN, or nil.
func CheckPINFormat(pin string) error {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength {
		return Errorf(CodeInvalid, "PIN harus %d sampai %d digit", "the PIN must be %d to %d digits", MinPINLength, MaxPINLength)
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return Errorf(CodeInvalid, "PIN hanya boleh berisi angka", "the PIN may hold digits only")
		}
	}
	same := strings.Count(pin, pin[:1]) == len(pin)
	if same || strings.Contains("01234567890123456789012345678901", pin) || strings.Contains("09876543210987654321098765432109", pin) {
		return Errorf(CodeInvalid, "PIN terlalu mudah ditebak", "the PIN is too easy to guess")
	}
	return nil
}

// HashPIN returns an encoded argon2id hash of pin with a fresh salt.
func HashPIN(pin string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pin), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPIN reports whether pin matches the encoded hash, using the
// parameters stored in it.
func VerifyPIN(encoded, pin string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pin), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a NIP is unknown.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$8hPZ4rJ4bqF9n0yW9t5n2Jp4XxkK8vC0o5Y7S1mBq2A"
