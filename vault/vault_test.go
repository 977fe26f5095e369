package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

func mustSecret(t *testing.T) Secret {
	t.Helper()
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealBindsRecord(t *testing.T) {
	k, _ := Derive(mustSecret(t))
	plain := []byte(`{"name":"Siti Nurhaliza"}`)
	sealed := k.Seal("version|a1|1", plain)
	if bytes.Contains(sealed, []byte("Siti")) {
		t.Fatal("sealed bytes hold the clear text")
	}
	got, err := k.Open("version|a1|1", sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := k.Open("version|a1|2", sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("moved to another version: %v, want ErrOpen", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open("version|a1|1", sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("changed byte: %v, want ErrOpen", err)
	}
	other, _ := Derive(mustSecret(t))
	if _, err := other.Open("version|a1|1", k.Seal("version|a1|1", plain)); !errors.Is(err, ErrOpen) {
		t.Fatalf("another kit's key: %v, want ErrOpen", err)
	}
}

func TestIndexAndTokensAreKeyed(t *testing.T) {
	a, _ := Derive(mustSecret(t))
	b, _ := Derive(mustSecret(t))
	if a.Index("nik", "6310024207900001") != a.Index("nik", "6310024207900001") {
		t.Fatal("the same NIK gives different indexes")
	}
	if a.Index("nik", "6310024207900001") == b.Index("nik", "6310024207900001") {
		t.Fatal("two kits' keys give the same index")
	}
	if strings.Contains(a.Index("nik", "6310024207900001"), "631002") {
		t.Fatal("the index shows the NIK")
	}
	tok := a.Token("3", "sit")
	if len(tok) != 7 || strings.ContainsAny(tok, "%_\\ ") {
		t.Fatalf("token %q: want 7 letters or digits", tok)
	}
}

func TestPINSlot(t *testing.T) {
	s := mustSecret(t)
	p := Params{Time: 1, Memory: 8 * 1024, Threads: 1}
	slot, err := WrapPIN(s, "2468013579", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnwrapPIN(slot, "2468013578"); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	got, err := UnwrapPIN(slot, "2468013579")
	if err != nil || !bytes.Equal(got.Data, s.Data) || !bytes.Equal(got.Supervisor, s.Supervisor) {
		t.Fatalf("UnwrapPIN = %v", err)
	}
	off, _ := WrapPIN(s.Officer(), "2468013579", p)
	got, _ = UnwrapPIN(off, "2468013579")
	if got.IsSupervisor() {
		t.Fatal("an officer's slot holds the supervisor key")
	}
	// Parameters are bound: lowering them in the slot makes it not open.
	weak := strings.Replace(slot, "t=1", "t=2", 1)
	if _, err := UnwrapPIN(weak, "2468013579"); err == nil {
		t.Fatal("a slot with changed parameters opened")
	}
}

func TestRecoverySlot(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	s := mustSecret(t)
	slot, err := WrapRecipient(s, id.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnwrapIdentity(slot, other.String()); err == nil {
		t.Fatal("another office's key opened the recovery slot")
	}
	got, err := UnwrapIdentity(slot, id.String())
	if err != nil || !bytes.Equal(got.Data, s.Data) || !bytes.Equal(got.Supervisor, s.Supervisor) {
		t.Fatalf("UnwrapIdentity = %v", err)
	}
}

func TestCheckAndSession(t *testing.T) {
	s := mustSecret(t)
	c, _ := Check(s, "kit-1")
	if err := Verify(s, "kit-1", c); err != nil {
		t.Fatal(err)
	}
	if err := Verify(s.Officer(), "kit-1", c); err != nil {
		t.Fatalf("an officer's secret: %v", err)
	}
	if err := Verify(mustSecret(t), "kit-1", c); err == nil {
		t.Fatal("another kit's secret verified")
	}
	if err := Verify(Secret{Data: s.Data, Supervisor: mustSecret(t).Supervisor}, "kit-1", c); err == nil {
		t.Fatal("a made-up supervisor key verified")
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	b, err := MarshalSession(Session{Kit: "kit-1", Home: "/h", Officer: "o1", Since: now, Until: now.Add(time.Hour), Secret: s.Officer()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalSession(b)
	if err != nil || got.Officer != "o1" || !got.Until.Equal(now.Add(time.Hour)) {
		t.Fatalf("UnmarshalSession = %+v, %v", got, err)
	}
	longer := bytes.Replace(b, []byte("10:00:00Z"), []byte("23:00:00Z"), 1)
	if _, err := UnmarshalSession(longer); err == nil {
		t.Fatal("a session file with a later end was accepted")
	}
}

func BenchmarkUnwrapPIN(b *testing.B) {
	s, _ := NewSecret()
	slot, _ := WrapPIN(s, "2468013579", DefaultParams)
	for b.Loop() {
		if _, err := UnwrapPIN(slot, "2468013579"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealCapture is the sealing one capture does: a document of
// about 2.5 KB, its search data, and a photo of about 33 KB.
func BenchmarkSealCapture(b *testing.B) {
	k, _ := Derive(Secret{Data: make([]byte, KeySize)})
	doc, find, photo := make([]byte, 2500), make([]byte, 100), make([]byte, 33000)
	b.SetBytes(int64(len(doc) + len(find) + len(photo)))
	for b.Loop() {
		k.Seal("version|a|1", doc)
		k.Seal("find|a", find)
		k.Seal("attachment|x", photo)
	}
}
