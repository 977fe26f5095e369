package intake_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
)

// boatPass is a throwaway form that no code of the kit knows: a pass for
// the ferry to the office, say. Its roles name fields whose ids are its
// own, so everything that works on it works from the definition alone.
const boatPass = `{
  "id": "boat-pass",
  "version": 1,
  "title": {"id": "Kartu naik kapal", "en": "Boat pass"},
  "description": {"id": "Hanya untuk uji.", "en": "For a test only."},
  "roles": {"identity_number": "holder_nik", "name": "holder", "document_number": "pass_no", "birth_date": "born"},
  "fields": [
    {"id": "holder", "label": {"id": "Nama pemegang", "en": "Holder"}, "type": "name", "required": true,
     "checks": [{"check": "person_name", "severity": "error"}]},
    {"id": "holder_nik", "label": {"id": "NIK pemegang", "en": "Holder's NIK"}, "type": "nik", "required": true,
     "checks": [{"check": "nik", "severity": "error"}]},
    {"id": "born", "label": {"id": "Tanggal lahir", "en": "Born"}, "type": "date", "required": true,
     "checks": [{"check": "date_not_future", "severity": "error"}]},
    {"id": "pass_no", "label": {"id": "Nomor kartu", "en": "Pass number"}, "type": "text", "upper": true},
    {"id": "documents", "label": {"id": "Dokumen", "en": "Documents"}, "type": "documents"}
  ],
  "documents": {
    "catalog": [{"id": "ktp", "label": {"id": "KTP", "en": "Identity card"}}],
    "rules": [{"require": ["ktp"]}]
  }
}`

// TestThirdFormNeedsOnlyADefinition takes applicants on a form the kit was
// not built with: capture, the missing-document rule, search by name,
// identity number and document number, and duplicate detection all follow
// from the definition and its roles.
func TestThirdFormNeedsOnlyADefinition(t *testing.T) {
	ctx := context.Background()
	f, err := forms.ParseForm([]byte(boatPass))
	if err != nil {
		t.Fatal(err)
	}
	passport, _ := forms.Get("passport")
	reg, err := forms.NewRegistry(passport, f)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Makassar")
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, loc)
	n := 0
	svc := intake.NewService(db, intake.WithForms(reg), intake.WithClock(func() time.Time { return now }),
		intake.WithIDs(func() string { n++; return fmt.Sprintf("id-%04d-0000", n) }))
	if _, _, err := svc.InitKit(ctx, intake.InitKit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin", SupervisorNIP: supervisorNIP, SupervisorName: "Rahmah", PIN: pin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenEvent(ctx, intake.NewEvent{Type: intake.EventPosTerpadu, Name: "Pos terpadu", Place: "Pelabuhan Stagen"}); err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"form": "boat-pass", "holder": "Siti Aminah", "holder_nik": "6302014506900002", "born": "1990-06-05", "pass_no": "kp 0042"}
	first, err := svc.Capture(ctx, intake.CaptureInput{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if first.App.FormID != "boat-pass" || first.App.Status != intake.StatusIncomplete {
		t.Fatalf("captured on form %q as %s; want boat-pass, incomplete (no KTP)", first.App.FormID, first.App.Status)
	}
	for _, q := range []string{"aminah", "6302014506900002", "KP0042", first.App.Number} {
		list, err := svc.Applications(ctx, intake.Filter{Search: q})
		if err != nil || len(list) != 1 || list[0].ID != first.App.ID {
			t.Errorf("search %q: %d found, %v; want the boat pass", q, len(list), err)
		}
	}
	data["documents"] = []any{"ktp"}
	second, err := svc.Capture(ctx, intake.CaptureInput{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if second.App.Status != intake.StatusCaptured {
		t.Errorf("with the KTP: %s, want captured", second.App.Status)
	}
	dup := false
	for _, w := range second.Warnings {
		dup = dup || (w.Code == "duplicate_nik" && w.Field == "holder_nik")
	}
	if !dup {
		t.Errorf("the same identity number twice: warnings %v, want duplicate_nik on holder_nik", second.Warnings)
	}
	if _, err := forms.Get("boat-pass"); err == nil {
		t.Error("the throwaway form must not leak into the embedded registry")
	}
}
