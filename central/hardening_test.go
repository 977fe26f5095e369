package central_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// tables is what a refusal must leave as it was.
var tables = []string{"records", "applications", "conflicts", "attachments", "attachment_parts", "attachment_frames", "audit"}

func counts(t *testing.T, f *centraltest.Office) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, table := range tables {
		m[table] = f.Count(t, table)
	}
	return m
}

func same(t *testing.T, what string, before, after map[string]int) {
	t.Helper()
	for _, table := range tables {
		if before[table] != after[table] {
			t.Errorf("%s: %s went from %d to %d rows", what, table, before[table], after[table])
		}
	}
}

// TestOwnership: an application id, its numbers and its versions belong to
// the kit that sent them first; a number is its kit's. Anything else is
// not_owner, for the whole batch, stored nowhere; the same by USB.
func TestOwnership(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	keyB := f.Enroll(t, "BTL02")
	a := centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")
	acks, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{a}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")
	before := counts(t, f)

	ok := centraltest.Record("BTL02", "app-b", 1, centraltest.NIKKotabaru, "")
	higher := centraltest.Record("BTL02", "app-a", 2, centraltest.NIKKotabaru, "")
	sameVersion := centraltest.Record("BTL02", "app-a", 1, centraltest.NIKKotabaru, "")
	number := centraltest.Record("BTL02", "app-c", 1, centraltest.NIKKotabaru, "")
	number.Number = a.Number
	otherKitsCode := centraltest.Record("BTL02", "app-d", 1, centraltest.NIKKotabaru, "")
	otherKitsCode.Number = "KTB01-261127-0999-X"
	for name, r := range map[string]ksync.Record{"a higher version of kit A's application": higher, "kit A's record id": sameVersion,
		"kit A's number": number, "a number with kit A's code": otherKitsCode} {
		_, err := f.Office.ReceiveBatch(ctx, "BTL02", ksync.Batch{Records: []ksync.Record{ok, r}})
		if ksync.ErrorCode(err) != ksync.CodeNotOwner {
			t.Errorf("%s: %v, want not_owner", name, err)
		}
		same(t, name, before, counts(t, f))
	}
	app, err := f.Office.Apps(ctx, central.AppFilter{})
	if err != nil || len(app) != 1 || app[0].Kit != "KTB01" || app[0].Version != 1 {
		t.Errorf("the office's applications: %+v %v", app, err)
	}

	// A number already given to another application of the same kit is
	// flagged, not stored (TestNumberFromTwoDevicesFlagged).
	dup := centraltest.Record("KTB01", "app-z", 1, centraltest.NIKKotabaru, "")
	dup.Number = a.Number
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{dup}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "conflict")
	before = counts(t, f)

	// By USB.
	var file bytes.Buffer
	if err := ksync.SealExport(&file, f.Office.SealingRecipient(), keyB, ksync.Export{Kit: "BTL02", Created: centraltest.T0,
		Batch: ksync.Batch{BatchID: "u", Kit: "BTL02", Records: []ksync.Record{ok, higher}}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.Office.Import(ctx, &file)
	centraltest.WantCode(t, err, ksync.CodeNotOwner)
	same(t, "an import of kit A's application", before, counts(t, f))
}

// TestRecordShape: a record must be a well-formed application version of
// a form the office knows, within the limits.
func TestRecordShape(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	rec := func(change func(*ksync.Record)) ksync.Record {
		r := centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")
		change(&r)
		return r
	}
	tests := map[string]struct {
		r    ksync.Record
		code string
	}{
		"unknown form":      {rec(func(r *ksync.Record) { r.Form = "visa" }), ksync.CodeMalformed},
		"form version 0":    {rec(func(r *ksync.Record) { r.FormVersion = 0 }), ksync.CodeMalformed},
		"future form":       {rec(func(r *ksync.Record) { r.FormVersion = 99 }), ksync.CodeMalformed},
		"unknown field":     {rec(func(r *ksync.Record) { r.Doc = json.RawMessage(`{"values":{"hobby":"x"}}`) }), ksync.CodeMalformed},
		"object value":      {rec(func(r *ksync.Record) { r.Doc = json.RawMessage(`{"values":{"nik":{"a":1}}}`) }), ksync.CodeMalformed},
		"no values":         {rec(func(r *ksync.Record) { r.Doc = json.RawMessage(`{"fee":1}`) }), ksync.CodeMalformed},
		"doc not an object": {rec(func(r *ksync.Record) { r.Doc = json.RawMessage(`[1,2]`) }), ksync.CodeMalformed},
		"bad app id":        {rec(func(r *ksync.Record) { r.AppID = "a/b" }), ksync.CodeMalformed},
		"long app id":       {rec(func(r *ksync.Record) { r.AppID = strings.Repeat("a", 65) }), ksync.CodeMalformed},
		"not a number":      {rec(func(r *ksync.Record) { r.Number = "KTB01-1" }), ksync.CodeMalformed},
		"no status":         {rec(func(r *ksync.Record) { r.Status = "" }), ksync.CodeMalformed},
		"no time":           {rec(func(r *ksync.Record) { r.CreatedAt = time.Time{} }), ksync.CodeMalformed},
		"transitions":       {rec(func(r *ksync.Record) { r.Transitions = []ksync.Transition{{From: "a", To: "b"}} }), ksync.CodeMalformed},
		"photo not in doc":  {rec(func(r *ksync.Record) { r.Photo = centraltest.SHA([]byte("p")) }), ksync.CodeMalformed},
		"long event":        {rec(func(r *ksync.Record) { r.Event.Name = strings.Repeat("x", 600) }), ksync.CodeMalformed},
		"value over 8 KiB": {rec(func(r *ksync.Record) {
			r.Doc = json.RawMessage(`{"values":{"address":"` + strings.Repeat("x", 9000) + `"}}`)
		}), ksync.CodeMalformed},
		"record over 64 KiB": {rec(func(r *ksync.Record) { r.Doc = bigDoc(9, 8000) }), ksync.CodeTooLarge},
		"photo size too big": {rec(func(r *ksync.Record) { r.Doc = json.RawMessage(`{"values":{},"photo":{"sha256":"x","size":99999999}}`) }), ksync.CodeTooLarge},
	}
	for name, tt := range tests {
		_, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{tt.r}})
		if ksync.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", name, err, tt.code)
		}
	}
	big := make([]ksync.Record, central.DefaultLimits.BatchRecords+1)
	for i := range big {
		big[i] = centraltest.Record("KTB01", "app-"+strings.Repeat("x", i%5)+string(rune('a'+i%26)), 1, "", "")
	}
	_, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: big})
	centraltest.WantCode(t, err, ksync.CodeTooLarge)
	_, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Audit: make([]ksync.AuditEntry, central.DefaultLimits.BatchAudit+1)})
	centraltest.WantCode(t, err, ksync.CodeTooLarge)
	if n := f.Count(t, "records"); n != 0 {
		t.Errorf("%d records stored from refused batches", n)
	}
}

// TestAttachmentsPerKit: kit B's frames for kit A's photo, with another
// size, neither block nor change kit A's upload; the photo's size is
// checked against the record's document.
func TestAttachmentsPerKit(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	f.Enroll(t, "BTL02")
	photo := bytes.Repeat([]byte("foto"), 10000)
	h := centraltest.SHA(photo)
	if _, err := f.Office.Upload(ctx, "BTL02", &centraltest.Frames{List: []ksync.Frame{{SHA256: h, Total: 1000, Data: []byte("junk")}}}); err != nil {
		t.Fatal(err)
	}
	st, err := f.Office.AttachmentState(ctx, "KTB01", []string{h})
	if err != nil || st.Held[h] != 0 {
		t.Fatalf("kit A sees kit B's partial: %+v %v", st, err)
	}
	st, err = f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: centraltest.Split(photo, 0, 16<<10)})
	if err != nil || len(st.Complete) != 1 {
		t.Fatalf("kit A's upload after kit B's frame: %+v %v", st, err)
	}
	if n := f.Count(t, "attachment_parts"); n != 0 {
		t.Errorf("%d partials left once the attachment is whole", n)
	}
	// Now whole for everyone.
	if st, _ := f.Office.AttachmentState(ctx, "BTL02", []string{h}); len(st.Complete) != 1 {
		t.Errorf("kit B does not see the whole attachment: %+v", st)
	}
	good := centraltest.RecordWithPhoto("KTB01", "app-a", 1, centraltest.NIKKotabaru, photo)
	lie := centraltest.RecordWithPhoto("KTB01", "app-b", 1, centraltest.NIKKotabaru, photo)
	lie.Doc = json.RawMessage(strings.Replace(string(lie.Doc), `"size":40000`, `"size":39999`, 1))
	_, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{good, lie}})
	centraltest.WantCode(t, err, ksync.CodeMalformed)
	acks, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{good}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")

	// A kit may hold only so much half sent.
	lim := central.DefaultLimits
	lim.PartialBytes = 100 << 10
	o2, err := central.NewOffice(ctx, f.Store, central.WithKeys(f.Keys), central.WithLimits(lim), central.WithClock(f.Clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 200<<10)
	big[0] = 1
	frames := centraltest.Split(big, 0, 64<<10)
	_, err = o2.Upload(ctx, "BTL02", &centraltest.Frames{List: frames[:2]})
	centraltest.WantCode(t, err, ksync.CodeTooLarge)
}

// TestPrune: what a kit started and never finished, and photos no record
// refers to, go after OrphanTTL; a photo a record needs stays.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	used, orphan, half := []byte("used photo"), []byte("orphan photo"), bytes.Repeat([]byte{9}, 50000)
	for _, p := range [][]byte{used, orphan} {
		if _, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: centraltest.Split(p, 0, 1<<10)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Office.Upload(ctx, "KTB01", &centraltest.Frames{List: centraltest.Split(half, 0, 16<<10)[:1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Records: []ksync.Record{centraltest.RecordWithPhoto("KTB01", "app-a", 1, centraltest.NIKKotabaru, used)}}); err != nil {
		t.Fatal(err)
	}
	if p, w, err := f.Office.Prune(ctx); err != nil || p+w != 0 {
		t.Errorf("a fresh prune dropped %d partials, %d whole: %v", p, w, err)
	}
	f.Clock.Add(central.DefaultLimits.OrphanTTL + time.Hour)
	if p, w, err := f.Office.Prune(ctx); err != nil || p != 1 || w != 1 {
		t.Errorf("prune after OrphanTTL: %d partials, %d whole, %v; want 1 and 1", p, w, err)
	}
	st, _ := f.Office.AttachmentState(ctx, "KTB01", []string{centraltest.SHA(used), centraltest.SHA(orphan), centraltest.SHA(half)})
	if len(st.Complete) != 1 || st.Complete[0] != centraltest.SHA(used) || st.Held[centraltest.SHA(half)] != 0 {
		t.Errorf("after pruning: %+v", st)
	}
}

// TestImportKeepsOnlyReferencedPhotos: photos in a file that no record of
// it refers to are not kept.
func TestImportKeepsOnlyReferencedPhotos(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	photo, stray := []byte("photo of app-a"), []byte("1 GiB of nothing, in spirit")
	var file bytes.Buffer
	err := ksync.SealExport(&file, f.Office.SealingRecipient(), key, ksync.Export{Kit: "KTB01", Created: centraltest.T0,
		Batch:       ksync.Batch{BatchID: "u", Kit: "KTB01", Records: []ksync.Record{centraltest.RecordWithPhoto("KTB01", "app-a", 1, centraltest.NIKKotabaru, photo)}},
		Attachments: map[string][]byte{centraltest.SHA(photo): photo, centraltest.SHA(stray): stray}})
	if err != nil {
		t.Fatal(err)
	}
	acks, err := f.Office.Import(ctx, &file)
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks.Acks, "stored")
	if n := f.Count(t, "attachments"); n != 1 {
		t.Errorf("%d attachments kept, want only the one a record refers to", n)
	}
}

// TestRevokeKit: a revoked kit's key is refused (its requests and files);
// re-enrolling the same key is refused; a replacement enrolls.
func TestRevokeKit(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	_, err := f.Office.RevokeKit(ctx, "KTB01", " ")
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
	_, err = f.Office.RevokeKit(ctx, "NOPE1", "lost")
	centraltest.WantCode(t, err, ksync.CodeNotFound)
	stale, _ := f.Office.AddKit(ctx, "KTB01", 7*24*time.Hour) // printed for the laptop that is lost
	f.Clock.Add(time.Minute)
	var file bytes.Buffer
	ksync.SealExport(&file, f.Office.SealingRecipient(), key, ksync.Export{Kit: "KTB01", Created: centraltest.T0,
		Batch: ksync.Batch{BatchID: "u", Kit: "KTB01", Records: []ksync.Record{centraltest.Record("KTB01", "app-a", 1, "", "")}}})
	k, err := f.Office.RevokeKit(ctx, "KTB01", "laptop hilang")
	if err != nil || !k.Revoked() || k.RevokedReason != "laptop hilang" {
		t.Fatalf("RevokeKit: %+v %v", k, err)
	}
	_, err = f.Office.RevokeKit(ctx, "KTB01", "again")
	centraltest.WantCode(t, err, ksync.CodeBadRequest)
	_, err = f.Office.Import(ctx, bytes.NewReader(file.Bytes()))
	centraltest.WantCode(t, err, ksync.CodeKitRevoked)

	// A token made before the revocation enrolls nobody, not even with a
	// key of its own.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	_, err = f.Office.Enroll(ctx, centraltest.EnrollRequest(stale, "KTB01", other))
	centraltest.WantCode(t, err, ksync.CodeTokenExpired)
	f.Clock.Add(time.Minute)
	token, _ := f.Office.AddKit(ctx, "KTB01", time.Hour)
	_, err = f.Office.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key))
	centraltest.WantCode(t, err, ksync.CodeKitRevoked)
	f.Enroll(t, "KTB01") // a replacement, with a key of its own
	kits, _ := f.Office.Kits(ctx)
	if len(kits) != 1 || kits[0].Revoked() || kits[0].PublicKey == nil {
		t.Errorf("after a replacement enrolled: %+v", kits)
	}
	_, err = f.Office.Import(ctx, bytes.NewReader(file.Bytes()))
	centraltest.WantCode(t, err, ksync.CodeKitRevoked)
}

// bigDoc is a document of n fields of size bytes each.
func bigDoc(n, size int) json.RawMessage {
	fields := []string{"address", "occupation", "birth_place", "mother_name", "father_name", "email", "phone", "full_name", "old_passport_number"}
	v := map[string]string{}
	for _, f := range fields[:n] {
		v[f] = strings.Repeat("x", size)
	}
	b, _ := json.Marshal(map[string]any{"values": v})
	return b
}

// An export file carries everything a kit has not sent, days of work in
// one batch: more records than one online batch may hold, within the
// import's own limit.
func TestImportBeyondOneBatch(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	seal := func(n int) *bytes.Buffer {
		recs := make([]ksync.Record, n)
		for i := range recs {
			recs[i] = centraltest.Record("KTB01", fmt.Sprintf("app-%05d", i), 1, centraltest.NIKKotabaru, "")
			recs[i].Number = fmt.Sprintf("KTB01-2611%02d-%04d-X", 1+i/10000, i%10000) // one number each
		}
		var file bytes.Buffer
		if err := ksync.SealExport(&file, f.Office.SealingRecipient(), key, ksync.Export{Kit: "KTB01", Created: centraltest.T0,
			Batch: ksync.Batch{BatchID: fmt.Sprint("u", n), Kit: "KTB01", Records: recs}}); err != nil {
			t.Fatal(err)
		}
		return &file
	}
	n := central.DefaultLimits.BatchRecords + 500
	acks, err := f.Office.Import(ctx, seal(n))
	if err != nil {
		t.Fatal(err)
	}
	if len(acks.Acks) != n || f.Count(t, "applications") != n {
		t.Errorf("%d acks, %d applications, want %d", len(acks.Acks), f.Count(t, "applications"), n)
	}
	_, err = f.Office.Import(ctx, seal(central.DefaultLimits.ImportRecords+1))
	centraltest.WantCode(t, err, ksync.CodeTooLarge)
}

// The office imports a file's batch a page at a time (ksync's EachRecord),
// never holding it whole, and takes it as it would one batch: a newer
// version and a taken number on the far side of a page boundary are
// decided against what the earlier pages stored, the audit chain runs
// across pages, the same file again is all duplicates, and a file with a
// bad record far into it is refused with nothing stored.
func TestImportInPages(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	key := f.Enroll(t, "KTB01")
	const n = 1203 // pages of 500: 500, 500, 203
	seal := func(mutate func([]ksync.Record)) *bytes.Buffer {
		recs := make([]ksync.Record, n)
		for i := range recs {
			recs[i] = centraltest.Record("KTB01", fmt.Sprintf("app-%05d", i), 1, centraltest.NIKKotabaru, "")
			recs[i].Number = fmt.Sprintf("KTB01-261101-%04d-X", i)
		}
		// Version 2 of the page boundary's last application, on the next
		// page; the number of the first application, taken again by
		// another one two pages on.
		recs[500] = centraltest.Record("KTB01", recs[499].AppID, 2, centraltest.NIKKotabaru, "")
		recs[500].Number = recs[499].Number
		recs[1100].Number = recs[0].Number
		if mutate != nil {
			mutate(recs)
		}
		audit := make([]ksync.AuditEntry, n)
		prev := genesis
		for i := range audit {
			h := fmt.Sprintf("%064x", i+1)
			audit[i] = ksync.AuditEntry{Seq: int64(i + 1), At: centraltest.T0, Action: "app.capture", PrevHash: prev, Hash: h}
			prev = h
		}
		var file bytes.Buffer
		if err := ksync.SealExport(&file, f.Office.SealingRecipient(), key, ksync.Export{Kit: "KTB01", Created: centraltest.T0,
			Batch: ksync.Batch{BatchID: "paged", Kit: "KTB01", Records: recs, Audit: audit}}); err != nil {
			t.Fatal(err)
		}
		return &file
	}

	// A bad record on the third page: refused, nothing stored.
	_, err := f.Office.Import(ctx, seal(func(recs []ksync.Record) { recs[1150].AppID = "not an id!" }))
	centraltest.WantCode(t, err, ksync.CodeMalformed)
	if a, r, e := f.Count(t, "applications"), f.Count(t, "records"), f.Count(t, "audit"); a+r+e != 0 {
		t.Fatalf("a refused file stored %d applications, %d records, %d audit entries", a, r, e)
	}

	file := seal(nil).Bytes()
	acks, err := f.Office.Import(ctx, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(acks.Acks) != n {
		t.Fatalf("%d acks for %d records", len(acks.Acks), n)
	}
	for i, a := range acks.Acks {
		want := ksync.AckStored
		if i == 1100 {
			want = ksync.AckConflict // its number is app-00000's
		}
		id := fmt.Sprintf("app-%05d/1", i)
		if i == 500 {
			id = "app-00499/2"
		}
		if a.Result != want || a.ID != id {
			t.Errorf("ack %d: %s %s, want %s in the file's order", i, a.ID, a.Result, want)
		}
	}
	if a, e := f.Count(t, "applications"), f.Count(t, "audit"); a != n-2 || e != n {
		t.Errorf("%d applications and %d audit entries, want %d and %d", a, e, n-2, n)
	}

	// The same file again: every record a duplicate (the conflict stays a
	// conflict), nothing added.
	acks, err = f.Office.Import(ctx, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range acks.Acks {
		if want := ksync.AckDuplicate; a.Result != want && !(i == 1100 && a.Result == ksync.AckConflict) {
			t.Errorf("again, ack %d: %s, want %s", i, a.Result, want)
		}
	}
	if a, e := f.Count(t, "applications"), f.Count(t, "audit"); a != n-2 || e != n {
		t.Errorf("again: %d applications and %d audit entries, want %d and %d", a, e, n-2, n)
	}
}
