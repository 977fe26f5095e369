package central_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

func TestExactlyOnce(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")

	a1 := centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")
	b1 := centraltest.Record("KTB01", "app-b", 1, centraltest.NIKKotabaru, "")
	acks, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "b1", Kit: "KTB01", Records: []ksync.Record{a1, b1}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored", "stored")
	if acks[0].ID != "app-a/1" || acks[0].Hash != a1.Hash() {
		t.Errorf("ack %+v", acks[0])
	}

	// The same batch again, cut and resent: duplicates, nothing new.
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "b1", Kit: "KTB01", Records: []ksync.Record{a1, b1}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "duplicate", "duplicate")

	// Same id, other content: a conflict, the first is kept; sent twice,
	// recorded once.
	changed := a1
	changed.Number = "KTB01-261127-0099-Y"
	for range 2 {
		acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{changed}})
		if err != nil {
			t.Fatal(err)
		}
		centraltest.WantResults(t, acks, "conflict")
	}
	if n := f.Count(t, "conflicts"); n != 1 {
		t.Errorf("%d conflicts recorded, want 1", n)
	}
	var held string
	f.Store.SQL().QueryRow(`SELECT hash FROM records WHERE id = 'app-a/1'`).Scan(&held)
	if held != a1.Hash() {
		t.Errorf("held hash %s, want the first %s", held, a1.Hash())
	}
	conflicts, err := f.Office.Conflicts(ctx, "KTB01")
	if err != nil || len(conflicts) != 1 || conflicts[0].OfferedHash != changed.Hash() {
		t.Fatalf("conflicts %+v %v", conflicts, err)
	}

	// A newer version supersedes; an older one arriving later does not.
	a3 := centraltest.Record("KTB01", "app-a", 3, centraltest.NIKKotabaru, "")
	a2 := centraltest.Record("KTB01", "app-a", 2, centraltest.NIKKotabaru, "")
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{a3, a2}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored", "stored")
	apps, err := f.Office.Apps(ctx, central.AppFilter{Kit: "KTB01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 {
		t.Fatalf("%d applications, want 2", len(apps))
	}
	for _, a := range apps {
		want := map[string]int{"app-a": 3, "app-b": 1}[a.AppID]
		if a.Version != want {
			t.Errorf("%s at version %d, want %d", a.AppID, a.Version, want)
		}
		if a.District != "63.02.01" || a.Regency != "63.02" || a.Status != central.StatusReceived {
			t.Errorf("%s: district %q regency %q status %q", a.AppID, a.District, a.Regency, a.Status)
		}
	}
	if n := f.Count(t, "records"); n != 4 {
		t.Errorf("%d records, want 4", n)
	}

	// A photo not held whole: missing_attachment, nothing stored; after
	// the upload the same record is stored.
	photo := bytes.Repeat([]byte("jpeg"), 1000)
	c1 := centraltest.Record("KTB01", "app-c", 1, centraltest.NIKKotabaru, centraltest.SHA(photo))
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{c1}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "missing_attachment")
	if _, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: centraltest.Split(photo, 0, 1024)[:2]}); err != nil {
		t.Fatal(err)
	}
	acks, _ = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{c1}})
	centraltest.WantResults(t, acks, "missing_attachment")
	if _, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: centraltest.Split(photo, 2048, 1024)}); err != nil {
		t.Fatal(err)
	}
	acks, _ = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{c1, c1}})
	centraltest.WantResults(t, acks, "stored", "duplicate")

	// The audit log is kept once per kit and seq.
	audit := []ksync.AuditEntry{{Seq: 1, At: centraltest.T0, Action: "kit.init", PrevHash: genesis, Hash: "h1"}, {Seq: 2, At: centraltest.T0, Action: "app.create", PrevHash: "h1", Hash: "h2"}}
	for range 2 {
		if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Audit: audit}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.Count(t, "audit"); n != 2 {
		t.Errorf("%d audit entries, want 2", n)
	}
}

var genesis = strings.Repeat("0", 64)

// The office keeps the kit's audit heads and refuses a segment that does
// not follow from them: entries removed from the end of the kit's log and
// written again, an entry rewritten, a gap.
func TestAuditMustFollowWhatTheOfficeHolds(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	entry := func(seq int64, prev, hash string) ksync.AuditEntry {
		return ksync.AuditEntry{Seq: seq, At: centraltest.T0, Action: "app.capture", PrevHash: prev, Hash: hash}
	}
	if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Audit: []ksync.AuditEntry{entry(1, genesis, "h1"), entry(2, "h1", "h2"), entry(3, "h2", "h3")}}); err != nil {
		t.Fatal(err)
	}
	for name, seg := range map[string][]ksync.AuditEntry{
		"newest removed, then written again":  {entry(3, "h2", "h3x"), entry(4, "h3x", "h4")},
		"the next one not linked to the head": {entry(4, "h3x", "h4")},
		"a gap":                               {entry(5, "h4", "h5")},
		"the first one rewritten":             {entry(1, genesis, "h1x")},
	} {
		_, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Audit: seg})
		centraltest.WantCode(t, err, ksync.CodeMalformed)
		if err != nil && !strings.Contains(err.Error(), "audit entry") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := f.Count(t, "audit"); n != 3 {
		t.Errorf("%d audit entries after refused segments, want 3", n)
	}
	// What follows is taken, and a resend of what is held too.
	if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Audit: []ksync.AuditEntry{entry(3, "h2", "h3"), entry(4, "h3", "h4")}}); err != nil {
		t.Fatal(err)
	}
}

func TestBatchFromAnotherKitRefused(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	f.Enroll(t, "KTB02")
	_, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{
		centraltest.Record("KTB01", "a", 1, "", ""), centraltest.Record("KTB02", "b", 1, "", ""),
	}})
	centraltest.WantCode(t, err, ksync.CodeMalformed)
	if n := f.Count(t, "records"); n != 0 {
		t.Errorf("%d records after a refused batch, want 0", n)
	}
}

func TestEnroll(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	o := f.Office
	_, key, _ := ed25519.GenerateKey(rand.Reader)

	if _, err := o.AddKit(ctx, "ktb01", time.Hour); err == nil {
		t.Error("a lower-case kit code was accepted")
	}
	token, err := o.AddKit(ctx, "KTB01", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ksync.ParseToken(token)
	if err != nil || tok.Fingerprint != o.Fingerprint() || tok.Kit != "KTB01" {
		t.Fatalf("token %q: %+v %v", token, tok, err)
	}

	// Wrong kit code, bad proof: refused, the token stays usable.
	_, err = o.Enroll(ctx, centraltest.EnrollRequest(token, "KTB02", key))
	centraltest.WantCode(t, err, ksync.CodeTokenKitMismatch)
	req := centraltest.EnrollRequest(token, "KTB01", key)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	req.Proof = ksync.EnrollProof(other, token)
	_, err = o.Enroll(ctx, req)
	centraltest.WantCode(t, err, ksync.CodeBadSignature)

	res, err := o.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key))
	if err != nil {
		t.Fatal(err)
	}
	if !ksync.VerifyEnrolled(o.PublicKey(), "KTB01", key.Public().(ed25519.PublicKey), res.Signature) {
		t.Error("the enrollment answer is not signed by the office")
	}
	keys, err := o.KeysFor(ctx)("KTB01")
	if err != nil || len(keys) != 1 || !keys[0].Key.Equal(key.Public()) || keys[0].State != ksync.KeyCurrent {
		t.Fatalf("KeysFor: %+v %v", keys, err)
	}

	// Used.
	_, err = o.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeTokenUsed)

	// Expired: valid for an hour, tried after two.
	token2, _ := o.AddKit(ctx, "KTB01", time.Hour)
	f.Clock.Add(2 * time.Hour)
	_, err = o.Enroll(ctx, centraltest.EnrollRequest(token2, "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeTokenExpired)

	// Unknown: a secret the office never made, and another office's token.
	forged := ksync.Token{Kit: "KTB01", Secret: "AAAAAAAAAAAAAAAAAAAAAA", Fingerprint: o.Fingerprint()}
	_, err = o.Enroll(ctx, centraltest.EnrollRequest(forged.String(), "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeTokenUnknown)
	other2 := centraltest.New(t)
	foreign, _ := other2.Office.AddKit(ctx, "KTB01", time.Hour)
	_, err = o.Enroll(ctx, centraltest.EnrollRequest(foreign, "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeTokenUnknown)

	// Enrolling again with a new token replaces the key.
	token3, _ := o.AddKit(ctx, "KTB01", time.Hour)
	_, newKey, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := o.Enroll(ctx, centraltest.EnrollRequest(token3, "KTB01", newKey)); err != nil {
		t.Fatal(err)
	}
	keys, _ = o.KeysFor(ctx)("KTB01")
	if len(keys) != 2 || !keys[0].Key.Equal(newKey.Public()) || keys[0].State != ksync.KeyCurrent ||
		!keys[1].Key.Equal(key.Public()) || keys[1].State != ksync.KeyReplaced {
		t.Errorf("after re-enrollment: %+v, want the new key current and the old one replaced", keys)
	}
	kits, _ := o.Kits(ctx)
	if len(kits) != 1 || kits[0].EnrolledAt.IsZero() {
		t.Errorf("kits %+v", kits)
	}
}

func TestUploadResumed(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	photo := make([]byte, 40<<10+123)
	rand.Read(photo)
	all := centraltest.Split(photo, 0, 16<<10) // 3 frames
	h := centraltest.SHA(photo)

	// The link is cut inside the third frame: the first two are kept.
	st, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: all[:2], Err: io.ErrUnexpectedEOF})
	centraltest.WantCode(t, err, ksync.CodeMalformed)
	st, err = f.Office.AttachmentState(ctx, "KTB01", []string{h})
	if err != nil {
		t.Fatal(err)
	}
	if st.Held[h] != 32<<10 || len(st.Complete) != 0 {
		t.Fatalf("after the cut: %+v, want 32768 held, not complete", st)
	}

	// A gap is refused with offset_mismatch and changes nothing.
	_, err = f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: []ksync.Frame{{SHA256: h, Total: int64(len(photo)), Offset: 40 << 10, Data: photo[40<<10:]}}})
	centraltest.WantCode(t, err, ksync.CodeOffsetMismatch)

	// Resume: the kit resends from a little before (overlap) to the end;
	// a frame wholly before is ignored.
	resume := append([]ksync.Frame{all[0]}, centraltest.Split(photo, 30<<10, 16<<10)...)
	st, err = f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: resume})
	if err != nil {
		t.Fatal(err)
	}
	if st.Held[h] != int64(len(photo)) || len(st.Complete) != 1 || st.Complete[0] != h {
		t.Fatalf("after resuming: %+v", st)
	}
	var data []byte
	f.Store.SQL().QueryRow(`SELECT data FROM attachments WHERE sha256 = ?`, h).Scan(&data)
	if !bytes.Equal(data, photo) {
		t.Error("the stored attachment differs from the photo")
	}
	if n := f.Count(t, "attachment_frames"); n != 0 {
		t.Errorf("%d chunks left after completion", n)
	}
	// Frames of a complete attachment are ignored.
	if _, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: all}); err != nil {
		t.Fatal(err)
	}

	// Bytes that do not match their SHA-256 are discarded when whole.
	bad := bytes.Repeat([]byte{7}, 20000)
	lie := centraltest.SHA([]byte("something else"))
	list := centraltest.Split(bad, 0, 16<<10)
	for i := range list {
		list[i].SHA256 = lie
	}
	st, err = f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: list})
	if err != nil {
		t.Fatal(err)
	}
	if st.Held[lie] != 0 || len(st.Complete) != 0 {
		t.Fatalf("a wrong-hash upload was kept: %+v", st)
	}
	if n := f.Count(t, "attachment_frames"); n != 0 {
		t.Errorf("%d chunks left after a discarded upload", n)
	}
}

func TestStatuses(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	f.Enroll(t, "KTB02")
	a := centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")
	a.Number = "KTB01-261127-0001-A"
	b := centraltest.Record("KTB02", "app-b", 1, centraltest.NIKKotabaru, "")
	b.Number = "KTB02-261127-0001-B"
	f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{a}})
	f.Office.ReceiveBatch(ctx, "KTB02", ksync.Batch{Kit: "KTB02", Records: []ksync.Record{b}})

	_, err := f.Office.SetStatus(ctx, "app-a", "rejected", "", "")
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
	_, err = f.Office.SetStatus(ctx, "app-a", "ready", "", "")
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
	_, err = f.Office.SetStatus(ctx, "app-a", "lost", "", "")
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
	_, err = f.Office.SetStatus(ctx, "nope", "accepted", "", "")
	centraltest.WantCode(t, err, ksync.CodeNotFound)

	if _, err := f.Office.SetStatus(ctx, "app-a", "accepted", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Office.SetStatus(ctx, "KTB02-261127-0001-B", "rejected", "foto tidak jelas", ""); err != nil {
		t.Fatal(err)
	}
	st, err := f.Office.SetStatus(ctx, "KTB01-261127-0001-A", "ready", "", "Kunjungan Kotabaru 2026-12-11")
	if err != nil {
		t.Fatal(err)
	}

	got, err := f.Office.Statuses(ctx, "KTB01", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Statuses) != 2 || got.Statuses[0].Status != "accepted" || got.Statuses[1].Pickup == "" || got.Last != st.Seq {
		t.Fatalf("KTB01 statuses %+v", got)
	}
	got, _ = f.Office.Statuses(ctx, "KTB01", got.Last)
	if len(got.Statuses) != 0 || got.Last != st.Seq {
		t.Fatalf("after the cursor: %+v", got)
	}
	got, _ = f.Office.Statuses(ctx, "KTB02", 0)
	if len(got.Statuses) != 1 || got.Statuses[0].Reason != "foto tidak jelas" {
		t.Fatalf("KTB02 statuses %+v", got)
	}
	apps, _ := f.Office.Apps(ctx, central.AppFilter{Status: "ready"})
	if len(apps) != 1 || apps[0].AppID != "app-a" || apps[0].Pickup == "" {
		t.Fatalf("ready apps %+v", apps)
	}

	// A newer version keeps the office's status.
	a2 := a
	a2.Version = 2
	f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{a2}})
	apps, _ = f.Office.Apps(ctx, central.AppFilter{Kit: "KTB01"})
	if apps[0].Version != 2 || apps[0].Status != "ready" {
		t.Errorf("after v2: %+v", apps[0])
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	photo := bytes.Repeat([]byte("photo"), 5000)
	recs := []ksync.Record{centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, centraltest.SHA(photo)), centraltest.Record("KTB01", "app-b", 1, centraltest.NIKKotabaru, "")}
	exp := ksync.Export{Kit: "KTB01", Created: centraltest.T0, Batch: ksync.Batch{BatchID: "usb1", Kit: "KTB01", Records: recs}, Attachments: map[string][]byte{centraltest.SHA(photo): photo}}
	var file bytes.Buffer
	if err := ksync.SealExport(&file, f.Office.SealingRecipient(), key, exp); err != nil {
		t.Fatal(err)
	}

	// Tampered, truncated, foreign: refused, nothing written.
	tampered := bytes.Clone(file.Bytes())
	tampered[len(tampered)/2] ^= 1
	_, err := f.Office.Import(ctx, bytes.NewReader(tampered))
	if err == nil {
		t.Error("a tampered file was imported")
	}
	_, err = f.Office.Import(ctx, bytes.NewReader(file.Bytes()[:file.Len()-100]))
	if err == nil {
		t.Error("a truncated file was imported")
	}
	other := centraltest.New(t)
	var foreign bytes.Buffer
	ksync.SealExport(&foreign, other.Office.SealingRecipient(), key, exp)
	if _, err := f.Office.Import(ctx, &foreign); err == nil {
		t.Error("a file sealed to another office was imported")
	}
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	var unsigned bytes.Buffer
	ksync.SealExport(&unsigned, f.Office.SealingRecipient(), stranger, exp)
	_, err = f.Office.Import(ctx, &unsigned)
	centraltest.WantCode(t, err, ksync.CodeBadSignature)
	for _, table := range []string{"records", "applications", "attachments"} {
		if n := f.Count(t, table); n != 0 {
			t.Errorf("%d rows in %s after refused imports", n, table)
		}
	}

	acks, err := f.Office.Import(ctx, bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks.Acks, "stored", "stored")
	if err := acks.Verify(f.Office.PublicKey()); err != nil {
		t.Fatal(err)
	}

	// The same file again: duplicates, and the statuses set since.
	if _, err := f.Office.SetStatus(ctx, "app-a", "accepted", "", ""); err != nil {
		t.Fatal(err)
	}
	acks, err = f.Office.Import(ctx, bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks.Acks, "duplicate", "duplicate")
	if len(acks.Statuses) != 1 || acks.Statuses[0].AppID != "app-a" {
		t.Errorf("statuses in the ack file: %+v", acks.Statuses)
	}
	var buf bytes.Buffer
	if err := ksync.WriteAckFile(&buf, *acks); err != nil {
		t.Fatal(err)
	}
	back, err := ksync.ReadAckFile(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(f.Office.PublicKey()); err != nil {
		t.Fatalf("the ack file does not verify after a round trip: %v", err)
	}
	if s := central.Summarize(acks.Acks); s.Duplicate != 2 {
		t.Errorf("summary %+v", s)
	}
}

func TestKeysMadeOnce(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	o2, err := central.NewOffice(ctx, f.Store, central.WithKeys(f.Keys))
	if err != nil {
		t.Fatal(err)
	}
	// Other keys for the same database: refused, not made anew.
	if _, err := central.NewOffice(ctx, f.Store, central.WithKeys(&central.MemoryKeys{})); err == nil {
		t.Error("an office opened with another office's keys")
	}
	if o2.Fingerprint() != f.Office.Fingerprint() || o2.SealingRecipient() != f.Office.SealingRecipient() {
		t.Error("opening the office again made new keys")
	}
	if err := o2.SetName(ctx, "Kantor Imigrasi Batulicin"); err != nil {
		t.Fatal(err)
	}
	info := o2.Info()
	if info.Office != "Kantor Imigrasi Batulicin" || ksync.VerifyOfficeInfo(info) != nil {
		t.Errorf("office info %+v", info)
	}
}

func TestDemandStudyCountsCurrentVersions(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	recs := []ksync.Record{
		centraltest.Record("KTB01", "a", 1, centraltest.NIKKotabaru, ""),
		centraltest.Record("KTB01", "a", 2, centraltest.NIKKotabaru, ""), // a newer version counts once
		centraltest.Record("KTB01", "b", 1, "6302025508900002", ""),
		centraltest.Record("KTB01", "c", 1, "", ""), // no NIK: district unknown
	}
	recs[3].Event.Date = "2026-12-01"
	if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: recs}); err != nil {
		t.Fatal(err)
	}
	st, err := f.Office.DemandStudy(ctx, central.DemandQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Applications != 3 {
		t.Errorf("applications %d, want 3", st.Applications)
	}
	byCode := map[string]int{}
	for _, d := range st.Districts {
		byCode[d.Code] = d.Applications
	}
	if want := map[string]int{"": 1, "63.02.01": 1, "63.02.02": 1}; fmt.Sprint(byCode) != fmt.Sprint(want) {
		t.Errorf("by district %v, want %v", byCode, want)
	}
	var months []string
	for _, m := range st.Months {
		months = append(months, fmt.Sprintf("%s:%d", m.Month, m.Applications))
	}
	if got := strings.Join(months, " "); got != "2026-11:2 2026-12:1" {
		t.Errorf("by month %s", got)
	}
	_, err = f.Office.DemandStudy(ctx, central.DemandQuery{From: "2026-13-01"})
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
}

// A batch is looked up once and written in parts (flushRecords at a
// time), but decided one record after the other: a record repeated,
// changed, or followed by a newer version of its application later in
// the same batch, on either side of a write, gets the answer it would get
// in a batch of its own.
func TestBatchDecidedInOrder(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	const n = 1000
	recs := make([]ksync.Record, 0, n)
	for i := range n - 4 {
		r := centraltest.Record("KTB01", fmt.Sprintf("app-%04d", i), 1, centraltest.NIKKotabaru, "")
		r.Number = fmt.Sprintf("KTB01-261127-%05d-X", i)
		recs = append(recs, r)
	}
	v2 := recs[10]
	v2.Version, v2.Status = 2, "handed-over"
	changed := recs[20]
	changed.Officer.Name = "Someone else"
	taken := centraltest.Record("KTB01", "app-taken", 1, centraltest.NIKKotabaru, "")
	taken.Number = recs[30].Number // another application with a number held
	recs = append(recs, v2, recs[20], changed, taken)
	acks, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "big", Kit: "KTB01", Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, n)
	for i := range want {
		want[i] = ksync.AckStored
	}
	want[n-3], want[n-2], want[n-1] = ksync.AckDuplicate, ksync.AckConflict, ksync.AckConflict
	centraltest.WantResults(t, acks, want...)
	if got := f.Count(t, "records"); got != n-3 {
		t.Errorf("%d records held, want %d", got, n-3)
	}
	if got := f.Count(t, "applications"); got != n-4 {
		t.Errorf("%d applications held, want %d", got, n-4)
	}
	var version int
	var kitStatus string
	if err := f.Store.SQL().QueryRow(`SELECT version, kit_status FROM applications WHERE app_id = 'app-0010'`).Scan(&version, &kitStatus); err != nil {
		t.Fatal(err)
	}
	if version != 2 || kitStatus != "handed-over" {
		t.Errorf("app-0010 is version %d %s, want the newer 2 handed-over", version, kitStatus)
	}
	// The same batch again: every record a duplicate but the two kept aside.
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{BatchID: "big", Kit: "KTB01", Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want[:n-2] {
		want[i] = ksync.AckDuplicate
	}
	centraltest.WantResults(t, acks, want...)
	if got := f.Count(t, "conflicts"); got != 2 {
		t.Errorf("%d conflicts held, want 2", got)
	}
}
