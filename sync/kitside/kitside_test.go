package kitside_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"
	"github.com/jemput/jemput/store"
	ksync "github.com/jemput/jemput/sync"
	"github.com/jemput/jemput/sync/kitside"
)

const (
	supervisorNIP = "198001012005011001"
	pin           = "2468013579"
)

// TestRecordsAreTheVersion checks what exactly-once rests on: a record is
// the version and nothing else, so its hash is the same every time it is
// made, however much later; once the office holds it, it is no longer
// pending; an ack that names no version is refused.
func TestRecordsAreTheVersion(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Makassar")
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, loc)
	svc := intake.NewService(db, intake.WithClock(func() time.Time { return now }))
	if _, _, err := svc.InitKit(ctx, intake.InitKit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin", SupervisorNIP: supervisorNIP, SupervisorName: "Rahmah", PIN: pin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, supervisorNIP, pin); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenEvent(ctx, intake.NewEvent{Type: intake.EventEazyPaspor, Name: "Eazy Paspor Kotabaru", Place: "Kotabaru"}); err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(fixtures.Read(t, "applicants", "adult-new.json"), &data); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Capture(ctx, intake.CaptureInput{Data: data, Photo: fixtures.Read(t, "photo-413x531.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Approve(ctx, []string{c.App.Number}, false, ""); err != nil {
		t.Fatal(err)
	}
	side := kitside.New(svc, "KTB01")
	pending := func() ksync.Record {
		t.Helper()
		recs, photos, err := all(ctx, side)
		if err != nil || len(recs) != 1 || len(photos) != 1 {
			t.Fatalf("pending: %d records, %d photos, %v; want one of each", len(recs), len(photos), err)
		}
		return recs[0]
	}
	first := pending()
	if first.AppID != c.App.ID || first.Version != 1 || first.Number != c.App.Number || first.Kit != "KTB01" || first.Photo == "" {
		t.Fatalf("record %+v does not say which version of which application it is", first)
	}
	now = now.Add(time.Hour) // time passes: nothing of the version changes
	if again := pending(); again.Hash() != first.Hash() {
		t.Fatalf("the same version made two records with different hashes:\n%s\n%s", first.Hash(), again.Hash())
	}
	// The office holds it: nothing is pending any more.
	if err := side.SaveAcks(ctx, []ksync.Ack{{ID: first.ID(), Hash: first.Hash(), Result: ksync.AckStored}}); err != nil {
		t.Fatal(err)
	}
	if recs, _, err := all(ctx, side); err != nil || len(recs) != 0 {
		t.Fatalf("after the office stored it: %d pending, %v", len(recs), err)
	}
	if err := side.SaveAcks(ctx, []ksync.Ack{{ID: "not-a-record-id", Result: ksync.AckStored}}); err == nil {
		t.Fatal("an ack for a record id that names no version must be refused")
	}
}

// all collects every page of side.Pending.
func all(ctx context.Context, side *kitside.Side) ([]ksync.Record, []ksync.Photo, error) {
	var recs []ksync.Record
	var photos []ksync.Photo
	err := side.Pending(ctx, func(rs []ksync.Record, ps []ksync.Photo) error {
		recs = append(recs, rs...)
		photos = append(photos, ps...)
		return nil
	})
	return recs, photos, err
}
