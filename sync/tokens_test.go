package sync

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func TestTokenRoundTrip(t *testing.T) {
	office := newKey(t)
	tok, err := NewToken("KTB01", pubOf(office))
	if err != nil {
		t.Fatal(err)
	}
	if len(tok.Secret) != 22 {
		t.Errorf("secret %q has %d chars, want 22", tok.Secret, len(tok.Secret))
	}
	s := tok.String()
	if !strings.HasPrefix(s, "jmt1.KTB01.") {
		t.Errorf("token %q", s)
	}
	got, err := ParseToken("  " + s + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if got != tok {
		t.Errorf("ParseToken = %+v, want %+v", got, tok)
	}
	if got.SecretHash() != tok.SecretHash() || len(tok.SecretHash()) != 64 {
		t.Errorf("SecretHash %q", tok.SecretHash())
	}
	tok2, _ := NewToken("KTB01", pubOf(office))
	if tok2.Secret == tok.Secret || tok2.SecretHash() == tok.SecretHash() {
		t.Error("two tokens share a secret")
	}
	if _, err := NewToken("bad kit", pubOf(office)); err == nil {
		t.Error("NewToken accepted a kit code with a space")
	}
}

func TestParseTokenRefuses(t *testing.T) {
	good, _ := NewToken("KTB01", pubOf(newKey(t)))
	fp := good.Fingerprint
	cases := map[string]struct{ in, want string }{
		"empty":        {"", "empty"},
		"prefix":       {"jmt2.KTB01." + good.Secret + "." + fp, "does not start"},
		"parts":        {"jmt1.KTB01." + good.Secret, "3 parts"},
		"extra":        {good.String() + ".x", "5 parts"},
		"kit empty":    {"jmt1.." + good.Secret + "." + fp, "kit code"},
		"kit chars":    {"jmt1.KT/B." + good.Secret + "." + fp, "kit code"},
		"secret short": {"jmt1.KTB01.abc." + fp, "secret has 3"},
		"secret chars": {"jmt1.KTB01." + strings.Repeat("*", 22) + "." + fp, "not base64url"},
		"fp short":     {"jmt1.KTB01." + good.Secret + "." + fp[:31], "fingerprint"},
		"fp upper":     {"jmt1.KTB01." + good.Secret + "." + strings.ToUpper(fp), "fingerprint"},
	}
	for name, c := range cases {
		_, err := ParseToken(c.in)
		if err == nil {
			t.Errorf("%s: ParseToken(%q) accepted", name, c.in)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || ErrorCode(err) != CodeBadRequest {
			t.Errorf("%s: error %q, want it to mention %q with code bad_request", name, err, c.want)
		}
	}
}

func TestFingerprintStable(t *testing.T) {
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize) // all zero
	const want = "66687aadf862bd776c8fc18b8e9f8e20"       // sha256(32 zero bytes)[:16]
	if got := Fingerprint(pub); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
}

func TestEnrollSignatures(t *testing.T) {
	kit, office, other := newKey(t), newKey(t), newKey(t)
	tok := "jmt1.KTB01.x.y"
	proof := EnrollProof(kit, tok)
	if !VerifyEnrollProof(pubOf(kit), tok, proof) {
		t.Error("proof does not verify")
	}
	if VerifyEnrollProof(pubOf(kit), tok+"z", proof) || VerifyEnrollProof(pubOf(other), tok, proof) {
		t.Error("proof verifies for another token or key")
	}
	if VerifyEnrollProof(ed25519.PublicKey{1, 2}, tok, proof) {
		t.Error("short key accepted")
	}
	sig := SignEnrolled(office, "KTB01", pubOf(kit))
	if !VerifyEnrolled(pubOf(office), "KTB01", pubOf(kit), sig) {
		t.Error("enrolled signature does not verify")
	}
	if VerifyEnrolled(pubOf(office), "KTB02", pubOf(kit), sig) || VerifyEnrolled(pubOf(office), "KTB01", pubOf(other), sig) {
		t.Error("enrolled signature verifies for another kit or key")
	}
	info := OfficeInfo{Office: "Batulicin", SealingRecipient: "age1x", TLSCertSHA256: "ab"}
	SignOfficeInfo(office, &info)
	if err := VerifyOfficeInfo(info); err != nil {
		t.Error(err)
	}
	info.SealingRecipient = "age1y"
	if VerifyOfficeInfo(info) == nil {
		t.Error("office info with a changed sealing recipient verifies")
	}
}
