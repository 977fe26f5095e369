package intake

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Visit is one visit the office plans (an Eazy Paspor service, a periodic
// visit, an integrated post): where finished passports come back. The kit
// holds the plan as the office last sent it.
type Visit struct {
	ID       string
	Place    string
	Date     string // YYYY-MM-DD, local
	Type     string // eazy-paspor, berkala, pos-terpadu
	Capacity int    // 0 = not set
}

// Label names a visit for a person: "Aula Kantor Bupati, 2026-12-11".
func (v Visit) Label() string { return v.Place + ", " + v.Date }

// samePlace compares places as people type them: case and spaces aside.
func samePlace(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(a) == norm(b)
}

// ApplyVisits stores the office's visit plan (from a sync answer or an ack
// file); a visit the kit has is replaced by the office's newer word.
func (s *Service) ApplyVisits(ctx context.Context, list []Visit) error {
	if len(list) == 0 {
		return nil
	}
	for _, v := range list {
		if v.ID == "" || strings.TrimSpace(v.Place) == "" {
			return Errorf(CodeInvalid, "kunjungan dari kantor tanpa id atau tempat", "a visit from the office has no id or place")
		}
		if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
			return Errorf(CodeInvalid, "kunjungan %s: tanggal %q tidak sah", "visit %s: date %q is not valid", v.ID, v.Date)
		}
	}
	return s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		held, err := tx.Visits()
		if err != nil {
			return err
		}
		have := map[string]Visit{}
		for _, v := range held {
			have[v.ID] = v
		}
		changed := 0
		for _, v := range list {
			if have[v.ID] == v {
				continue // every answer carries the whole plan
			}
			if err := tx.PutVisit(v); err != nil {
				return err
			}
			changed++
		}
		if changed == 0 {
			return nil
		}
		return s.audit(tx, actor, "sync.visits", "office", "", "", map[string]int{"visits": changed})
	})
}

// Visits lists the plan the kit holds, by date.
func (s *Service) Visits(ctx context.Context) ([]Visit, error) {
	var list []Visit
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		list, err = sortedVisits(tx)
		return err
	})
	return list, err
}

func sortedVisits(tx Tx) ([]Visit, error) {
	list, err := tx.Visits()
	sort.Slice(list, func(i, j int) bool {
		if list[i].Date != list[j].Date {
			return list[i].Date < list[j].Date
		}
		return list[i].ID < list[j].ID
	})
	return list, err
}

// nextVisit is the first planned visit to the event's place after the
// event's date: where the applicant collects the passport. nil when the
// plan has none.
func nextVisit(tx Tx, ev Event) (*Visit, error) {
	list, err := sortedVisits(tx)
	if err != nil {
		return nil, err
	}
	for _, v := range list {
		if v.Date > ev.Date && samePlace(v.Place, ev.Place) {
			return &v, nil
		}
	}
	return nil, nil
}

// visitOf is the planned visit an event is: the same place on the same
// day. nil when none.
func visitOf(tx Tx, ev Event) (*Visit, error) {
	list, err := sortedVisits(tx)
	if err != nil {
		return nil, err
	}
	for _, v := range list {
		if v.Date == ev.Date && samePlace(v.Place, ev.Place) {
			return &v, nil
		}
	}
	return nil, nil
}

// ReadyHere lists the applications whose passports the office said are
// ready to be handed over at this event: their latest office status is
// ready and names the visit that the open event is. With no open event, or
// an event that is no planned visit, the list is empty and the visit nil.
func (s *Service) ReadyHere(ctx context.Context) ([]Application, *Visit, error) {
	var out []Application
	var visit *Visit
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.actor(tx, RoleOfficer); err != nil {
			return err
		}
		ev, err := tx.OpenEvent()
		if err != nil {
			return err
		}
		if visit, err = visitOf(tx, ev); err != nil || visit == nil {
			return err
		}
		ready, err := tx.Applications(Filter{Status: StatusReady})
		if err != nil {
			return err
		}
		for _, a := range ready {
			sts, err := tx.OfficeStatuses(a.ID)
			if err != nil {
				return err
			}
			if n := len(sts); n > 0 && sts[n-1].Status == StatusReady && sts[n-1].VisitID == visit.ID {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, visit, err
}
