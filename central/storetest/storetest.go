// Package storetest is the contract every central.Store keeps: one set of
// tests, through the central.Store and central.Tx interfaces only, that
// central/sqlite runs today and a PostgreSQL store will run on the same
// ground. Nothing here knows SQL.
//
// Times are compared to the millisecond's worth of precision they are
// given with: a store may keep no finer than microseconds.
package storetest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
)

// Run runs the contract. open makes a new, empty store for each test;
// Run closes it when that test ends.
func Run(t *testing.T, open func(t *testing.T) central.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, central.Store)
	}{
		{"Office", testOffice},
		{"KitKeys", testKitKeys},
		{"Ownership", testOwnership},
		{"Prune", testPrune},
		{"Kits", testKits},
		{"Tokens", testTokens},
		{"Nonces", testNonces},
		{"Records", testRecords},
		{"Held", testHeld},
		{"Applications", testApplications},
		{"Conflicts", testConflicts},
		{"Audit", testAudit},
		{"Attachments", testAttachments},
		{"Statuses", testStatuses},
		{"Visits", testVisits},
		{"KitAudit", testKitAudit},
		{"Purpose", testPurpose},
		{"NotFound", testNotFound},
		{"Transactions", testTransactions},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Backups", testBackups},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, st)
		})
	}
}

// t0 has a fraction of a second, so that a store that drops it is caught.
var t0 = time.Date(2026, 11, 27, 9, 30, 0, 250_000_000, time.UTC)

func update(t *testing.T, st central.Store, fn func(central.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, st central.Store, fn func(central.Tx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, central.ErrNotFound) {
		t.Errorf("%s: %v, want an error wrapping central.ErrNotFound", what, err)
	}
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func key(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func testOffice(t *testing.T, st central.Store) {
	view(t, st, func(tx central.Tx) error {
		_, err := tx.OfficeIdentity()
		wantNotFound(t, "OfficeIdentity before InitOffice", err)
		return nil
	})
	first := central.OfficeIdentity{Name: "Kantor Imigrasi", Fingerprint: "00112233445566778899aabbccddeeff", CreatedAt: t0,
		LegacySigning: key(1), LegacyAgeIdentity: "AGE-SECRET-KEY-1FIRST"}
	update(t, st, func(tx central.Tx) error { return tx.InitOffice(first) })
	// Made once: a second init (another process opening a new database at
	// the same time) changes nothing.
	update(t, st, func(tx central.Tx) error {
		return tx.InitOffice(central.OfficeIdentity{Name: "Other", Fingerprint: "ffeeddccbbaa99887766554433221100", CreatedAt: t0.Add(time.Hour)})
	})
	view(t, st, func(tx central.Tx) error {
		o, err := tx.OfficeIdentity()
		if err != nil {
			return err
		}
		// The secret keys are never stored, even when given.
		if o.Name != first.Name || o.Fingerprint != first.Fingerprint || o.LegacySigning != nil || o.LegacyAgeIdentity != "" {
			t.Errorf("OfficeIdentity = %+v, want the first, without secrets", o)
		}
		sameTime(t, "CreatedAt", o.CreatedAt, t0)
		return nil
	})
	update(t, st, func(tx central.Tx) error { return tx.SetOfficeName("Kantor Imigrasi Batulicin") })
	update(t, st, func(tx central.Tx) error { return tx.ForgetLegacyKeys("0123456789abcdef0123456789abcdef") })
	view(t, st, func(tx central.Tx) error {
		o, err := tx.OfficeIdentity()
		if err != nil {
			return err
		}
		if o.Name != "Kantor Imigrasi Batulicin" || o.Fingerprint != "0123456789abcdef0123456789abcdef" {
			t.Errorf("after SetOfficeName and ForgetLegacyKeys: %+v", o)
		}
		return nil
	})
}

func testKits(t *testing.T, st central.Store) {
	pub := key(3).Public().(ed25519.PublicKey)
	update(t, st, func(tx central.Tx) error {
		if err := tx.AddKit("KTB02", t0); err != nil {
			return err
		}
		if err := tx.AddKit("KTB01", t0); err != nil {
			return err
		}
		return tx.AddKit("KTB01", t0.Add(time.Hour)) // does nothing
	})
	view(t, st, func(tx central.Tx) error {
		k, err := tx.Kit("KTB01")
		if err != nil {
			return err
		}
		if k.Code != "KTB01" || k.PublicKey != nil || !k.EnrolledAt.IsZero() || k.Apps != 0 || !k.LastSeen.IsZero() {
			t.Errorf("a kit added, not enrolled: %+v", k)
		}
		sameTime(t, "AddedAt (the first AddKit's)", k.AddedAt, t0)
		return nil
	})

	update(t, st, func(tx central.Tx) error { return tx.SetKitKey("KTB01", pub, t0.Add(time.Minute)) })
	err := st.Update(context.Background(), func(tx central.Tx) error { return tx.SetKitKey("NONE1", pub, t0) })
	wantNotFound(t, "SetKitKey of an unknown kit", err)

	// A kit's applications and the last record received from it.
	update(t, st, func(tx central.Tx) error {
		for i, at := range []time.Time{t0.Add(2 * time.Hour), t0.Add(3 * time.Hour)} {
			app := fmt.Sprintf("app-%d", i)
			if err := tx.AddRecord(central.StoredRecord{ID: app + "/1", AppID: app, Version: 1, Kit: "KTB01", Number: "N" + app, Hash: "h", Body: []byte("{}"), ReceivedAt: at, Via: central.ViaOnline}); err != nil {
				return err
			}
			if err := tx.PutApplication(application(app, "KTB01", "N"+app)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx central.Tx) error {
		k, err := tx.Kit("KTB01")
		if err != nil {
			return err
		}
		if !k.PublicKey.Equal(pub) || k.Apps != 2 {
			t.Errorf("an enrolled kit with two applications: %+v", k)
		}
		sameTime(t, "EnrolledAt", k.EnrolledAt, t0.Add(time.Minute))
		sameTime(t, "LastSeen", k.LastSeen, t0.Add(3*time.Hour))
		list, err := tx.Kits()
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Code != "KTB01" || list[1].Code != "KTB02" || list[0].Apps != 2 || list[1].PublicKey != nil {
			t.Errorf("Kits = %+v, want KTB01 (enrolled, 2 applications) then KTB02", list)
		}
		return nil
	})
}

func testKitKeys(t *testing.T, st central.Store) {
	k1, k2, k3 := key(11).Public().(ed25519.PublicKey), key(12).Public().(ed25519.PublicKey), key(13).Public().(ed25519.PublicKey)
	view(t, st, func(tx central.Tx) error {
		list, err := tx.KitKeys("NONE1")
		if err != nil || len(list) != 0 {
			t.Errorf("KitKeys of an unknown kit = %+v, %v; want none", list, err)
		}
		return nil
	})
	update(t, st, func(tx central.Tx) error {
		if err := tx.AddKit("KTB01", t0); err != nil {
			return err
		}
		if err := tx.SetKitKey("KTB01", k1, t0); err != nil {
			return err
		}
		// Enrolled again: the first key is kept, as replaced.
		return tx.SetKitKey("KTB01", k2, t0.Add(time.Hour))
	})
	view(t, st, func(tx central.Tx) error {
		list, err := tx.KitKeys("KTB01")
		if err != nil {
			return err
		}
		if len(list) != 2 || !list[0].Key.Equal(k2) || list[0].State != ksync.KeyCurrent || !list[1].Key.Equal(k1) || list[1].State != ksync.KeyReplaced {
			t.Fatalf("KitKeys after re-enrollment = %+v, want k2 current then k1 replaced", list)
		}
		sameTime(t, "replaced since", list[1].Since, t0.Add(time.Hour))
		return nil
	})
	update(t, st, func(tx central.Tx) error { return tx.RevokeKit("KTB01", "laptop hilang", t0.Add(2*time.Hour)) })
	err := st.Update(context.Background(), func(tx central.Tx) error { return tx.RevokeKit("KTB01", "again", t0.Add(3*time.Hour)) })
	wantNotFound(t, "RevokeKit of a kit without a current key", err)
	view(t, st, func(tx central.Tx) error {
		k, err := tx.Kit("KTB01")
		if err != nil {
			return err
		}
		if k.PublicKey != nil || !k.Revoked() || k.RevokedReason != "laptop hilang" {
			t.Errorf("a revoked kit: %+v", k)
		}
		sameTime(t, "RevokedAt", k.RevokedAt, t0.Add(2*time.Hour))
		list, err := tx.KitKeys("KTB01")
		if err != nil {
			return err
		}
		states := map[string]string{}
		for _, kk := range list {
			states[string(kk.Key)] = kk.State
			if kk.State == ksync.KeyRevoked && kk.Reason != "laptop hilang" {
				t.Errorf("revoked key without its reason: %+v", kk)
			}
		}
		if len(list) != 2 || states[string(k2)] != ksync.KeyRevoked || states[string(k1)] != ksync.KeyReplaced {
			t.Errorf("KitKeys after revocation = %+v", list)
		}
		return nil
	})
	// A replacement enrolls: the kit is enrolled again, the revoked key
	// stays revoked.
	update(t, st, func(tx central.Tx) error { return tx.SetKitKey("KTB01", k3, t0.Add(4*time.Hour)) })
	view(t, st, func(tx central.Tx) error {
		k, err := tx.Kit("KTB01")
		if err != nil {
			return err
		}
		if !k.PublicKey.Equal(k3) || k.Revoked() {
			t.Errorf("after enrolling a replacement: %+v", k)
		}
		list, err := tx.KitKeys("KTB01")
		if err != nil {
			return err
		}
		if len(list) != 3 || !list[0].Key.Equal(k3) || list[0].State != ksync.KeyCurrent {
			t.Errorf("KitKeys after a replacement = %+v, want k3 current first", list)
		}
		for _, kk := range list[1:] {
			if kk.Key.Equal(k2) && kk.State != ksync.KeyRevoked {
				t.Errorf("the revoked key became %s", kk.State)
			}
		}
		return nil
	})
}

func testOwnership(t *testing.T, st central.Store) {
	update(t, st, func(tx central.Tx) error {
		for _, r := range []central.StoredRecord{
			{ID: "app-a/1", AppID: "app-a", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "h1", Body: []byte("{}"), ReceivedAt: t0, Via: central.ViaOnline},
			{ID: "app-a/2", AppID: "app-a", Version: 2, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "h2", Body: []byte("{}"), ReceivedAt: t0.Add(time.Hour), Via: central.ViaOnline},
			{ID: "app-b/1", AppID: "app-b", Version: 1, Kit: "BTL02", Number: "BTL02-261127-0001-X", Hash: "h3", Body: []byte("{}"), ReceivedAt: t0, Via: central.ViaImport},
		} {
			if err := tx.AddRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx central.Tx) error {
		for _, tc := range []struct {
			app, number string
			want        central.Owners
		}{
			{"app-a", "KTB01-261127-0001-X", central.Owners{AppKit: "KTB01", NumberApp: "app-a", NumberKit: "KTB01"}},
			{"app-b", "KTB01-261127-0001-X", central.Owners{AppKit: "BTL02", NumberApp: "app-a", NumberKit: "KTB01"}},
			{"app-x", "BTL02-261127-0001-X", central.Owners{NumberApp: "app-b", NumberKit: "BTL02"}},
			{"app-a", "KTB01-261127-0009-X", central.Owners{AppKit: "KTB01"}},
			{"app-x", "KTB01-261127-0009-X", central.Owners{}},
		} {
			got, err := tx.Owners(tc.app, tc.number)
			if err != nil || got != tc.want {
				t.Errorf("Owners(%s, %s) = %+v, %v; want %+v", tc.app, tc.number, got, err, tc.want)
			}
		}
		return nil
	})
}

func testTokens(t *testing.T, st central.Store) {
	tok := central.Token{SecretHash: "aa11", Kit: "KTB01", CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour)}
	update(t, st, func(tx central.Tx) error {
		if err := tx.AddKit("KTB01", t0); err != nil {
			return err
		}
		return tx.AddToken(tok)
	})
	view(t, st, func(tx central.Tx) error {
		got, err := tx.Token("aa11")
		if err != nil {
			return err
		}
		if got.SecretHash != "aa11" || got.Kit != "KTB01" || !got.UsedAt.IsZero() {
			t.Errorf("Token = %+v", got)
		}
		sameTime(t, "CreatedAt", got.CreatedAt, tok.CreatedAt)
		sameTime(t, "ExpiresAt", got.ExpiresAt, tok.ExpiresAt)
		return nil
	})
	update(t, st, func(tx central.Tx) error { return tx.UseToken("aa11", t0.Add(time.Hour)) })
	view(t, st, func(tx central.Tx) error {
		got, err := tx.Token("aa11")
		if err != nil {
			return err
		}
		sameTime(t, "UsedAt", got.UsedAt, t0.Add(time.Hour))
		return nil
	})
}

func testNonces(t *testing.T, st central.Store) {
	seen := func(kit, nonce string, at time.Time) bool {
		t.Helper()
		var s bool
		update(t, st, func(tx central.Tx) (err error) {
			s, err = tx.SeenNonce(kit, nonce, at, at.Add(-30*time.Minute))
			return err
		})
		return s
	}
	if seen("KTB01", "n1", t0) {
		t.Error("a new nonce was seen")
	}
	if !seen("KTB01", "n1", t0.Add(time.Minute)) {
		t.Error("a repeated nonce was not seen")
	}
	if seen("KTB02", "n1", t0.Add(time.Minute)) {
		t.Error("another kit's nonce was seen")
	}
	// Forty minutes on, n1 is forgotten: recorded anew, then seen.
	if seen("KTB01", "n1", t0.Add(40*time.Minute)) {
		t.Error("a nonce older than pruneBefore was still seen")
	}
	if !seen("KTB01", "n1", t0.Add(41*time.Minute)) {
		t.Error("a nonce recorded again was not seen")
	}
}

func testRecords(t *testing.T, st central.Store) {
	r := central.StoredRecord{ID: "app-a/1", AppID: "app-a", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "hash1", Body: []byte(`{"app_id":"app-a"}`), ReceivedAt: t0, Via: central.ViaImport}
	update(t, st, func(tx central.Tx) error { return tx.AddRecord(r) })
	view(t, st, func(tx central.Tx) error {
		h, err := tx.RecordHash("app-a/1")
		if err != nil {
			return err
		}
		if h != "hash1" {
			t.Errorf("RecordHash = %q, want hash1", h)
		}
		return nil
	})
	// A version is immutable: the same id again is refused, and the first
	// is kept.
	other := r
	other.Hash = "hash2"
	if err := st.Update(context.Background(), func(tx central.Tx) error { return tx.AddRecord(other) }); err == nil {
		t.Error("a second record with the same id was accepted")
	}
	view(t, st, func(tx central.Tx) error {
		h, err := tx.RecordHash("app-a/1")
		if err == nil && h != "hash1" {
			t.Errorf("RecordHash after a refused second record = %q, want hash1", h)
		}
		return err
	})
}

// application is a received application of kit, ready to be put.
func application(appID, kit, number string) central.Application {
	return central.Application{
		AppID: appID, Kit: kit, Number: number, Version: 1, Form: "passport", FormVersion: 1, KitStatus: "approved",
		Event:     ksync.Event{ID: "ev1", Type: "eazy-paspor", Name: "Eazy Paspor Kotabaru", Place: "Kotabaru", Date: "2026-11-27"},
		CreatedAt: t0, ReceivedAt: t0.Add(time.Hour), Status: central.StatusReceived, UpdatedAt: t0.Add(time.Hour),
	}
}

// sameApp compares applications field by field, times by Equal.
func sameApp(t *testing.T, got, want central.Application) {
	t.Helper()
	sameTime(t, want.AppID+" CreatedAt", got.CreatedAt, want.CreatedAt)
	sameTime(t, want.AppID+" ReceivedAt", got.ReceivedAt, want.ReceivedAt)
	sameTime(t, want.AppID+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.ReceivedAt, got.UpdatedAt = want.CreatedAt, want.ReceivedAt, want.UpdatedAt
	if got != want {
		t.Errorf("application\n %+v\nwant\n %+v", got, want)
	}
}

func testApplications(t *testing.T, st central.Store) {
	a := application("app-a", "KTB01", "KTB01-261127-0002-B")
	a.Province, a.Regency, a.District = "63", "63.02", "63.02.01"
	b := application("app-b", "KTB01", "KTB01-261127-0001-A")
	c := application("app-c", "KTB02", "KTB02-261127-0001-C")
	c.Status, c.Reason = ksync.StatusRejected, "foto buram"
	// An application whose id is another's number: the id wins.
	d := application("KTB02-261127-0001-C", "KTB02", "KTB02-261127-0009-D")
	update(t, st, func(tx central.Tx) error {
		for _, x := range []central.Application{a, b, c, d} {
			if err := tx.PutApplication(x); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx central.Tx) error {
		got, err := tx.Application("app-a")
		if err != nil {
			return err
		}
		sameApp(t, got, a)
		if got, err := tx.Application("KTB01-261127-0001-A"); err != nil || got.AppID != "app-b" {
			t.Errorf("Application by number: %+v %v, want app-b", got, err)
		}
		if got, err := tx.Application("KTB02-261127-0001-C"); err != nil || got.AppID != "KTB02-261127-0001-C" {
			t.Errorf("Application of an id that is also a number: %+v %v, want the one with that id", got.AppID, err)
		}
		return nil
	})

	// Put again: replaced by AppID.
	a2 := a
	a2.Version, a2.Status, a2.Pickup, a2.UpdatedAt = 2, ksync.StatusReady, "kunjungan 11 Desember", t0.Add(2*time.Hour)
	update(t, st, func(tx central.Tx) error { return tx.PutApplication(a2) })

	ids := func(f central.AppFilter) string {
		t.Helper()
		var list []central.Application
		view(t, st, func(tx central.Tx) (err error) {
			list, err = tx.Applications(f)
			return err
		})
		var s []string
		for _, x := range list {
			s = append(s, x.AppID)
		}
		return fmt.Sprint(s)
	}
	// In number order.
	for _, c := range []struct {
		f    central.AppFilter
		want string
	}{
		{central.AppFilter{}, "[app-b app-a app-c KTB02-261127-0001-C]"},
		{central.AppFilter{Kit: "KTB01"}, "[app-b app-a]"},
		{central.AppFilter{Status: ksync.StatusReady}, "[app-a]"},
		{central.AppFilter{Status: central.StatusReceived, Kit: "KTB02"}, "[KTB02-261127-0001-C]"},
		{central.AppFilter{Limit: 2}, "[app-b app-a]"},
		{central.AppFilter{Kit: "NONE1"}, "[]"},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("Applications(%+v) = %s, want %s", c.f, got, c.want)
		}
	}
	view(t, st, func(tx central.Tx) error {
		got, err := tx.Application("app-a")
		if err != nil {
			return err
		}
		sameApp(t, got, a2)
		return nil
	})
}

func testConflicts(t *testing.T, st central.Store) {
	c1 := central.Conflict{RecordID: "app-a/1", Kit: "KTB01", HeldHash: "h1", OfferedHash: "h2", Body: []byte(`{"v":2}`), At: t0}
	c2 := central.Conflict{RecordID: "app-b/1", Kit: "KTB02", HeldHash: "h3", OfferedHash: "h4", Body: []byte(`{"v":4}`), At: t0.Add(time.Minute)}
	update(t, st, func(tx central.Tx) error {
		for _, c := range []central.Conflict{c1, c2, c1} { // c1 again: recorded once
			if err := tx.AddConflict(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx central.Tx) error {
		all, err := tx.Conflicts("")
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].RecordID != c1.RecordID || all[1].RecordID != c2.RecordID {
			t.Fatalf("Conflicts(\"\") = %+v, want c1 then c2", all)
		}
		got := all[0]
		if got.Kit != c1.Kit || got.HeldHash != c1.HeldHash || got.OfferedHash != c1.OfferedHash || !bytes.Equal(got.Body, c1.Body) {
			t.Errorf("conflict %+v, want %+v", got, c1)
		}
		sameTime(t, "conflict At", got.At, c1.At)
		one, err := tx.Conflicts("KTB02")
		if err != nil {
			return err
		}
		if len(one) != 1 || one[0].RecordID != c2.RecordID {
			t.Errorf("Conflicts(KTB02) = %+v", one)
		}
		return nil
	})
}

func testAudit(t *testing.T, st central.Store) {
	// A repeat of kit+seq is taken without error (a resent batch).
	e := ksync.AuditEntry{Seq: 1, At: t0, Officer: "198001012005011001", Action: "app.create", Entity: "application", EntityID: "app-a", Hash: "h1"}
	for range 2 {
		update(t, st, func(tx central.Tx) error {
			if err := tx.AddAudit("KTB01", e, t0.Add(time.Hour)); err != nil {
				return err
			}
			return tx.AddAudit("KTB02", e, t0.Add(time.Hour))
		})
	}
	// AuditHash reads the hash held per kit and seq, "" for none: the
	// office checks a new segment against it.
	update(t, st, func(tx central.Tx) error {
		if h, err := tx.AuditHash("KTB01", 1); err != nil || h != "h1" {
			t.Errorf("AuditHash(KTB01, 1) = %q, %v; want h1", h, err)
		}
		if h, err := tx.AuditHash("KTB01", 2); err != nil || h != "" {
			t.Errorf("AuditHash(KTB01, 2) = %q, %v; want none", h, err)
		}
		if h, err := tx.AuditHash("KTB03", 1); err != nil || h != "" {
			t.Errorf("AuditHash(KTB03, 1) = %q, %v; want none", h, err)
		}
		return nil
	})
}

func testAttachments(t *testing.T, st central.Store) {
	const sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	view(t, st, func(tx central.Tx) error {
		_, err := tx.Attachment(sha)
		wantNotFound(t, "Attachment never sent", err)
		_, err = tx.Partial(sha, "KTB01")
		wantNotFound(t, "Partial never sent", err)
		return nil
	})
	update(t, st, func(tx central.Tx) error {
		// Two kits send the same hash: each part is its own.
		if err := tx.PutPartial(central.Partial{SHA256: sha, Kit: "KTB01", Total: 11, Held: 5, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AddChunk(sha, "KTB01", 5, []byte(" world")); err != nil {
			return err
		}
		if err := tx.AddChunk(sha, "KTB01", 0, []byte("hello")); err != nil {
			return err
		}
		if err := tx.PutPartial(central.Partial{SHA256: sha, Kit: "KTB01", Total: 11, Held: 11, UpdatedAt: t0.Add(time.Minute)}); err != nil {
			return err
		}
		if err := tx.PutPartial(central.Partial{SHA256: sha, Kit: "BTL02", Total: 999, Held: 3, UpdatedAt: t0}); err != nil {
			return err
		}
		return tx.AddChunk(sha, "BTL02", 0, []byte("bad"))
	})
	view(t, st, func(tx central.Tx) error {
		p, err := tx.Partial(sha, "KTB01")
		if err != nil {
			return err
		}
		if p.Total != 11 || p.Held != 11 || p.Kit != "KTB01" {
			t.Errorf("Partial(KTB01) = %+v, want 11 of 11", p)
		}
		sameTime(t, "UpdatedAt", p.UpdatedAt, t0.Add(time.Minute))
		// Chunks come back joined in offset order, whatever the order they
		// were added in, and only the kit's own.
		data, err := tx.Chunks(sha, "KTB01")
		if err != nil {
			return err
		}
		if string(data) != "hello world" {
			t.Errorf("Chunks(KTB01) = %q, want %q", data, "hello world")
		}
		if data, err := tx.Chunks(sha, "BTL02"); err != nil || string(data) != "bad" {
			t.Errorf("Chunks(BTL02) = %q, %v", data, err)
		}
		if n, err := tx.PartialBytes("KTB01"); err != nil || n != 11 {
			t.Errorf("PartialBytes(KTB01) = %d, %v; want 11", n, err)
		}
		none, err := tx.Chunks("0000000000000000000000000000000000000000000000000000000000000000", "KTB01")
		if err != nil || len(none) != 0 {
			t.Errorf("Chunks of an unknown attachment = %q, %v; want nothing", none, err)
		}
		_, err = tx.Attachment(sha)
		wantNotFound(t, "Attachment not yet whole", err)
		return nil
	})

	// Whole: shared, and every kit's part of it goes.
	update(t, st, func(tx central.Tx) error {
		return tx.CompleteAttachment(central.Attachment{SHA256: sha, Total: 11, Kit: "KTB01", UpdatedAt: t0.Add(2 * time.Minute)}, []byte("hello world"))
	})
	update(t, st, func(tx central.Tx) error { // again: nothing changes
		return tx.CompleteAttachment(central.Attachment{SHA256: sha, Total: 11, Kit: "BTL02", UpdatedAt: t0.Add(3 * time.Minute)}, []byte("hello world"))
	})
	view(t, st, func(tx central.Tx) error {
		a, err := tx.Attachment(sha)
		if err != nil {
			return err
		}
		if a.Total != 11 || a.Kit != "KTB01" {
			t.Errorf("after CompleteAttachment: %+v", a)
		}
		sameTime(t, "UpdatedAt after completion", a.UpdatedAt, t0.Add(2*time.Minute))
		for _, kit := range []string{"KTB01", "BTL02"} {
			_, err := tx.Partial(sha, kit)
			wantNotFound(t, "Partial of "+kit+" after completion", err)
			if data, err := tx.Chunks(sha, kit); err != nil || len(data) != 0 {
				t.Errorf("chunks of %s left after CompleteAttachment: %q %v", kit, data, err)
			}
		}
		return nil
	})
	if err := st.Update(context.Background(), func(tx central.Tx) error {
		return tx.CompleteAttachment(central.Attachment{SHA256: "0000000000000000000000000000000000000000000000000000000000000002", Total: 5}, []byte("abc"))
	}); err == nil {
		t.Error("CompleteAttachment took data of another size than its total")
	}

	// A discarded upload: its chunks and its state go.
	const other = "0000000000000000000000000000000000000000000000000000000000000001"
	update(t, st, func(tx central.Tx) error {
		if err := tx.PutPartial(central.Partial{SHA256: other, Kit: "KTB01", Total: 3, Held: 3, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AddChunk(other, "KTB01", 0, []byte("abc")); err != nil {
			return err
		}
		return tx.DeletePartial(other, "KTB01")
	})
	view(t, st, func(tx central.Tx) error {
		data, err := tx.Chunks(other, "KTB01")
		if err != nil || len(data) != 0 {
			t.Errorf("chunks left after DeletePartial: %q %v", data, err)
		}
		_, err = tx.Partial(other, "KTB01")
		wantNotFound(t, "Partial after DeletePartial", err)
		return nil
	})
}

func testPrune(t *testing.T, st central.Store) {
	const kept, orphan, fresh, part, newPart = "00000000000000000000000000000000000000000000000000000000000000a1",
		"00000000000000000000000000000000000000000000000000000000000000a2",
		"00000000000000000000000000000000000000000000000000000000000000a3",
		"00000000000000000000000000000000000000000000000000000000000000a4",
		"00000000000000000000000000000000000000000000000000000000000000a5"
	update(t, st, func(tx central.Tx) error {
		for _, a := range []central.Attachment{{SHA256: kept, Total: 1, Kit: "KTB01", UpdatedAt: t0}, {SHA256: orphan, Total: 1, Kit: "KTB01", UpdatedAt: t0}, {SHA256: fresh, Total: 1, Kit: "KTB01", UpdatedAt: t0.Add(48 * time.Hour)}} {
			if err := tx.CompleteAttachment(a, []byte("x")); err != nil {
				return err
			}
		}
		for _, p := range []central.Partial{{SHA256: part, Kit: "KTB01", Total: 9, Held: 1, UpdatedAt: t0}, {SHA256: newPart, Kit: "KTB01", Total: 9, Held: 1, UpdatedAt: t0.Add(48 * time.Hour)}} {
			if err := tx.PutPartial(p); err != nil {
				return err
			}
			if err := tx.AddChunk(p.SHA256, p.Kit, 0, []byte("x")); err != nil {
				return err
			}
		}
		return tx.AddRecord(central.StoredRecord{ID: "app-a/1", AppID: "app-a", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "h", Body: []byte("{}"), ReceivedAt: t0, Via: central.ViaOnline, Photo: kept})
	})
	var partials, whole int
	update(t, st, func(tx central.Tx) (err error) {
		partials, whole, err = tx.PruneAttachments(t0.Add(24 * time.Hour))
		return err
	})
	if partials != 1 || whole != 1 {
		t.Errorf("PruneAttachments = %d partials, %d whole; want 1 and 1", partials, whole)
	}
	view(t, st, func(tx central.Tx) error {
		for _, sha := range []string{kept, fresh} {
			if _, err := tx.Attachment(sha); err != nil {
				t.Errorf("attachment %s pruned: %v", sha[60:], err)
			}
		}
		_, err := tx.Attachment(orphan)
		wantNotFound(t, "an old attachment no record refers to", err)
		_, err = tx.Partial(part, "KTB01")
		wantNotFound(t, "an old partial", err)
		if data, err := tx.Chunks(part, "KTB01"); err != nil || len(data) != 0 {
			t.Errorf("chunks of a pruned partial: %q %v", data, err)
		}
		if _, err := tx.Partial(newPart, "KTB01"); err != nil {
			t.Errorf("a recent partial was pruned: %v", err)
		}
		if n, err := tx.RecordsWithPhoto(kept); err != nil || n != 1 {
			t.Errorf("RecordsWithPhoto = %d, %v; want 1", n, err)
		}
		return nil
	})
}

func testStatuses(t *testing.T, st central.Store) {
	update(t, st, func(tx central.Tx) error {
		for _, a := range []central.Application{application("app-a", "KTB01", "N1"), application("app-b", "KTB02", "N2")} {
			if err := tx.PutApplication(a); err != nil {
				return err
			}
		}
		return nil
	})
	var seqs []int64
	add := func(kit string, s ksync.Status) {
		t.Helper()
		update(t, st, func(tx central.Tx) error {
			seq, err := tx.AddStatus(kit, s)
			seqs = append(seqs, seq)
			return err
		})
	}
	ready := ksync.Status{Seq: 999, AppID: "app-a", Number: "N1", Status: ksync.StatusReady, Pickup: "kunjungan 11 Desember", At: t0.Add(2 * time.Hour)}
	add("KTB01", ksync.Status{Seq: 999, AppID: "app-a", Number: "N1", Status: ksync.StatusAccepted, At: t0})
	add("KTB02", ksync.Status{AppID: "app-b", Number: "N2", Status: ksync.StatusRejected, Reason: "foto buram", At: t0.Add(time.Hour)})
	add("KTB01", ready)
	if seqs[0] < 1 || seqs[1] <= seqs[0] || seqs[2] <= seqs[1] {
		t.Fatalf("AddStatus gave seqs %v, want 1 or more and increasing (s.Seq ignored)", seqs)
	}

	list := func(kit string, after int64, limit int) []ksync.Status {
		t.Helper()
		var l []ksync.Status
		view(t, st, func(tx central.Tx) (err error) {
			l, err = tx.Statuses(kit, after, limit)
			return err
		})
		return l
	}
	got := list("KTB01", 0, 10)
	if len(got) != 2 || got[0].Seq != seqs[0] || got[1].Seq != seqs[2] {
		t.Fatalf("Statuses(KTB01, 0) = %+v, want seqs %d and %d", got, seqs[0], seqs[2])
	}
	want := ready
	want.Seq = seqs[2]
	if g := got[1]; g.Seq != want.Seq || g.AppID != want.AppID || g.Number != want.Number || g.Status != want.Status || g.Reason != "" || g.Pickup != want.Pickup {
		t.Errorf("status %+v, want %+v", g, want)
	}
	sameTime(t, "status At", got[1].At, want.At)
	if got := list("KTB01", 0, 1); len(got) != 1 || got[0].Seq != seqs[0] {
		t.Errorf("Statuses with limit 1 = %+v", got)
	}
	if got := list("KTB01", seqs[0], 10); len(got) != 1 || got[0].Seq != seqs[2] {
		t.Errorf("Statuses after the first = %+v", got)
	}
	if got := list("KTB02", 0, 10); len(got) != 1 || got[0].Reason != "foto buram" {
		t.Errorf("Statuses(KTB02) = %+v", got)
	}
	// None after the cursor: an empty list, not nil (it is answered as
	// JSON: [] and not null).
	if got := list("KTB01", seqs[2], 10); got == nil || len(got) != 0 {
		t.Errorf("Statuses after the last = %#v, want an empty list", got)
	}
}

func testNotFound(t *testing.T, st central.Store) {
	lookups := map[string]func(central.Tx) error{
		"OfficeIdentity": func(tx central.Tx) error { _, err := tx.OfficeIdentity(); return err },
		"Partial":        func(tx central.Tx) error { _, err := tx.Partial("ffff", "KTB01"); return err },
		"Kit":            func(tx central.Tx) error { _, err := tx.Kit("NONE1"); return err },
		"Token":          func(tx central.Tx) error { _, err := tx.Token("ffff"); return err },
		"RecordHash":     func(tx central.Tx) error { _, err := tx.RecordHash("none/1"); return err },
		"Application":    func(tx central.Tx) error { _, err := tx.Application("none"); return err },
		"Attachment":     func(tx central.Tx) error { _, err := tx.Attachment("ffff"); return err },
	}
	for name, fn := range lookups {
		// Through View and Update alike: the store hands fn's error back
		// as it is, or wrapped.
		wantNotFound(t, name+" in View", st.View(context.Background(), fn))
		wantNotFound(t, name+" in Update", st.Update(context.Background(), fn))
	}
}

func testTransactions(t *testing.T, st central.Store) {
	ctx := context.Background()
	has := func(code string) bool {
		t.Helper()
		err := st.View(ctx, func(tx central.Tx) error { _, err := tx.Kit(code); return err })
		if err != nil && !errors.Is(err, central.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}

	update(t, st, func(tx central.Tx) error { return tx.AddKit("KTB01", t0) })
	if !has("KTB01") {
		t.Error("Update did not commit")
	}

	stop := errors.New("stop")
	err := st.Update(ctx, func(tx central.Tx) error {
		if err := tx.AddKit("KTB02", t0); err != nil {
			return err
		}
		return fmt.Errorf("the use case refuses: %w", stop)
	})
	if !errors.Is(err, stop) {
		t.Errorf("Update returned %v, want fn's error", err)
	}
	if has("KTB02") {
		t.Error("Update kept a write after fn failed")
	}

	// A write inside View may fail or not; it is never kept.
	_ = st.View(ctx, func(tx central.Tx) error {
		_ = tx.AddKit("KTB03", t0)
		return nil
	})
	if has("KTB03") {
		t.Error("View kept a write")
	}
	if err := st.View(ctx, func(central.Tx) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("View returned %v, want fn's error", err)
	}
}

// testConcurrentUpdates has writers read and then write in each Update:
// if two ran at once, both would read the same count and one kit would
// be lost. Writers wait for each other; none fails.
func testConcurrentUpdates(t *testing.T, st central.Store) {
	const writers, each = 8, 5
	var wg gosync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := st.Update(context.Background(), func(tx central.Tx) error {
					kits, err := tx.Kits()
					if err != nil {
						return err
					}
					return tx.AddKit(fmt.Sprintf("K%03d", len(kits)+1), t0)
				})
				if err != nil {
					t.Errorf("concurrent Update: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var kits []central.Kit
	view(t, st, func(tx central.Tx) (err error) {
		kits, err = tx.Kits()
		return err
	})
	if len(kits) != writers*each {
		t.Errorf("%d kits after %d serialised Updates, want %d", len(kits), writers*each, writers*each)
	}
}

// testHeld holds Held, AddRecords and PutApplications to what RecordHash,
// Owners, Application, Attachment, AddRecord and PutApplication say.
func testHeld(t *testing.T, st central.Store) {
	photo := strings.Repeat("ab", 32)
	partial := strings.Repeat("cd", 32)
	recs := []central.StoredRecord{
		{ID: "app-a/1", AppID: "app-a", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "h1", Body: []byte(`{"v":1}`), ReceivedAt: t0, Via: central.ViaOnline, Photo: photo},
		{ID: "app-a/2", AppID: "app-a", Version: 2, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "h2", Body: []byte(`{"v":2}`), ReceivedAt: t0, Via: central.ViaOnline},
		{ID: "app-b/1", AppID: "app-b", Version: 1, Kit: "BTL02", Number: "BTL02-261127-0001-X", Hash: "h3", Body: []byte(`{}`), ReceivedAt: t0, Via: central.ViaImport},
	}
	first := application("app-a", "KTB01", "KTB01-261127-0001-X")
	second := first
	second.Version, second.KitStatus = 2, "handed-over"
	other := application("app-b", "BTL02", "BTL02-261127-0001-X")
	update(t, st, func(tx central.Tx) error {
		if err := tx.AddRecords(recs); err != nil {
			return err
		}
		if err := tx.AddRecords(nil); err != nil {
			return err
		}
		// In order: the second put of app-a replaces the first.
		if err := tx.PutApplications([]central.Application{first, other, second}); err != nil {
			return err
		}
		if err := tx.CompleteAttachment(central.Attachment{SHA256: photo, Total: 3, Kit: "KTB01", UpdatedAt: t0}, []byte("abc")); err != nil {
			return err
		}
		return tx.PutPartial(central.Partial{SHA256: partial, Kit: "KTB01", Total: 10, Held: 0, UpdatedAt: t0})
	})
	view(t, st, func(tx central.Tx) error {
		for _, r := range recs {
			if h, err := tx.RecordHash(r.ID); err != nil || h != r.Hash {
				t.Errorf("RecordHash(%s) after AddRecords = %q, %v; want %q", r.ID, h, err, r.Hash)
			}
		}
		if n, err := tx.RecordsWithPhoto(photo); err != nil || n != 1 {
			t.Errorf("RecordsWithPhoto after AddRecords = %d, %v; want 1", n, err)
		}
		got, err := tx.Application("app-a")
		if err != nil {
			return err
		}
		sameApp(t, got, second)
		h, err := tx.Held(central.HeldQuery{
			IDs:     []string{"app-a/1", "app-a/2", "app-b/1", "app-x/1", "app-a/3"},
			AppIDs:  []string{"app-a", "app-b", "app-x", "app-a"},
			Numbers: []string{"KTB01-261127-0001-X", "BTL02-261127-0001-X", "KTB01-261127-0009-X"},
			Photos:  []string{photo, partial, strings.Repeat("ef", 32)},
		})
		if err != nil {
			return err
		}
		wantHashes := map[string]string{"app-a/1": "h1", "app-a/2": "h2", "app-b/1": "h3"}
		if fmt.Sprint(h.Hashes) != fmt.Sprint(wantHashes) {
			t.Errorf("Held hashes = %v, want %v", h.Hashes, wantHashes)
		}
		wantKits := map[string]string{"app-a": "KTB01", "app-b": "BTL02"}
		if fmt.Sprint(h.AppKits) != fmt.Sprint(wantKits) {
			t.Errorf("Held application kits = %v, want %v", h.AppKits, wantKits)
		}
		wantNumbers := map[string]central.NumberOwner{"KTB01-261127-0001-X": {App: "app-a", Kit: "KTB01"}, "BTL02-261127-0001-X": {App: "app-b", Kit: "BTL02"}}
		if fmt.Sprint(h.Numbers) != fmt.Sprint(wantNumbers) {
			t.Errorf("Held numbers = %v, want %v", h.Numbers, wantNumbers)
		}
		if len(h.Apps) != 2 {
			t.Errorf("Held applications = %d, want 2 (app-a, app-b)", len(h.Apps))
		}
		sameApp(t, h.Apps["app-a"], second)
		sameApp(t, h.Apps["app-b"], other)
		if a, ok := h.Photos[photo]; len(h.Photos) != 1 || !ok || a.Total != 3 || a.Kit != "KTB01" {
			t.Errorf("Held photos = %+v, want only the whole %s", h.Photos, photo)
		}
		sameTime(t, "held photo", h.Photos[photo].UpdatedAt, t0)
		// Nothing asked, nothing answered, no error.
		if h, err := tx.Held(central.HeldQuery{}); err != nil || len(h.Hashes)+len(h.Apps)+len(h.Photos) != 0 {
			t.Errorf("Held of nothing = %+v, %v", h, err)
		}
		return nil
	})
	// A record id held already fails the whole AddRecords, as AddRecord
	// does, and the transaction leaves nothing of it.
	again := []central.StoredRecord{
		{ID: "app-c/1", AppID: "app-c", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0003-X", Hash: "h4", Body: []byte(`{}`), ReceivedAt: t0, Via: central.ViaOnline},
		{ID: "app-a/1", AppID: "app-a", Version: 1, Kit: "KTB01", Number: "KTB01-261127-0001-X", Hash: "other", Body: []byte(`{}`), ReceivedAt: t0, Via: central.ViaOnline},
	}
	if err := st.Update(context.Background(), func(tx central.Tx) error { return tx.AddRecords(again) }); err == nil {
		t.Error("AddRecords with a record id held already succeeded")
	}
	view(t, st, func(tx central.Tx) error {
		if h, err := tx.RecordHash("app-a/1"); err != nil || h != "h1" {
			t.Errorf("RecordHash(app-a/1) after a refused AddRecords = %q, %v; want h1", h, err)
		}
		_, err := tx.RecordHash("app-c/1")
		wantNotFound(t, "app-c/1 of a refused AddRecords", err)
		return nil
	})
}
