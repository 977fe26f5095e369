package storetest

import (
	"context"
	"testing"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
)

// The office's plan of visits: kept as added, listed from a date on, by
// date then id; an id is never taken twice.
func testVisits(t *testing.T, st central.Store) {
	vs := []central.Visit{
		{ID: "v-b", Place: "Aula Kantor Bupati Kotabaru", Date: "2026-12-11", Type: "eazy-paspor", Capacity: 120, CreatedAt: t0},
		{ID: "v-a", Place: "Kantor Camat Pulau Sembilan", Date: "2026-12-11", Type: "berkala", CreatedAt: t0},
		{ID: "v-c", Place: "Kotabaru", Date: "2026-11-20", Type: "pos-terpadu", Capacity: 40, CreatedAt: t0},
	}
	update(t, st, func(tx central.Tx) error {
		for _, v := range vs {
			if err := tx.AddVisit(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Update(context.Background(), func(tx central.Tx) error { return tx.AddVisit(vs[0]) }); err == nil {
		t.Error("AddVisit took the same id twice")
	}
	view(t, st, func(tx central.Tx) error {
		all, err := tx.Visits("")
		if err != nil {
			return err
		}
		if ids := visitIDs(all); ids != "v-c v-a v-b" {
			t.Errorf(`Visits("") = %s, want v-c v-a v-b`, ids)
		}
		for _, v := range all {
			if v.ID == "v-b" {
				sameTime(t, "visit CreatedAt", v.CreatedAt, t0)
				v.CreatedAt = t0
				if v != vs[0] {
					t.Errorf("visit %+v, want %+v", v, vs[0])
				}
			}
		}
		from, err := tx.Visits("2026-12-01")
		if ids := visitIDs(from); err == nil && ids != "v-a v-b" {
			t.Errorf(`Visits("2026-12-01") = %s, want v-a v-b`, ids)
		}
		return err
	})
}

func visitIDs(list []central.Visit) string {
	s := ""
	for i, v := range list {
		if i > 0 {
			s += " "
		}
		s += v.ID
	}
	return s
}

// KitAudit lists the entries of one action the kits sent, by kit then seq,
// each once however often it was sent.
func testKitAudit(t *testing.T, st central.Store) {
	entries := []struct {
		kit string
		e   ksync.AuditEntry
	}{
		{"KTB02", ksync.AuditEntry{Seq: 4, At: t0, Officer: "o1", Action: "event.turned_away", Entity: "event", EntityID: "ev9", Detail: `{"count":3,"reason":"quota"}`, PrevHash: "p", Hash: "h4"}},
		{"KTB01", ksync.AuditEntry{Seq: 7, At: t0, Officer: "o1", Action: "event.turned_away", Entity: "event", EntityID: "ev1", Detail: `{"count":12,"reason":"quota"}`, PrevHash: "p", Hash: "h7"}},
		{"KTB01", ksync.AuditEntry{Seq: 2, At: t0, Officer: "o1", Action: "event.open", Entity: "event", EntityID: "ev1", Detail: `{"capacity":"120"}`, PrevHash: "p", Hash: "h2"}},
		{"KTB01", ksync.AuditEntry{Seq: 5, At: t0, Officer: "o1", Action: "event.turned_away", Entity: "event", EntityID: "ev1", Reason: "tanpa KK", Detail: `{"count":2,"reason":"documents"}`, PrevHash: "p", Hash: "h5"}},
	}
	for range 2 {
		update(t, st, func(tx central.Tx) error {
			for _, e := range entries {
				if err := tx.AddAudit(e.kit, e.e, t0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	view(t, st, func(tx central.Tx) error {
		list, err := tx.KitAudit("event.turned_away")
		if err != nil {
			return err
		}
		got := ""
		for _, a := range list {
			got += a.Kit + "/" + a.Entry.EntityID + "/" + a.Entry.Detail + "/" + a.Entry.Reason + " "
		}
		want := `KTB01/ev1/{"count":2,"reason":"documents"}/tanpa KK KTB01/ev1/{"count":12,"reason":"quota"}/ KTB02/ev9/{"count":3,"reason":"quota"}/ `
		if got != want {
			t.Errorf("KitAudit(event.turned_away) =\n %s\nwant\n %s", got, want)
		}
		if len(list) > 0 {
			sameTime(t, "audit At", list[0].Entry.At, t0)
		}
		none, err := tx.KitAudit("nothing")
		if err == nil && len(none) != 0 {
			t.Errorf("KitAudit(nothing) = %d entries", len(none))
		}
		return err
	})
}

// An application's purpose of travel is kept with it.
func testPurpose(t *testing.T, st central.Store) {
	a := application("app-p", "KTB01", "KTB01-261127-0009-D")
	a.Purpose, a.District, a.Regency, a.Province = "umrah", "63.02.01", "63.02", "63"
	update(t, st, func(tx central.Tx) error { return tx.PutApplication(a) })
	view(t, st, func(tx central.Tx) error {
		got, err := tx.Application("app-p")
		if err == nil {
			sameApp(t, got, a)
		}
		return err
	})
}
