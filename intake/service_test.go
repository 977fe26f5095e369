package intake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/internal/fixtures"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

const (
	supervisorNIP = "198001012005011001"
	officerNIP    = "199003152015031002"
	pin           = "2468013579"
)

// newKit sets up a kit with a supervisor and an officer, and an open event.
func newKit(t *testing.T, eventType intake.EventType) (*intake.Service, *clock) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loc, _ := time.LoadLocation("Asia/Makassar")
	c := &clock{t: time.Date(2026, 11, 27, 9, 30, 0, 0, loc)}
	n := 0
	svc := intake.NewService(db, intake.WithClock(c.now), intake.WithIDs(func() string { n++; return fmt.Sprintf("id-%04d-0000", n) }))
	if _, _, err := svc.InitKit(ctx, intake.InitKit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin", SupervisorNIP: supervisorNIP, SupervisorName: "Rahmah", PIN: pin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOfficer(ctx, intake.NewOfficer{NIP: officerNIP, Name: "Andi", Role: intake.RoleOfficer, PIN: pin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenEvent(ctx, intake.NewEvent{Type: eventType, Name: "Eazy Paspor Kotabaru", Place: "Kotabaru"}); err != nil {
		t.Fatal(err)
	}
	return svc, c
}

func applicant(t *testing.T, name string) map[string]any {
	t.Helper()
	b := fixtures.Read(t, "applicants", name)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLockSurvivesAndExpires(t *testing.T) {
	svc, c := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	for i := 1; i < intake.MaxFailedPIN; i++ {
		if _, err := svc.Login(ctx, officerNIP, "999999"); !intake.IsCode(err, intake.CodeUnauthorized) {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	if _, err := svc.Login(ctx, officerNIP, "999999"); !intake.IsCode(err, intake.CodeLocked) {
		t.Fatalf("fifth wrong PIN: %v, want locked", err)
	}
	if _, err := svc.Login(ctx, officerNIP, pin); !intake.IsCode(err, intake.CodeLocked) {
		t.Fatalf("right PIN while locked: %v, want locked", err)
	}
	c.advance(intake.LockFor - time.Second)
	if _, err := svc.Login(ctx, officerNIP, pin); !intake.IsCode(err, intake.CodeLocked) {
		t.Fatalf("right PIN a second before the lock ends: %v", err)
	}
	c.advance(2 * time.Second)
	if _, err := svc.Login(ctx, officerNIP, pin); err != nil {
		t.Fatalf("right PIN after the lock: %v", err)
	}
}

func TestSessionExpires(t *testing.T) {
	svc, c := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	if _, err := svc.Whoami(ctx); err != nil {
		t.Fatal(err)
	}
	c.advance(intake.SessionTTL + time.Minute)
	if _, err := svc.Whoami(ctx); !intake.IsCode(err, intake.CodeSessionExpired) {
		t.Fatalf("after %v: %v, want session_expired", intake.SessionTTL, err)
	}
}

func TestNumbersRestartEachDay(t *testing.T) {
	svc, c := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	got := func() string {
		t.Helper()
		cap, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")})
		if err != nil {
			t.Fatal(err)
		}
		if !intake.ValidNumber(cap.App.Number) {
			t.Fatalf("invalid number %s", cap.App.Number)
		}
		return cap.App.Number[:17]
	}
	for _, want := range []string{"KTB01-261127-0001", "KTB01-261127-0002"} {
		if n := got(); n != want {
			t.Fatalf("number %s, want %s", n, want)
		}
	}
	c.advance(24 * time.Hour)
	if _, err := svc.Login(ctx, supervisorNIP, pin); err != nil {
		t.Fatal(err)
	}
	if n := got(); n != "KTB01-261128-0001" {
		t.Fatalf("next day: %s", n)
	}
}

func TestRefusedCaptureChangesNothing(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	_, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "bad-nik-length.json")})
	var e *intake.Error
	if !intake.IsCode(err, intake.CodeInvalid) || !asError(err, &e) || len(e.Issues) == 0 || e.Issues[0].Field != "nik" {
		t.Fatalf("err = %v", err)
	}
	list, err := svc.Applications(ctx, intake.Filter{})
	if err != nil || len(list) != 0 {
		t.Fatalf("%d applications after a refusal (%v)", len(list), err)
	}
	// The next good capture still gets number 1: a refusal uses no number.
	cap, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")})
	if err != nil || cap.App.Number[:17] != "KTB01-261127-0001" {
		t.Fatalf("%v %s", err, cap.App.Number)
	}
}

func asError(err error, target **intake.Error) bool {
	e, ok := err.(*intake.Error)
	*target = e
	return ok
}

func TestDraftThenCapture(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	full := applicant(t, "adult-female-renewal.json")
	d, err := svc.SaveDraft(ctx, "", "passport", map[string]any{"full_name": full["full_name"]}, 0)
	if err != nil || d.Status != intake.StatusDraft || d.Number != "" {
		t.Fatalf("draft: %+v %v", d, err)
	}
	cap, err := svc.Capture(ctx, intake.CaptureInput{Data: full, DraftID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	if cap.App.ID != d.ID || cap.App.Version != 2 || cap.App.Status != intake.StatusCaptured {
		t.Fatalf("capture of a draft: %+v", cap.App)
	}
	if _, err := svc.Capture(ctx, intake.CaptureInput{Data: full, DraftID: d.ID}); !intake.IsCode(err, intake.CodeConflict) {
		t.Fatalf("capturing a draft twice: %v", err)
	}
	det, err := svc.Application(ctx, cap.App.Number)
	if err != nil || len(det.Versions) != 2 || len(det.Transitions) != 2 {
		t.Fatalf("history: %d versions, %d transitions, %v", len(det.Versions), len(det.Transitions), err)
	}
}

func TestOfficerCannotDoSupervisorWork(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	if _, err := svc.Login(ctx, officerNIP, pin); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseEvent(ctx, "", false); !intake.IsCode(err, intake.CodeForbidden) {
		t.Fatalf("officer closing the event: %v", err)
	}
	if _, err := svc.AddOfficer(ctx, intake.NewOfficer{NIP: "199501012020012001", Name: "X", Role: intake.RoleSupervisor, PIN: "1357902468"}); !intake.IsCode(err, intake.CodeForbidden) {
		t.Fatalf("officer adding a supervisor: %v", err)
	}
	if _, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")}); err != nil {
		t.Fatalf("officer capturing: %v", err)
	}
}

// Once a version may have reached the office, the kit does not void or
// return it, even when the answer never came back.
func TestNoVoidWhileOnItsWay(t *testing.T) {
	svc, _ := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	cap, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-female-renewal.json")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Approve(ctx, []string{cap.App.Number, cap.App.Number}, false, ""); err != nil {
		t.Fatal(err)
	}
	det, _ := svc.Application(ctx, cap.App.Number)
	if n := len(det.Transitions); n != 2 {
		t.Fatalf("approving a number named twice: %d transitions, want 2", n)
	}
	if err := svc.MarkOffered(ctx, []string{intake.RecordID(cap.App.ID, cap.App.Version)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Void(ctx, cap.App.Number, "salah input"); !intake.IsCode(err, intake.CodeOnItsWay) {
		t.Fatalf("void after sending: %v, want on_its_way", err)
	}
	if _, err := svc.Return(ctx, cap.App.Number, "foto buram"); !intake.IsCode(err, intake.CodeOnItsWay) {
		t.Fatalf("return after sending: %v, want on_its_way", err)
	}
	// The office answers: held. Now it is synced, and the office's to decide.
	if err := svc.RecordAcks(ctx, []intake.Ack{{AppID: cap.App.ID, Version: cap.App.Version, Hash: "h", Result: intake.AckStored}}); err != nil {
		t.Fatal(err)
	}
	det, _ = svc.Application(ctx, cap.App.Number)
	if det.App.Status != intake.StatusSynced {
		t.Fatalf("status %s after the ack, want synced", det.App.Status)
	}
}

// A wrong clock (set far ahead, then put right) must not lock an account
// for good, nor leave a session that never expires.
func TestWrongClockCannotLockForGood(t *testing.T) {
	svc, c := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	real := c.t
	c.t = real.AddDate(73, 0, 0)
	for i := 0; i < intake.MaxFailedPIN; i++ {
		svc.Login(ctx, officerNIP, "999999")
	}
	if _, err := svc.Login(ctx, supervisorNIP, pin); err != nil {
		t.Fatal(err)
	}
	c.t = real
	if _, err := svc.Whoami(ctx); !intake.IsCode(err, intake.CodeSessionExpired) {
		t.Fatalf("a session from the future: %v, want session_expired", err)
	}
	if _, err := svc.Login(ctx, officerNIP, pin); err != nil {
		t.Fatalf("a lock set under a clock 73 years ahead still holds: %v", err)
	}
}
