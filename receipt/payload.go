package receipt

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The signed payload is the text inside the receipt's QR code. It is readable
// as it stands, so that a phone's ordinary scanner already shows the number
// and the name, and it is checked offline with the kit's public key:
//
//	JPR1|KIT|NUMBER|NIKMASKED|NAME|ISSUED|FEE|VERSION|COPY|SIGNATURE
//
//	JPR1       format tag and version of this layout
//	KIT        kit code, which selects the public key
//	NUMBER     application number
//	NIKMASKED  NIK with the middle six digits masked ("630201******0003"),
//	           empty for applicants without a NIK
//	NAME       the name as ICAO 9303 writes it in a machine-readable zone
//	           ("PRATAMA<<MUHAMMAD<RIZKY", "WALESA<<LUKASZ")
//	ISSUED     UTC time, ISO 8601 basic, seconds: 20261127T031500Z
//	FEE        rupiah, decimal integer
//	VERSION    application record version (a correction is a new version)
//	COPY       0 for the original receipt, n for the n-th reprint
//	SIGNATURE  Ed25519 signature, unpadded base64url (86 characters), over
//	           every byte before it, including the "JPR1|" tag and the '|'
//	           just before the signature
//
// Text fields hold printable ASCII without '|'. A typical payload is about
// 200 characters, well inside a QR code of medium error correction.

// payloadTag starts every payload of the current format.
const payloadTag = "JPR1"

// maxPayloadLen bounds what Verify is willing to look at.
const maxPayloadLen = 1024

const (
	payloadFields = 10 // including the tag and the signature
	issuedLayout  = "20060102T150405Z"
)

var sigEncoding = base64.RawURLEncoding.Strict()

// Payload is what a receipt's QR code vouches for.
type Payload struct {
	Kit       string
	Number    string
	NIKMasked string
	Name      string // MRZ-style name
	Issued    time.Time
	Fee       int64 // rupiah
	Version   int   // application record version
	Copy      int   // 0 = original, n = n-th reprint
}

// Code tells a program why a payload was refused.
type Code string

// Codes of the errors that Sign and Verify return, in snake_case as every
// code of the kit's is (sync's unknown_kit and bad_signature mean the same).
const (
	CodeMalformed          Code = "malformed"
	CodeUnknownKit         Code = "unknown_kit"
	CodeBadSignature       Code = "bad_signature"
	CodeUnsupportedVersion Code = "unsupported_version"
	CodeInvalid            Code = "invalid" // Sign or Render was given data it must not print or sign
)

// Error is a refused payload or receipt: a code a program can test and a
// message a person can read.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return "receipt: " + e.Message }

// Is makes errors.Is(err, ErrBadSignature) and friends match on the code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; the errors returned carry a message as well.
var (
	ErrMalformed          = &Error{Code: CodeMalformed}
	ErrUnknownKit         = &Error{Code: CodeUnknownKit}
	ErrBadSignature       = &Error{Code: CodeBadSignature}
	ErrUnsupportedVersion = &Error{Code: CodeUnsupportedVersion}
	ErrInvalid            = &Error{Code: CodeInvalid}
)

// ErrorCode returns the code of a receipt error, or "" for any other error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Sign returns the QR text for p, signed with the kit's key.
func Sign(p Payload, key ed25519.PrivateKey) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", errorf(CodeInvalid, "signing key has %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if p.Kit == "" || p.Number == "" {
		return "", errorf(CodeInvalid, "payload needs a kit code and an application number")
	}
	for _, f := range []struct{ name, v string }{
		{"kit", p.Kit}, {"number", p.Number}, {"masked NIK", p.NIKMasked}, {"name", p.Name},
	} {
		if err := checkField(f.name, f.v); err != nil {
			return "", err
		}
	}
	if err := checkMaskedNIK(p.NIKMasked); err != nil {
		return "", err
	}
	if p.Issued.IsZero() {
		return "", errorf(CodeInvalid, "payload needs the time of issue")
	}
	if p.Fee < 0 || p.Version < 0 || p.Copy < 0 {
		return "", errorf(CodeInvalid, "fee, version and copy must not be negative")
	}
	body := strings.Join([]string{
		payloadTag, p.Kit, p.Number, p.NIKMasked, p.Name,
		p.Issued.UTC().Format(issuedLayout),
		strconv.FormatInt(p.Fee, 10), strconv.Itoa(p.Version), strconv.Itoa(p.Copy),
		"",
	}, "|")
	sig := ed25519.Sign(key, []byte(body))
	return body + sigEncoding.EncodeToString(sig), nil
}

// checkField refuses what the payload cannot carry unambiguously.
func checkField(name, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == '|' {
			return errorf(CodeInvalid, "%s %q: only printable ASCII without '|' can be signed", name, v)
		}
	}
	return nil
}

// Verify checks a QR text and returns what it vouches for. keyFor returns the
// public key of a kit. Errors carry a Code: malformed, unsupported_version,
// unknown_kit, bad_signature.
func Verify(text string, keyFor func(kit string) (ed25519.PublicKey, bool)) (Payload, error) {
	text = strings.TrimSpace(text)
	if len(text) > maxPayloadLen {
		return Payload{}, errorf(CodeMalformed, "payload is %d bytes long, more than a receipt holds", len(text))
	}
	tag, _, ok := strings.Cut(text, "|")
	if !ok {
		return Payload{}, errorf(CodeMalformed, "not a jemput receipt payload")
	}
	if tag != payloadTag {
		if len(tag) > 3 && tag[:3] == "JPR" {
			return Payload{}, errorf(CodeUnsupportedVersion, "payload format %q is not supported (want %s)", tag, payloadTag)
		}
		return Payload{}, errorf(CodeMalformed, "not a jemput receipt payload")
	}
	f := strings.Split(text, "|")
	if len(f) != payloadFields {
		return Payload{}, errorf(CodeMalformed, "payload has %d fields, want %d", len(f), payloadFields)
	}
	for i, v := range f[1:5] {
		if err := checkField([]string{"kit", "number", "masked NIK", "name"}[i], v); err != nil {
			return Payload{}, errorf(CodeMalformed, "%s", err.(*Error).Message)
		}
	}
	p := Payload{Kit: f[1], Number: f[2], NIKMasked: f[3], Name: f[4]}
	if p.Kit == "" || p.Number == "" {
		return Payload{}, errorf(CodeMalformed, "payload has no kit code or no application number")
	}
	var err error
	if p.Issued, err = time.Parse(issuedLayout, f[5]); err != nil {
		return Payload{}, errorf(CodeMalformed, "time of issue %q is not %s", f[5], issuedLayout)
	}
	if p.Fee, err = parseUint(f[6]); err != nil {
		return Payload{}, errorf(CodeMalformed, "fee %q is not a whole number of rupiah", f[6])
	}
	v, err := parseUint(f[7])
	if err != nil || v > 1<<31-1 {
		return Payload{}, errorf(CodeMalformed, "version %q is not a number", f[7])
	}
	p.Version = int(v)
	c, err := parseUint(f[8])
	if err != nil || c > 1<<31-1 {
		return Payload{}, errorf(CodeMalformed, "copy %q is not a number", f[8])
	}
	p.Copy = int(c)
	sig, err := sigEncoding.DecodeString(f[9])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Payload{}, errorf(CodeMalformed, "signature is not %d bytes of base64url", ed25519.SignatureSize)
	}
	pub, ok := keyFor(p.Kit)
	if !ok {
		return Payload{}, errorf(CodeUnknownKit, "kit %q is not known here", p.Kit)
	}
	if len(pub) != ed25519.PublicKeySize {
		return Payload{}, errorf(CodeUnknownKit, "the key on record for kit %q is not an Ed25519 public key", p.Kit)
	}
	body := text[:len(text)-len(f[9])]
	if !ed25519.Verify(pub, []byte(body), sig) {
		return Payload{}, errorf(CodeBadSignature, "signature does not match: the receipt was altered or not issued by kit %q", p.Kit)
	}
	return p, nil
}

// parseUint accepts only the canonical decimal form Sign writes.
func parseUint(s string) (int64, error) {
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') {
		return 0, errors.New("not canonical")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a digit")
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// checkMaskedNIK refuses a NIK that is not masked. The caller masks; this is
// the last line of defence against printing or signing a full NIK.
func checkMaskedNIK(s string) error {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits > 10 {
		return errorf(CodeInvalid, "NIK is not masked: only the first 6 and last 4 digits may be printed")
	}
	return nil
}
