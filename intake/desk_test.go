package intake

import (
	"testing"
	"time"
	_ "time/tzdata" // as the binaries: no /usr/share/zoneinfo needed

	"github.com/jemput/jemput/forms"
)

func TestZoneOfProvince(t *testing.T) {
	for code, want := range map[string]string{
		"63": "Asia/Makassar", "64": "Asia/Makassar", "71": "Asia/Makassar", "51": "Asia/Makassar",
		"61": "Asia/Pontianak", "62": "Asia/Pontianak", "31": "Asia/Jakarta", "11": "Asia/Jakarta",
		"94": "Asia/Jayapura", "81": "Asia/Jayapura", "99": "", "6": "", "": "",
	} {
		if got := ZoneOfProvince(code); got != want {
			t.Errorf("ZoneOfProvince(%q) = %q, want %q", code, got, want)
		}
	}
	// Go's tzdata is embedded in the binaries (cmd/jemput main.go); every
	// zone the table names loads.
	for _, z := range provinceZones {
		if _, err := LoadZone(z); err != nil {
			t.Errorf("%s: %v", z, err)
		}
	}
	if _, err := LoadZone("Local"); err == nil {
		t.Error("the laptop's own zone was accepted as the kit's")
	}
	at := time.Date(2026, 12, 1, 23, 5, 0, 0, time.UTC)
	if got := at.In(Kit{}.Location()).Format("2006-01-02 15:04"); got != "2026-12-02 07:05" {
		t.Errorf("a kit without a zone: %s, want WITA's 2026-12-02 07:05", got)
	}
	if got := ZoneAbbrev(at.In(Kit{Zone: "Asia/Jayapura"}.Location())); got != "WIT" {
		t.Errorf("abbreviation %q", got)
	}
}

func TestRosterDisagreements(t *testing.T) {
	r := &RosterEntry{No: 5, Values: map[string]any{"full_name": "Hj. Nor Aisyah, S.Pd", "nik": "6302015101870002"}}
	for _, tc := range []struct {
		name, nik string
		want      []string
	}{
		{"Nor Aisyah", "6302015101870002", nil},
		{"NOR  AISYAH", "6302015101870002", nil},
		{"Budi Santoso", "6302015101870002", []string{"full_name"}},
		{"Nor Aisyah", "6302012208880005", []string{"nik"}},
		{"Budi Santoso", "6302012208880005", []string{"nik", "full_name"}},
	} {
		d := RosterDisagreements(r, map[string]any{"full_name": tc.name, "nik": tc.nik})
		var got []string
		for _, is := range d {
			got = append(got, is.Field)
		}
		if len(got) != len(tc.want) || (len(got) > 0 && (got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1])) {
			t.Errorf("%s/%s: %v, want %v", tc.name, tc.nik, got, tc.want)
		}
	}
	if RosterDisagreements(nil, map[string]any{"nik": "1"}) != nil {
		t.Error("no roster entry, yet disagreements")
	}
}

func TestChanges(t *testing.T) {
	f, err := forms.Get("passport")
	if err != nil {
		t.Fatal(err)
	}
	old := Document{Values: map[string]any{"full_name": "Budi", "occupation": "Nelayan", "documents": []any{"ktp", "kk"}, "validity_years": float64(10)},
		Overridden: []forms.Issue{{Field: "nik", Reason: "akta"}}}
	same := Document{Values: map[string]any{"full_name": "Budi", "occupation": "Nelayan", "documents": []string{"ktp", "kk"}, "validity_years": 10},
		Overridden: []forms.Issue{{Field: "nik", Reason: "akta"}}}
	if c := Changes(f, old, same); len(c) != 0 {
		t.Errorf("the same values read back differently: %v", c)
	}
	next := Document{Values: map[string]any{"full_name": "Budi", "occupation": "Petani", "documents": []string{"ktp", "kk"}, "validity_years": 10, "email": "b@x.id"},
		Photo: &Attachment{SHA256: "abc"}}
	got := Changes(f, old, next)
	want := []string{"occupation", "email", "photo", "override:nik"}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want fields %v", got, want)
	}
	for i, c := range got {
		if c.Field != want[i] {
			t.Errorf("change %d: %v, want %s", i, c, want[i])
		}
	}
}
