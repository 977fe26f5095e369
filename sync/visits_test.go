package sync

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"
)

// The visit plan in an ack file is signed with the rest: a changed visit
// is refused; a file without visits signs as it did before visits existed.
func TestAckFileVisitsSigned(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pub := key.Public().(ed25519.PublicKey)
	f := AckFile{Kit: "KTB01", Created: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC),
		Visits: []Visit{{ID: "v-1", Place: "Aula Kantor Bupati Kotabaru", Date: "2026-12-11", Type: "eazy-paspor", Capacity: 80}}}
	f.Sign(key)
	if err := f.Verify(pub); err != nil {
		t.Fatal(err)
	}
	f.Visits[0].Date = "2026-12-12"
	if err := f.Verify(pub); err == nil {
		t.Error("an ack file with a changed visit date verified")
	}
	plain := AckFile{Kit: "KTB01", Created: f.Created}
	msg := string(AckFileMessage(plain))
	if want := `jemput-acks` + "\n" + `{"kit":"KTB01","created":"2026-11-27T09:30:00Z","acks":null,"statuses":null}`; msg != want {
		t.Errorf("the message of a file without visits changed:\n%s\nwant\n%s", msg, want)
	}
}
