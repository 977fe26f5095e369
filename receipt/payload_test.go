package receipt

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

func testPayload() Payload {
	return Payload{
		Kit:       "KTB01",
		Number:    "KTB01-261127-0042-7",
		NIKMasked: "630201******0003",
		Name:      "PRATAMA<<MUHAMMAD<RIZKY",
		Issued:    time.Date(2026, 11, 27, 10, 15, 0, 0, wita),
		Fee:       950000,
		Version:   1,
		Copy:      0,
	}
}

func TestSignVerify(t *testing.T) {
	p := testPayload()
	p.Copy = 3
	p.Version = 2
	s, err := Sign(p, testKey())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d chars: %s", len(s), s)
	if len(s) >= 300 {
		t.Errorf("payload is %d characters, want < 300", len(s))
	}
	got, err := Verify(s, keyFor)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Issued.Equal(p.Issued) {
		t.Errorf("issued %v, want %v", got.Issued, p.Issued)
	}
	got.Issued, p.Issued = time.Time{}, time.Time{}
	if got != p {
		t.Errorf("got %+v, want %+v", got, p)
	}
	// A long upper-case name (60 characters, the civil-registry limit)
	// still fits.
	p = testPayload()
	p.Name = strings.Repeat("W", 60)
	p.Number = "KTB01-261127-99999-7"
	if s, _ = Sign(p, testKey()); len(s) >= 300 {
		t.Errorf("long payload is %d characters", len(s))
	}
	// Whitespace around a pasted payload is forgiven.
	if _, err := Verify("\n "+s+"\r\n", keyFor); err != nil {
		t.Error(err)
	}
}

// TestVerifyEveryChange: changing any one character of a real payload, to
// anything, makes it fail.
func TestVerifyEveryChange(t *testing.T) {
	s, err := Sign(testPayload(), testKey())
	if err != nil {
		t.Fatal(err)
	}
	alphabet := "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_<|*. \x00é"
	for i := range len(s) {
		for _, c := range alphabet {
			b := []byte(s)
			r := string(c)
			if r == s[i:i+1] {
				continue
			}
			m := string(b[:i]) + r + string(b[i+1:])
			if _, err := Verify(m, keyFor); err == nil {
				t.Fatalf("changing position %d to %q still verifies: %s", i, r, m)
			} else if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
		}
		// and deleting it
		if _, err := Verify(s[:i]+s[i+1:], keyFor); err == nil {
			t.Fatalf("deleting position %d still verifies", i)
		}
	}
}

func TestVerifyErrors(t *testing.T) {
	good, err := Sign(testPayload(), testKey())
	if err != nil {
		t.Fatal(err)
	}
	other := testPayload()
	other.Kit = "XYZ99"
	unknown, _ := Sign(other, testKey())
	otherKey := ed25519.NewKeyFromSeed(make([]byte, 32))
	forged, _ := Sign(testPayload(), otherKey)
	i := strings.Index(good, "|950000|")
	richer := good[:i] + "|95000|" + good[i+len("|950000|"):]

	for _, c := range []struct {
		name, text string
		want       error
	}{
		{"empty", "", ErrMalformed},
		{"garbage", "hello world", ErrMalformed},
		{"url", "https://example.com/?q=1", ErrMalformed},
		{"too few fields", "JPR1|KTB01|x", ErrMalformed},
		{"too many fields", good + "|x", ErrMalformed},
		{"huge", "JPR1|" + strings.Repeat("A", 5000), ErrMalformed},
		{"future format", "JPR2" + good[4:], ErrUnsupportedVersion},
		{"unknown kit", unknown, ErrUnknownKit},
		{"other key", forged, ErrBadSignature},
		{"fee changed", richer, ErrBadSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(c.text, keyFor)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v (code %q), want %v", err, ErrorCode(err), c.want.(*Error).Code)
			}
			if err.Error() == "receipt: " {
				t.Error("error says nothing")
			}
		})
	}
	// A broken key store must not panic.
	_, err = Verify(good, func(string) (ed25519.PublicKey, bool) { return ed25519.PublicKey{1, 2}, true })
	if !errors.Is(err, ErrUnknownKit) {
		t.Errorf("short key: %v", err)
	}
}

func TestSignRefuses(t *testing.T) {
	for name, mod := range map[string]func(*Payload){
		"full NIK":     func(p *Payload) { p.NIKMasked = fullNIK },
		"pipe in name": func(p *Payload) { p.Name = "A|B" },
		"non-ASCII":    func(p *Payload) { p.Name = "DÉSIRÉE" },
		"no kit":       func(p *Payload) { p.Kit = "" },
		"no number":    func(p *Payload) { p.Number = "" },
		"no time":      func(p *Payload) { p.Issued = time.Time{} },
		"negative fee": func(p *Payload) { p.Fee = -1 },
		"newline":      func(p *Payload) { p.Number = "A\nB" },
	} {
		p := testPayload()
		mod(&p)
		if _, err := Sign(p, testKey()); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := Sign(testPayload(), ed25519.PrivateKey{1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("short key: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	good, err := Sign(testPayload(), testKey())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add("JPR1|||||||||")
	f.Add("JPR1|K|N||X|20261127T031500Z|0|0|0|" + strings.Repeat("A", 86))
	f.Add("JPR9|x")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Verify(s, keyFor)
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		// Whatever verifies must sign to the same text.
		again, err := Sign(p, testKey())
		if err != nil {
			t.Fatalf("verified payload does not sign again: %v", err)
		}
		if again != strings.TrimSpace(s) {
			t.Fatalf("verified %q, which signs to %q", s, again)
		}
	})
}

// TestCodeSpelling: the codes reach programs (jemput receipt verify
// --json) and are spelt as every other code of the kit's, in snake_case.
func TestCodeSpelling(t *testing.T) {
	for code, want := range map[Code]string{
		CodeMalformed: "malformed", CodeUnknownKit: "unknown_kit", CodeBadSignature: "bad_signature",
		CodeUnsupportedVersion: "unsupported_version", CodeInvalid: "invalid",
	} {
		if string(code) != want {
			t.Errorf("code %q, want %q", code, want)
		}
	}
}
