package intake

import (
	"context"
	"sort"
	"time"

	"github.com/jemput/jemput/forms"
)

// DayReport is what the supervisor's end-of-day report says: every
// application of an event (of one day of it, when Date is set) with who
// took it, why it was voided or returned, and whether it has reached the
// office; the drafts left open and the people turned away.
type DayReport struct {
	Kit        Kit
	Event      Event
	Date       string // YYYY-MM-DD; "" = every day of the event
	Made       time.Time
	By         Officer // the supervisor who made it
	Apps       []DayApp
	Drafts     int
	TurnedAway []TurnedAway
}

// DayApp is one application in the day report.
type DayApp struct {
	App     Application
	Officer Officer // who captured its current version
	// Reason is why it was voided or returned (its last move there); "".
	Reason string
	Sync   SyncMark
}

// SyncMark says where an application stands with the office.
type SyncMark string

const (
	SyncNotYet   SyncMark = "not-approved" // not approved: nothing to send
	SyncWaiting  SyncMark = "waiting"      // approved, not at the office yet
	SyncExported SyncMark = "exported"     // in an export file, not acknowledged
	SyncHeld     SyncMark = "at-office"    // the office holds its current version
	SyncConflict SyncMark = "conflict"     // the office holds other content
)

// DayReport gathers the report of an event (id, or the open one, or else
// the latest), of one day when date is set (supervisors only).
func (s *Service) DayReport(ctx context.Context, eventID, date string) (DayReport, error) {
	r := DayReport{Date: date, Made: s.now()}
	if date != "" {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return r, invalid(issues1("date", "invalid_date", "tanggal harus TTTT-BB-HH, misalnya 2026-11-27", "the date must be YYYY-MM-DD, for example 2026-11-27"))
		}
	}
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if r.By, err = s.actor(tx, RoleSupervisor); err != nil {
			return err
		}
		if r.Kit, err = tx.Kit(); err != nil {
			return err
		}
		// Days and times in the kit's zone, whatever the laptop's.
		loc := r.Kit.Location()
		r.Made = r.Made.In(loc)
		if r.Event, err = reportEvent(tx, eventID); err != nil {
			return err
		}
		apps, err := tx.Applications(Filter{EventID: r.Event.ID})
		if err != nil {
			return err
		}
		officers := map[string]Officer{}
		for _, a := range apps {
			a.CreatedAt, a.UpdatedAt = a.CreatedAt.In(loc), a.UpdatedAt.In(loc)
			if date != "" && a.CreatedAt.Format(time.DateOnly) != date {
				continue
			}
			if a.Status == StatusDraft {
				r.Drafts++
				continue
			}
			d := DayApp{App: a}
			o, ok := officers[a.OfficerID]
			if !ok {
				if o, err = tx.Officer(a.OfficerID); err != nil {
					return err
				}
				officers[a.OfficerID] = o
			}
			d.Officer = o
			if a.Status == StatusVoided || a.Status == StatusReturned {
				ts, err := tx.Transitions(a.ID)
				if err != nil {
					return err
				}
				for _, t := range ts {
					if t.To == a.Status {
						d.Reason = t.Reason
					}
				}
			}
			if d.Sync, err = syncMark(tx, a); err != nil {
				return err
			}
			r.Apps = append(r.Apps, d)
		}
		tas, err := tx.TurnedAway(r.Event.ID)
		if err != nil {
			return err
		}
		for _, t := range tas {
			t.At = t.At.In(loc)
			if date == "" || t.At.Format(time.DateOnly) == date {
				r.TurnedAway = append(r.TurnedAway, t)
			}
		}
		// By number: the order the queue came in, and what the receipts say.
		sort.SliceStable(r.Apps, func(i, j int) bool { return r.Apps[i].App.Number < r.Apps[j].App.Number })
		return nil
	})
	return r, err
}

func issues1(field, code, id, en string) []forms.Issue {
	return []forms.Issue{issue(field, code, id, en)}
}

// reportEvent is the event asked for, else the open one, else the latest.
func reportEvent(tx Tx, id string) (Event, error) {
	if id != "" {
		return tx.Event(id)
	}
	ev, err := tx.OpenEvent()
	if !IsCode(err, CodeNoEvent) {
		return ev, err
	}
	list, err := tx.Events()
	if err != nil {
		return Event{}, err
	}
	if len(list) == 0 {
		return Event{}, Errorf(CodeNoEvent, "belum ada acara", "there is no event yet")
	}
	return list[0], nil
}

func syncMark(tx Tx, a Application) (SyncMark, error) {
	switch a.Status {
	case StatusCaptured, StatusIncomplete, StatusReturned, StatusVoided:
		return SyncNotYet, nil
	}
	id := RecordID(a.ID, a.Version)
	ack, err := tx.Ack(id)
	switch {
	case err == nil && ack.Held():
		return SyncHeld, nil
	case err == nil && ack.Result == AckConflict:
		return SyncConflict, nil
	case err != nil && !IsCode(err, CodeNotFound):
		return "", err
	}
	if a.Status != StatusApproved && a.Status != StatusHandedOver {
		// Synced and the office's statuses: the office holds an earlier
		// version at least.
		return SyncHeld, nil
	}
	exp, err := tx.Exported(id)
	if err != nil {
		return "", err
	}
	if exp {
		return SyncExported, nil
	}
	return SyncWaiting, nil
}
