package intake

import (
	"context"
	"strings"
	"sync"
	"time"
)

// DefaultZone is the zone of a kit whose province says nothing else:
// Kantor Imigrasi Batulicin, Kalimantan Selatan, keeps WITA.
const DefaultZone = "Asia/Makassar"

// ZoneOfProvince is the IANA zone of an Indonesian province by its
// two-digit code (the first two digits of a NIK): WIB in Sumatra, Java and
// West and Central Kalimantan, WITA in Bali, Nusa Tenggara, the rest of
// Kalimantan and Sulawesi, WIT in Maluku and Papua. "" for an unknown code.
func ZoneOfProvince(code string) string {
	return provinceZones[strings.TrimSpace(code)]
}

var provinceZones = func() map[string]string {
	m := map[string]string{}
	add := func(zone string, codes ...string) {
		for _, c := range codes {
			m[c] = zone
		}
	}
	add("Asia/Jakarta", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36")
	add("Asia/Pontianak", "61", "62")
	add("Asia/Makassar", "51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")
	add("Asia/Jayapura", "81", "82", "91", "92", "93", "94", "95", "96", "97")
	return m
}()

// LoadZone reads an IANA zone name, refusing "Local" and "" (the laptop's
// accident is exactly what the kit's zone is there to avoid).
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "local") {
		return nil, Errorf(CodeInvalid, "zona waktu kosong: beri nama IANA seperti Asia/Makassar", "no time zone: give an IANA name such as Asia/Makassar")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(CodeInvalid, "zona waktu %q tidak dikenal: beri nama IANA seperti Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)",
			"unknown time zone %q: give an IANA name such as Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)", name)
	}
	return loc, nil
}

// ZoneAbbrev is the Indonesian name of the country's three zones (WIB,
// WITA, WIT), else the zone's own abbreviation at t.
func ZoneAbbrev(t time.Time) string {
	switch t.Location().String() {
	case "Asia/Jakarta", "Asia/Pontianak":
		return "WIB"
	case "Asia/Makassar", "Asia/Ujung_Pandang":
		return "WITA"
	case "Asia/Jayapura":
		return "WIT"
	}
	z, _ := t.Zone()
	return z
}

// Location is the kit's zone; a kit made before zones were kept is in
// DefaultZone.
func (k Kit) Location() *time.Location {
	name := k.Zone
	if name == "" {
		name = DefaultZone
	}
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc, _ = time.LoadLocation(DefaultZone)
	}
	if loc == nil {
		loc = time.UTC
	}
	locations.Store(name, loc)
	return loc
}

// locations keeps the zones loaded, by name: time.LoadLocation reads and
// parses the zone's file at every call, a twentieth of a capture.
var locations sync.Map

// ZoneName is the kit zone's IANA name.
func (k Kit) ZoneName() string {
	if k.Zone == "" {
		return DefaultZone
	}
	return k.Zone
}

// SetZone changes the kit's zone (supervisors only). Stored times are
// instants and stay as they are; only what is shown and what the dates of
// new numbers and events say follow the new zone.
func (s *Service) SetZone(ctx context.Context, name string) (Kit, error) {
	if _, err := LoadZone(name); err != nil {
		return Kit{}, err
	}
	name = strings.TrimSpace(name)
	var k Kit
	err := s.store.Update(ctx, func(tx Tx) error {
		actor, err := s.actor(tx, RoleSupervisor)
		if err != nil {
			return err
		}
		if k, err = tx.Kit(); err != nil {
			return err
		}
		old := k.ZoneName()
		if old == name {
			return Errorf(CodeInvalid, "zona waktu kit sudah %s", "the kit's time zone is %s already", name)
		}
		k.Zone = name
		if err := tx.SetKitZone(name); err != nil {
			return err
		}
		return s.audit(tx, actor, "kit.zone", "kit", k.Code, "", map[string]string{"from": old, "to": name})
	})
	return k, err
}

// localNow is the service clock in the kit's zone: the day of a number, an
// event, an age.
func (s *Service) localNow(tx Tx) time.Time {
	k, err := tx.Kit()
	if err != nil {
		return s.now()
	}
	return s.now().In(k.Location())
}
