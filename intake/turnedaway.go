package intake

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
)

// Why people who came could not be served.
const (
	TurnedAwayQuota     = "quota"     // the day's capacity was reached
	TurnedAwayDocuments = "documents" // they lacked what intake needs
	TurnedAwayOther     = "other"
)

// TurnedAwayReasons lists the reasons in the order the CLI shows them.
var TurnedAwayReasons = []string{TurnedAwayQuota, TurnedAwayDocuments, TurnedAwayOther}

// TurnedAway records people who came to an event but could not be served:
// unmet demand, which no form captures and the office's study needs most.
type TurnedAway struct {
	ID        string
	EventID   string
	Count     int
	Reason    string // quota, documents, other
	Note      string
	OfficerID string
	At        time.Time
}

// RecordTurnedAway records n people turned away from the open event.
func (s *Service) RecordTurnedAway(ctx context.Context, n int, reason, note string) (TurnedAway, error) {
	t := TurnedAway{ID: s.newID(), Count: n, Reason: strings.TrimSpace(reason), Note: strings.TrimSpace(note), At: s.now()}
	var issues []forms.Issue
	if n < 1 || n > 10000 {
		issues = append(issues, issue("count", "invalid_count", "jumlah harus 1 sampai 10000", "the number must be 1 to 10000"))
	}
	if !slices.Contains(TurnedAwayReasons, t.Reason) {
		issues = append(issues, issue("reason", "invalid_reason", "alasan harus quota, documents atau other", "the reason must be quota, documents or other"))
	}
	if len(issues) > 0 {
		return TurnedAway{}, invalid(issues)
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleOfficer)
		if err != nil {
			return err
		}
		ev, err := tx.OpenEvent()
		if err != nil {
			return err
		}
		t.EventID, t.OfficerID = ev.ID, actor.ID
		if err := tx.InsertTurnedAway(t); err != nil {
			return err
		}
		return s.audit(tx, actor, "event.turned_away", "event", ev.ID, t.Note, map[string]any{"count": t.Count, "reason": t.Reason})
	})
	return t, err
}

// EventWork is what an event still has open: applications waiting for the
// supervisor's approval (captured, incomplete) and drafts.
type EventWork struct {
	Event      Event
	Awaiting   []Application
	Drafts     []Application
	TurnedAway []TurnedAway
}

// Open reports whether anything is left to do.
func (w EventWork) Open() bool { return len(w.Awaiting)+len(w.Drafts) > 0 }

// TurnedAwayCount adds up the people turned away.
func (w EventWork) TurnedAwayCount() int {
	n := 0
	for _, t := range w.TurnedAway {
		n += t.Count
	}
	return n
}

// EventWork says what the event (id, or the open one when "") still has
// open.
func (s *Service) EventWork(ctx context.Context, id string) (EventWork, error) {
	var w EventWork
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		w, err = eventWork(tx, id)
		return err
	})
	return w, err
}

func eventWork(tx Tx, id string) (EventWork, error) {
	var w EventWork
	var err error
	if id == "" {
		w.Event, err = tx.OpenEvent()
	} else {
		w.Event, err = tx.Event(id)
	}
	if err != nil {
		return w, err
	}
	apps, err := tx.Applications(Filter{EventID: w.Event.ID})
	if err != nil {
		return w, err
	}
	for _, a := range apps {
		switch a.Status {
		case StatusDraft:
			w.Drafts = append(w.Drafts, a)
		case StatusCaptured, StatusIncomplete:
			w.Awaiting = append(w.Awaiting, a)
		}
	}
	w.TurnedAway, err = tx.TurnedAway(w.Event.ID)
	return w, err
}

// Quota says how many applications an event has saved today (drafts and
// voided ones aside) against the day's capacity (0 when none was set).
func (s *Service) Quota(ctx context.Context, eventID string) (saved, capacity int, err error) {
	err = s.store.View(ctx, func(tx Tx) error {
		ev, err := tx.Event(eventID)
		if err != nil {
			return err
		}
		capacity = ev.Capacity
		if capacity == 0 {
			return nil
		}
		apps, err := tx.Applications(Filter{EventID: ev.ID})
		if err != nil {
			return err
		}
		// The day is the kit's, whatever the laptop's zone.
		loc := time.UTC
		if k, err := tx.Kit(); err == nil {
			loc = k.Location()
		}
		today := s.now().In(loc).Format(time.DateOnly)
		for _, a := range apps {
			if a.Status != StatusDraft && a.Status != StatusVoided && a.CreatedAt.In(loc).Format(time.DateOnly) == today {
				saved++
			}
		}
		return nil
	})
	return saved, capacity, err
}
