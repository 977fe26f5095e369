package intake

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
)

// NewEvent is what `jemput event open` asks for.
type NewEvent struct {
	Type  EventType
	Name  string
	Place string
	Date  string // YYYY-MM-DD; empty = today
	// Capacity is the day's quota of applicants; 0 when none was set.
	Capacity int
}

// OpenEvent opens an event (supervisors only). A kit has one open event at
// a time, so that intake always knows where it is.
func (s *Service) OpenEvent(ctx context.Context, in NewEvent) (Event, error) {
	ev := Event{ID: s.newID(), Type: in.Type, Name: strings.TrimSpace(in.Name), Place: strings.TrimSpace(in.Place), Date: strings.TrimSpace(in.Date), Capacity: in.Capacity, OpenedAt: s.now()}
	err := s.store.Update(ctx, func(tx Tx) error {
		if issues := s.checkEvent(tx, &ev); len(issues) > 0 {
			return invalid(issues)
		}
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if open, err := tx.OpenEvent(); err == nil {
			return Errorf(CodeEventOpen, "acara %q (%s) masih dibuka", "event %q (%s) is still open", open.Name, open.Date)
		} else if !IsCode(err, CodeNoEvent) {
			return err
		}
		ev.OpenedBy = actor.ID
		if err := tx.InsertEvent(ev); err != nil {
			return err
		}
		return s.audit(tx, actor, "event.open", "event", ev.ID, "", map[string]string{"type": string(ev.Type), "name": ev.Name, "place": ev.Place, "date": ev.Date, "capacity": strconv.Itoa(ev.Capacity)})
	})
	return ev, err
}

func (s *Service) checkEvent(tx Tx, ev *Event) (issues []forms.Issue) {
	if !slices.Contains(EventTypes, ev.Type) {
		issues = append(issues, issue("type", "invalid_event_type",
			"jenis acara harus salah satu dari eazy-paspor, berkala, pos-terpadu, ulp",
			"the event type must be one of eazy-paspor, berkala, pos-terpadu, ulp"))
	}
	if ev.Name == "" {
		issues = append(issues, issue("name", "required", "nama acara wajib diisi", "the event name is required"))
	}
	if ev.Place == "" {
		issues = append(issues, issue("place", "required", "tempat acara wajib diisi", "the event place is required"))
	}
	if ev.Capacity < 0 || ev.Capacity > 10000 {
		issues = append(issues, issue("capacity", "invalid_capacity", "kuota harus 0 sampai 10000", "the capacity must be 0 to 10000"))
	}
	if ev.Date == "" {
		ev.Date = s.localNow(tx).Format(time.DateOnly) // the kit's day
	} else if _, err := time.Parse(time.DateOnly, ev.Date); err != nil {
		issues = append(issues, issue("date", "invalid_date", "tanggal harus TTTT-BB-HH, misalnya 2026-11-27", "the date must be YYYY-MM-DD, for example 2026-11-27"))
	}
	return issues
}

// CloseEvent closes the event with this id, or the open one when id is
// empty (supervisors only). Its applications stay as they are. While some
// still wait for approval or are drafts it refuses with CodeOpenWork,
// unless force: the supervisor has seen the list (EventWork) and said so.
func (s *Service) CloseEvent(ctx context.Context, id string, force bool) (Event, error) {
	var ev Event
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if id == "" {
			ev, err = tx.OpenEvent()
		} else {
			ev, err = tx.Event(id)
		}
		if err != nil {
			return err
		}
		if !ev.Open() {
			return Errorf(CodeConflict, "acara %q sudah ditutup", "event %q is closed already", ev.Name)
		}
		w, err := eventWork(tx, ev.ID)
		if err != nil {
			return err
		}
		if w.Open() && !force {
			return Errorf(CodeOpenWork, "acara %q masih punya %d permohonan menunggu persetujuan dan %d draf",
				"event %q still has %d applications awaiting approval and %d drafts", ev.Name, len(w.Awaiting), len(w.Drafts))
		}
		ev.ClosedAt = s.now()
		if err := tx.CloseEvent(ev.ID, ev.ClosedAt); err != nil {
			return err
		}
		var detail map[string]int
		if w.Open() {
			detail = map[string]int{"awaiting": len(w.Awaiting), "drafts": len(w.Drafts)}
		}
		return s.audit(tx, actor, "event.close", "event", ev.ID, "", detail)
	})
	return ev, err
}

// Events lists the kit's events, newest first.
func (s *Service) Events(ctx context.Context) ([]Event, error) {
	var list []Event
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		var err error
		list, err = tx.Events()
		return err
	})
	return list, err
}

// CurrentEvent returns the open event.
func (s *Service) CurrentEvent(ctx context.Context) (Event, error) {
	var ev Event
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		ev, err = tx.OpenEvent()
		return err
	})
	return ev, err
}

// Event returns one event by id.
func (s *Service) Event(ctx context.Context, id string) (Event, error) {
	var ev Event
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		ev, err = tx.Event(id)
		return err
	})
	return ev, err
}
