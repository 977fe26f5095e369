package central

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	ksync "github.com/jemput/jemput/sync"
)

// Visit types: where the office's officers go to take applicants and hand
// over passports.
var VisitTypes = []string{"eazy-paspor", "berkala", "pos-terpadu"}

// AddVisit plans a visit. Kits learn the plan at their next sync (and in
// ack files): a receipt names the next visit to its place as the pickup.
func (o *Office) AddVisit(ctx context.Context, place, date, typ string, capacity int) (Visit, error) {
	v := Visit{ID: o.newVisitID(), Place: strings.Join(strings.Fields(place), " "), Date: strings.TrimSpace(date), Type: strings.TrimSpace(typ),
		Capacity: capacity, CreatedAt: o.now()}
	if v.Type == "" {
		v.Type = "berkala"
	}
	switch {
	case v.Place == "":
		return Visit{}, badRequestf("a visit needs a place (--place)")
	case !slices.Contains(VisitTypes, v.Type):
		return Visit{}, badRequestf("visit type %q: want eazy-paspor, berkala or pos-terpadu", v.Type)
	case capacity < 0 || capacity > 10000:
		return Visit{}, badRequestf("capacity %d: want 0 to 10000", capacity)
	}
	if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
		return Visit{}, badRequestf("date %q: want YYYY-MM-DD, for example 2026-12-11", date)
	}
	err := o.store.Update(ctx, func(tx Tx) error { return tx.AddVisit(v) })
	return v, err
}

// newVisitID is short enough to type in app status --visit, and random,
// so that two office processes never hand out the same one.
func (o *Office) newVisitID() string { return "v-" + randomHex(4) }

// Visits lists the planned visits from a date on ("" for all).
func (o *Office) Visits(ctx context.Context, from string) ([]Visit, error) {
	var list []Visit
	err := o.store.View(ctx, func(tx Tx) (err error) {
		list, err = tx.Visits(from)
		return err
	})
	return list, err
}

func visitByID(tx Tx, id string) (Visit, error) {
	list, err := tx.Visits("")
	if err != nil {
		return Visit{}, err
	}
	for _, v := range list {
		if v.ID == id {
			return v, nil
		}
	}
	return Visit{}, ksync.Errorf(ksync.CodeNotFound, "no visit %q in the plan (jemput-central visit list)", id)
}

// plan is what kits are sent: the visits from today on, in the office's
// zone.
func (o *Office) plan(tx Tx) ([]ksync.Visit, error) {
	list, err := tx.Visits(o.now().Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	out := make([]ksync.Visit, 0, len(list))
	for _, v := range list {
		out = append(out, ksync.Visit{ID: v.ID, Place: v.Place, Date: v.Date, Type: v.Type, Capacity: v.Capacity})
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
