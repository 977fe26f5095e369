package intake_test

import (
	"context"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
)

func TestTurnedAwayAndClose(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	for _, bad := range []struct {
		n      int
		reason string
		field  string
	}{{0, "quota", "count"}, {3, "weather", "reason"}, {-1, "", "count"}} {
		_, err := svc.RecordTurnedAway(ctx, bad.n, bad.reason, "")
		var e *intake.Error
		if !intake.IsCode(err, intake.CodeInvalid) || !asError(err, &e) || e.Issues[0].Field != bad.field {
			t.Errorf("turned away %d %q: %v, want invalid naming %s", bad.n, bad.reason, err, bad.field)
		}
	}
	if _, err := svc.RecordTurnedAway(ctx, 12, "quota", "kuota 80 penuh jam 11"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordTurnedAway(ctx, 3, "documents", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveDraft(ctx, "", "passport", map[string]any{"full_name": "Setengah Jalan"}, 0); err != nil {
		t.Fatal(err)
	}
	w, err := svc.EventWork(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Awaiting) != 1 || len(w.Drafts) != 1 || w.TurnedAwayCount() != 15 {
		t.Fatalf("event work: %d awaiting, %d drafts, %d turned away", len(w.Awaiting), len(w.Drafts), w.TurnedAwayCount())
	}
	if _, err := svc.CloseEvent(ctx, "", false); !intake.IsCode(err, intake.CodeOpenWork) {
		t.Fatalf("close with open work: %v, want %s", err, intake.CodeOpenWork)
	}
	if ev, err := svc.CurrentEvent(ctx); err != nil || !ev.Open() {
		t.Fatalf("a refused close closed the event: %v %+v", err, ev)
	}
	ev, err := svc.CloseEvent(ctx, "", true)
	if err != nil || ev.Open() {
		t.Fatalf("close --force: %v", err)
	}
	// The report of a closed event is the latest event's.
	r, err := svc.DayReport(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Event.ID != ev.ID || len(r.Apps) != 1 || r.Drafts != 1 || len(r.TurnedAway) != 2 || r.Apps[0].Sync != intake.SyncNotYet {
		t.Errorf("day report: event %s, %d apps, %d drafts, %d turned away, sync %s", r.Event.ID, len(r.Apps), r.Drafts, len(r.TurnedAway), r.Apps[0].Sync)
	}
	if _, err := svc.RecordTurnedAway(ctx, 1, "quota", ""); !intake.IsCode(err, intake.CodeNoEvent) {
		t.Errorf("turned away with no event open: %v", err)
	}
}

func TestDayReportOfOneDay(t *testing.T) {
	svc, c := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	capture := func(f string) {
		t.Helper()
		if _, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, f)}); err != nil {
			t.Fatal(err)
		}
	}
	capture("adult-new.json")
	capture("minor-new.json")
	c.advance(24 * time.Hour)
	if _, err := svc.Login(ctx, supervisorNIP, pin); err != nil {
		t.Fatal(err)
	}
	capture("adult-female-renewal.json")
	for date, want := range map[string]int{"": 3, "2026-11-27": 2, "2026-11-28": 1, "2026-11-29": 0} {
		r, err := svc.DayReport(ctx, "", date)
		if err != nil || len(r.Apps) != want {
			t.Errorf("day report of %q: %d applications, %v; want %d", date, len(r.Apps), err, want)
		}
	}
	if _, err := svc.DayReport(ctx, "", "28-11-2026"); !intake.IsCode(err, intake.CodeInvalid) {
		t.Errorf("a bad date: %v", err)
	}
}

func TestVisitPlan(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor) // at "Kotabaru", 2026-11-27
	ctx := context.Background()
	plan := []intake.Visit{
		{ID: "v-2", Place: "kotabaru", Date: "2026-12-11", Type: "eazy-paspor", Capacity: 80},
		{ID: "v-1", Place: "Pulau Sembilan", Date: "2026-12-04", Type: "berkala"},
		{ID: "v-0", Place: "Kotabaru", Date: "2026-11-20", Type: "berkala"},
	}
	if err := svc.ApplyVisits(ctx, plan); err != nil {
		t.Fatal(err)
	}
	cap, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.ReceiptFor(ctx, cap.App)
	if err != nil {
		t.Fatal(err)
	}
	if r.NextVisit == nil || r.NextVisit.ID != "v-2" {
		t.Errorf("next visit %+v, want v-2 (the next to the same place, case aside)", r.NextVisit)
	}
	// The same plan again writes nothing; a bad one is refused whole.
	before, _ := svc.AuditToSend(ctx, 0)
	if err := svc.ApplyVisits(ctx, plan); err != nil {
		t.Fatal(err)
	}
	after, _ := svc.AuditToSend(ctx, 0)
	if len(after) != len(before) {
		t.Errorf("the same plan again added %d audit entries", len(after)-len(before))
	}
	if err := svc.ApplyVisits(ctx, []intake.Visit{{ID: "v-9", Place: "X", Date: "11/12"}}); !intake.IsCode(err, intake.CodeInvalid) {
		t.Errorf("a visit with a bad date: %v", err)
	}
	list, _ := svc.Visits(ctx)
	if len(list) != 3 || list[0].ID != "v-0" {
		t.Errorf("visits %+v", list)
	}
}
