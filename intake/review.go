package intake

import (
	"context"
	"strings"

	"github.com/jemput/jemput/forms"
)

// ReviewItem is one application awaiting the supervisor, with what stands
// in its way.
type ReviewItem struct {
	App          Application
	Warnings     []forms.Issue
	Missing      []string
	SameIdentity []Application // other applications in the kit with this identity number (NIK)
	Blocking     []string      // why --all leaves it: missing documents, a duplicate NIK
	Officer      Officer
}

// Awaiting reports whether an application waits for the supervisor.
func (s Status) Awaiting() bool { return s == StatusCaptured || s == StatusIncomplete }

// Review lists the applications of an event (the open one when eventID is
// empty, else the most recent) awaiting approval (supervisors only).
func (s *Service) Review(ctx context.Context, eventID string) (Event, []ReviewItem, error) {
	var ev Event
	var items []ReviewItem
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		var err error
		if ev, err = reviewEvent(tx, eventID); err != nil {
			return err
		}
		list, err := tx.Applications(Filter{EventID: ev.ID})
		if err != nil {
			return err
		}
		for i := len(list) - 1; i >= 0; i-- { // oldest first, as they were taken
			a := list[i]
			if !a.Status.Awaiting() {
				continue
			}
			it, err := reviewItem(tx, a)
			if err != nil {
				return err
			}
			items = append(items, it)
		}
		return nil
	})
	return ev, items, err
}

func reviewEvent(tx Tx, eventID string) (Event, error) {
	if eventID != "" {
		return tx.Event(eventID)
	}
	ev, err := tx.OpenEvent()
	if IsCode(err, CodeNoEvent) {
		// After closing the day the supervisor still reviews it.
		events, lerr := tx.Events()
		if lerr != nil || len(events) == 0 {
			return ev, err
		}
		return events[0], nil
	}
	return ev, err
}

func reviewItem(tx Tx, a Application) (ReviewItem, error) {
	it := ReviewItem{App: a, Warnings: a.Doc.Warnings, Missing: a.Doc.Missing}
	var err error
	if it.Officer, err = tx.Officer(a.OfficerID); err != nil {
		return it, err
	}
	if id := a.Find.IdentityNumber; id != "" {
		if it.SameIdentity, err = tx.SameIdentity(id, a.ID); err != nil {
			return it, err
		}
	}
	if len(it.Missing) > 0 {
		it.Blocking = append(it.Blocking, "missing documents: "+strings.Join(it.Missing, ", "))
	}
	for _, o := range it.SameIdentity {
		it.Blocking = append(it.Blocking, "same NIK as "+o.Ref())
	}
	return it, nil
}

// ApproveResult says what an approval did.
type ApproveResult struct {
	Approved []Application
	Skipped  []ReviewItem // --all: left for a decision by hand
}

// Approve approves applications by number or id, or with all every
// application of the event awaiting approval with nothing blocking
// (supervisors only). An incomplete application cannot be approved until
// its documents are recorded; one with a duplicate NIK only by name.
func (s *Service) Approve(ctx context.Context, refs []string, all bool, eventID string) (ApproveResult, error) {
	var res ApproveResult
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		var apps []Application
		if all {
			ev, err := reviewEvent(tx, eventID)
			if err != nil {
				return err
			}
			list, err := tx.Applications(Filter{EventID: ev.ID})
			if err != nil {
				return err
			}
			for i := len(list) - 1; i >= 0; i-- {
				a := list[i]
				if !a.Status.Awaiting() {
					continue
				}
				it, err := reviewItem(tx, a)
				if err != nil {
					return err
				}
				if len(it.Blocking) > 0 {
					res.Skipped = append(res.Skipped, it)
					continue
				}
				apps = append(apps, a)
			}
		} else {
			seen := map[string]bool{}
			for _, ref := range refs {
				a, err := findApp(tx, ref)
				if err != nil {
					return err
				}
				if seen[a.ID] {
					continue // named twice: approved once
				}
				seen[a.ID] = true
				switch {
				case a.Status == StatusIncomplete:
					return Errorf(CodeIncomplete, "%s belum lengkap (kurang: %s)", "%s is incomplete (missing: %s)",
						a.Ref(), strings.Join(a.Doc.Missing, ", ")).About(a.Ref())
				case !a.Status.Awaiting():
					return Errorf(CodeConflict, "%s berstatus %s, tidak menunggu persetujuan", "%s is %s, not awaiting approval", a.Ref(), a.Status)
				}
				apps = append(apps, a)
			}
		}
		twoPerson, err := tx.SealedSetting(SettingTwoPerson)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if twoPerson == "on" && a.OfficerID == actor.ID {
				if all {
					res.Skipped = append(res.Skipped, ReviewItem{App: a, Blocking: []string{"captured by the supervisor approving (two-person rule)"}})
					continue
				}
				return Errorf(CodeForbidden, "aturan dua orang: %s mengisi versi ini sendiri; pengawas lain yang menyetujuinya",
					"two-person rule: %s captured this version; another supervisor approves it", actor.Name).About(a.Ref())
			}
			if err := s.move(tx, actor, &a, move{To: StatusApproved, Audit: "app.approve", Detail: map[string]any{"number": a.Number, "version": a.Version}}); err != nil {
				return err
			}
			res.Approved = append(res.Approved, a)
		}
		return nil
	})
	return res, err
}

// SettingTwoPerson is the kit setting that makes approval a second
// person's: "on" or unset.
const SettingTwoPerson = "review.two_person"

// SetTwoPerson turns the two-person rule on or off (supervisors only):
// when on, nobody approves a version they captured themselves.
func (s *Service) SetTwoPerson(ctx context.Context, on bool) error {
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		v := "off"
		if on {
			v = "on"
		}
		if err := tx.SetSealedSetting(SettingTwoPerson, v); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.two_person", "kit", "", "", map[string]string{"rule": v})
	})
}

// TwoPerson reports whether the two-person rule is on (supervisors only).
func (s *Service) TwoPerson(ctx context.Context) (bool, error) {
	var on bool
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		v, err := tx.SealedSetting(SettingTwoPerson)
		on = v == "on"
		return err
	})
	return on, err
}

// Return sends an application back to the officers with a reason
// (supervisors only); a corrected version can then be approved.
func (s *Service) Return(ctx context.Context, ref, reason string) (Application, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 3 {
		return Application{}, invalid([]forms.Issue{issue("reason", "required", "alasan pengembalian wajib diisi", "a reason for returning is required")})
	}
	var a Application
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if a, err = findApp(tx, ref); err != nil {
			return err
		}
		if !a.Status.Awaiting() && a.Status != StatusApproved {
			return Errorf(CodeConflict, "%s berstatus %s dan tidak bisa dikembalikan", "%s is %s and cannot be returned", a.Ref(), a.Status)
		}
		if err := onItsWay(tx, a); err != nil {
			return err
		}
		return s.move(tx, actor, &a, move{To: StatusReturned, Reason: reason, Audit: "app.return", Detail: map[string]any{"number": a.Number}})
	})
	return a, err
}
