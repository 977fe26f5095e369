package sync

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every enrollment token.
const TokenPrefix = "jmt1"

// Token is a one-time enrollment token: the kit it is for, a random secret
// and the fingerprint of the office that made it.
// Its text form is "jmt1.KIT.SECRET.FINGERPRINT".
type Token struct {
	Kit         string
	Secret      string // base64url (no padding) of 16 random bytes: 22 characters
	Fingerprint string // see Fingerprint
}

// NewToken makes a token for kit with a fresh random secret.
func NewToken(kit string, officeKey ed25519.PublicKey) (Token, error) {
	if err := CheckKitCode(kit); err != nil {
		return Token{}, err
	}
	if len(officeKey) != ed25519.PublicKeySize {
		return Token{}, Errorf(CodeBadRequest, "office signing key has %d bytes, want %d", len(officeKey), ed25519.PublicKeySize)
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return Token{}, err
	}
	return Token{
		Kit:         kit,
		Secret:      base64.RawURLEncoding.EncodeToString(secret),
		Fingerprint: Fingerprint(officeKey),
	}, nil
}

// ParseToken reads a token as printed by NewToken's String. Surrounding
// spaces are ignored (tokens are pasted). The error says which part is
// wrong and is an *Error with code bad_request.
func ParseToken(s string) (Token, error) {
	s = strings.TrimSpace(s)
	bad := func(format string, args ...any) (Token, error) {
		return Token{}, Errorf(CodeBadRequest, "enrollment token: "+format, args...)
	}
	if s == "" {
		return bad("empty")
	}
	parts := strings.Split(s, ".")
	if parts[0] != TokenPrefix {
		return bad("does not start with %q", TokenPrefix+".")
	}
	if len(parts) != 4 {
		return bad("has %d parts separated by dots, want 4 (jmt1.KIT.SECRET.FINGERPRINT)", len(parts))
	}
	t := Token{Kit: parts[1], Secret: parts[2], Fingerprint: parts[3]}
	if err := CheckKitCode(t.Kit); err != nil {
		return bad("kit code: %s", err.(*Error).Message)
	}
	if len(t.Secret) != 22 {
		return bad("secret has %d characters, want 22", len(t.Secret))
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(t.Secret); err != nil || len(b) != 16 {
		return bad("secret is not base64url of 16 bytes")
	}
	if !isLowerHex(t.Fingerprint, 32) {
		return bad("office fingerprint is not 32 lowercase hex characters")
	}
	return t, nil
}

func (t Token) String() string {
	return TokenPrefix + "." + t.Kit + "." + t.Secret + "." + t.Fingerprint
}

// SecretHash is what the office keeps instead of the secret: the hex
// SHA-256 of the secret's text form (the 22 characters).
func (t Token) SecretHash() string {
	sum := sha256.Sum256([]byte(t.Secret))
	return hex.EncodeToString(sum[:])
}

// Fingerprint names an office by its signing key: the first 16 bytes of
// the key's SHA-256, as 32 lowercase hex characters.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:16])
}

// CheckKitCode refuses kit codes that could not travel in a token, a header
// or a file name: 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'.
func CheckKitCode(kit string) error {
	if kit == "" {
		return Errorf(CodeBadRequest, "kit code is empty")
	}
	if len(kit) > 32 {
		return Errorf(CodeBadRequest, "kit code %.40q is longer than 32 characters", kit)
	}
	for _, c := range kit {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return Errorf(CodeBadRequest, "kit code %q may hold only letters, digits, '-' and '_'", kit)
		}
	}
	return nil
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
