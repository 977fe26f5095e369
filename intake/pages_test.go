package intake_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
)

// TestEachPendingPages walks what is pending in pages of 3 while the kit
// changes between two pages: nothing pending is lost or given twice, what
// is approved ahead of the cursor comes in this walk, what is approved
// behind it in the next, and what stops being pending (returned, held by
// the office) is not given.
func TestEachPendingPages(t *testing.T) {
	svc, clk := newKit(t, intake.EventEazyPaspor)
	ctx := context.Background()
	n := 0
	capture := func() intake.Application {
		t.Helper()
		// The walk is oldest first; two at a time are captured at the
		// same instant, so that the key's second part (the id) decides.
		if n++; n%2 == 1 {
			clk.advance(time.Minute)
		}
		c, err := svc.Capture(ctx, intake.CaptureInput{Data: applicant(t, "adult-new.json")})
		if err != nil {
			t.Fatal(err)
		}
		return c.App
	}
	approve := func(apps ...intake.Application) {
		t.Helper()
		var refs []string
		for _, a := range apps {
			refs = append(refs, a.Number)
		}
		if _, err := svc.Approve(ctx, refs, false, ""); err != nil {
			t.Fatal(err)
		}
	}
	held := func(a intake.Application) {
		t.Helper()
		if err := svc.RecordAcks(ctx, []intake.Ack{{AppID: a.ID, Version: a.Version, Hash: "h", Result: intake.AckStored}}); err != nil {
			t.Fatal(err)
		}
	}
	early := capture() // the oldest: approved behind the cursor
	var apps []intake.Application
	for range 10 {
		apps = append(apps, capture())
	}
	approve(apps[:7]...) // seven: an odd count, more than two pages

	walk := func(size int, between func(page int)) (numbers []string, pages int) {
		t.Helper()
		err := svc.EachPending(ctx, size, func(page []intake.SyncItem) error {
			pages++
			if len(page) == 0 || len(page) > size {
				t.Errorf("page %d holds %d items, want 1 to %d", pages, len(page), size)
			}
			for _, it := range page {
				if it.App.Status != intake.StatusApproved || it.VersionStatus != intake.StatusCaptured || it.Event.ID == "" || it.Officer.NIP == "" || len(it.Transitions) == 0 {
					t.Errorf("%s: item without what goes with its version: %+v", it.App.Number, it)
				}
				numbers = append(numbers, it.App.Number)
			}
			if between != nil {
				between(pages)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return numbers, pages
	}
	var late intake.Application
	got, pages := walk(3, func(page int) {
		if page != 1 {
			return
		}
		// Between the first page (apps 0, 1, 2) and the second.
		approve(apps[8], early)                                                  // ahead of the cursor, and behind it
		if _, err := svc.Return(ctx, apps[4].Number, "foto buram"); err != nil { // ahead: no longer pending
			t.Fatal(err)
		}
		held(apps[5]) // ahead: the office holds it now
		held(apps[1]) // behind: changes nothing of this walk
		late = capture()
		approve(late) // the newest: ahead
	})
	want := numbers(apps[0], apps[1], apps[2], apps[3], apps[6], apps[8], late)
	if !slices.Equal(got, want) || pages != 3 {
		t.Fatalf("walk in pages of 3 while the kit changes: %v in %d pages, want %v in 3", got, pages, want)
	}

	// The next walk: the one approved behind the cursor is there, what the
	// office holds is not. Seven in pages of seven: one page, and no
	// empty call after it.
	got, pages = walk(7, nil)
	want = numbers(early, apps[0], apps[2], apps[3], apps[6], apps[8], late)
	if !slices.Equal(got, want) || pages != 1 {
		t.Fatalf("next walk: %v in %d pages, want %v in 1", got, pages, want)
	}
	if all, err := svc.PendingSync(ctx); err != nil || len(all) != len(want) {
		t.Fatalf("PendingSync: %d items, %v; want %d", len(all), err, len(want))
	}

	// An error from fn ends the walk and is what it returns.
	stop := errors.New("stop")
	calls := 0
	if err := svc.EachPending(ctx, 2, func([]intake.SyncItem) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("fn failing: %v after %d calls, want stop after 1", err, calls)
	}

	// The backup's walk: what is captured or returned, once each.
	var backup []string
	err := svc.EachBackupItem(ctx, 1, func(page []intake.SyncItem) error {
		for _, it := range page {
			backup = append(backup, it.App.Number)
		}
		return nil
	})
	want = numbers(apps[7], apps[9], apps[4]) // captured, then returned
	if err != nil || !slices.Equal(backup, want) {
		t.Fatalf("backup walk: %v, %v; want %v", backup, err, want)
	}
}

func numbers(apps ...intake.Application) []string {
	var out []string
	for _, a := range apps {
		out = append(out, a.Number)
	}
	return out
}
