package central

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
)

// ByPurpose groups the demand study by the purpose of travel.
const ByPurpose = "purpose"

// DemandViews are the ways the study groups demand, in the order the
// report shows them.
var DemandViews = []string{ByDistrict, ByEvent, ByMonth, ByPurpose}

// The assumptions the study sets demand against. A ULP (passport service
// unit) with four counters serves about 120 to 160 applicants a working
// day, as comparable units report; a month has about 21 working days. An
// Eazy Paspor service needs a group of at least 30 applicants.
const (
	ULPDailyLow      = 120
	ULPDailyHigh     = 160
	ULPCounters      = 4
	WorkingDays      = 21
	EazyPasporGroup  = 30
	VisitsPerMonth   = 4 // what the regency and the office agreed
	unknownKey       = ""
	turnedAwayAction = "event.turned_away"
	eventOpenAction  = "event.open"
)

// DemandQuery bounds the study by the event's date, both ends included
// ("" = open).
type DemandQuery struct {
	From, To string // YYYY-MM-DD
}

// Study is the demand study: applications and people turned away, by
// district, by visit (event), by month and by purpose.
type Study struct {
	Query        DemandQuery
	Applications int
	TurnedAway   int
	TurnedBy     map[string]int // by reason: quota, documents, other
	Districts    []DistrictDemand
	Events       []EventDemand
	Months       []MonthDemand
	Purposes     []PurposeDemand
	Plan         []Visit // the visits planned in the period
}

// DistrictDemand is the applications from one district (the NIK's), named
// from the region tables.
type DistrictDemand struct {
	Code         string // "63.02.01"; "" when unknown (no NIK: a foreigner's stay permit)
	District     string // "Pulau Sembilan"
	Regency      string // "Kotabaru"
	Province     string
	Applications int
}

// EventDemand is one service day of a kit (a visit), against its capacity
// and the Eazy Paspor group size.
type EventDemand struct {
	Kit, EventID     string
	Name, Type       string
	Place, Date      string
	Capacity         int // the kit's quota for the day, else the planned visit's; 0 = none known
	Applications     int
	TurnedAway       int
	Visit            string // the planned visit it was, by id; ""
	BelowGroup       bool   // an Eazy Paspor service with fewer applicants than a group
	CapacityExceeded bool   // applications and people turned away above the capacity
}

// MonthDemand is one month, by the event's date.
type MonthDemand struct {
	Month        string // "2026-11"
	Applications int
	TurnedAway   int
}

// PurposeDemand is one purpose of travel.
type PurposeDemand struct {
	Purpose      string // "umrah"; "" when not given
	Applications int
}

// MonthsCovered is how many calendar months the study spans: the period
// asked for, else the first month with demand to the last; at least 1. A
// month with no visit at all still counts: the demand did not stop.
func (s Study) MonthsCovered() int {
	first, last := s.Query.From, s.Query.To
	if len(s.Months) > 0 {
		if first == "" {
			first = s.Months[0].Month
		}
		if last == "" {
			last = s.Months[len(s.Months)-1].Month
		}
	}
	a, errA := time.Parse("2006-01", first[:min(len(first), 7)])
	b, errB := time.Parse("2006-01", last[:min(len(last), 7)])
	if errA != nil || errB != nil || b.Before(a) {
		return max(len(s.Months), 1)
	}
	return (b.Year()-a.Year())*12 + int(b.Month()-a.Month()) + 1
}

// MonthlyDemand is the average of applications and people turned away a
// month: what a service would have to take.
func (s Study) MonthlyDemand() float64 {
	return float64(s.Applications+s.TurnedAway) / float64(s.MonthsCovered())
}

// VisitSupply is what the agreed periodic visits take in a month: four
// visits at the average capacity of the events studied (or a group's size
// when none had one).
func (s Study) VisitSupply() float64 {
	sum, n := 0, 0
	for _, e := range s.Events {
		if e.Capacity > 0 {
			sum += e.Capacity
			n++
		}
	}
	per := float64(EazyPasporGroup)
	if n > 0 {
		per = float64(sum) / float64(n)
	}
	return per * VisitsPerMonth
}

// DemandStudy gathers the study from the applications received (their current
// versions) and the kits' audit logs (events opened with their capacity,
// people turned away).
func (o *Office) DemandStudy(ctx context.Context, q DemandQuery) (Study, error) {
	for _, d := range []string{q.From, q.To} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return Study{}, badRequestf("date %q: want YYYY-MM-DD", d)
		}
	}
	st := Study{Query: q, TurnedBy: map[string]int{}}
	var apps []Application
	var opens, turned []KitAudit
	err := o.store.View(ctx, func(tx Tx) (err error) {
		if apps, err = tx.Applications(AppFilter{}); err != nil {
			return err
		}
		if opens, err = tx.KitAudit(eventOpenAction); err != nil {
			return err
		}
		if turned, err = tx.KitAudit(turnedAwayAction); err != nil {
			return err
		}
		plan, err := tx.Visits(q.From)
		for _, v := range plan {
			if q.To == "" || v.Date <= q.To {
				st.Plan = append(st.Plan, v)
			}
		}
		return err
	})
	if err != nil {
		return Study{}, err
	}
	in := func(date string) bool { return (q.From == "" || date >= q.From) && (q.To == "" || date <= q.To) }

	events := map[string]*EventDemand{} // kit + "/" + event id
	event := func(kit, id string) *EventDemand {
		k := kit + "/" + id
		e, ok := events[k]
		if !ok {
			e = &EventDemand{Kit: kit, EventID: id}
			events[k] = e
		}
		return e
	}
	for _, a := range opens {
		var d struct{ Type, Name, Place, Date, Capacity string }
		if json.Unmarshal([]byte(a.Entry.Detail), &d) != nil {
			continue
		}
		e := event(a.Kit, a.Entry.EntityID)
		e.Type, e.Name, e.Place, e.Date = d.Type, d.Name, d.Place, d.Date
		e.Capacity, _ = strconv.Atoi(d.Capacity)
	}
	districts := map[string]*DistrictDemand{}
	months := map[string]*MonthDemand{}
	month := func(m string) *MonthDemand {
		x, ok := months[m]
		if !ok {
			x = &MonthDemand{Month: m}
			months[m] = x
		}
		return x
	}
	purposes := map[string]int{}
	tables := forms.DefaultTables()
	for _, a := range apps {
		date := a.Event.Date
		if date == "" {
			date = a.CreatedAt.Format(time.DateOnly)
		}
		if !in(date) || a.KitStatus == "voided" {
			continue
		}
		st.Applications++
		d, ok := districts[a.District]
		if !ok {
			d = &DistrictDemand{Code: a.District}
			if a.District != "" {
				d.District, _ = tables.District(a.District)
				d.Regency, _ = tables.Regency(a.Regency)
				d.Province, _ = tables.Province(a.Province)
			}
			districts[a.District] = d
		}
		d.Applications++
		e := event(a.Kit, a.Event.ID)
		if e.Name == "" {
			e.Type, e.Name, e.Place, e.Date = a.Event.Type, a.Event.Name, a.Event.Place, a.Event.Date
		}
		e.Applications++
		month(date[:7]).Applications++
		purposes[a.Purpose]++
	}
	for _, a := range turned {
		var d struct {
			Count  int
			Reason string
		}
		if json.Unmarshal([]byte(a.Entry.Detail), &d) != nil || d.Count <= 0 {
			continue
		}
		e := event(a.Kit, a.Entry.EntityID)
		date := e.Date
		if date == "" {
			date = a.Entry.At.Format(time.DateOnly)
		}
		if !in(date) {
			continue
		}
		st.TurnedAway += d.Count
		st.TurnedBy[d.Reason] += d.Count
		e.TurnedAway += d.Count
		month(date[:7]).TurnedAway += d.Count
	}
	for _, d := range districts {
		st.Districts = append(st.Districts, *d)
	}
	sort.Slice(st.Districts, func(i, j int) bool {
		a, b := st.Districts[i], st.Districts[j]
		if a.Applications != b.Applications {
			return a.Applications > b.Applications
		}
		return a.Code < b.Code
	})
	for _, e := range events {
		if e.Applications == 0 && e.TurnedAway == 0 {
			continue // an event opened outside the period, or with nobody
		}
		if !in(e.Date) {
			continue
		}
		for _, v := range st.Plan {
			if v.Date == e.Date && samePlace(v.Place, e.Place) {
				e.Visit = v.ID
				if e.Capacity == 0 {
					e.Capacity = v.Capacity
				}
			}
		}
		e.BelowGroup = e.Type == "eazy-paspor" && e.Applications < EazyPasporGroup
		e.CapacityExceeded = e.Capacity > 0 && e.Applications+e.TurnedAway > e.Capacity
		st.Events = append(st.Events, *e)
	}
	sort.Slice(st.Events, func(i, j int) bool {
		a, b := st.Events[i], st.Events[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Kit+a.EventID < b.Kit+b.EventID
	})
	for _, m := range months {
		st.Months = append(st.Months, *m)
	}
	sort.Slice(st.Months, func(i, j int) bool { return st.Months[i].Month < st.Months[j].Month })
	for p, n := range purposes {
		st.Purposes = append(st.Purposes, PurposeDemand{Purpose: p, Applications: n})
	}
	sort.Slice(st.Purposes, func(i, j int) bool {
		a, b := st.Purposes[i], st.Purposes[j]
		if a.Applications != b.Applications {
			return a.Applications > b.Applications
		}
		return a.Purpose < b.Purpose
	})
	return st, nil
}

func samePlace(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(a) == norm(b)
}
