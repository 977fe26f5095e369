package forms

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jemput/jemput/internal/fixtures"
)

// The region tables are the official list in full (idn-area-data 4.0.1),
// every level hanging from the one above.
func TestRegionTablesInFull(t *testing.T) {
	tb := DefaultTables()
	if n := len(tb.provinces); n != 38 {
		t.Errorf("%d provinces, want 38", n)
	}
	if n := len(tb.regencies); n != 514 {
		t.Errorf("%d regencies, want 514", n)
	}
	districts := embeddedDistricts()
	if n := len(districts); n != 7285 {
		t.Errorf("%d districts, want 7,285", n)
	}
	for code := range districts {
		if !districtCode.MatchString(code) {
			t.Errorf("district code %q: want PP.RR.SS", code)
		}
		if _, ok := tb.Regency(code[:5]); !ok {
			t.Errorf("district %s has no regency", code)
		}
	}
	for code := range tb.regencies {
		if _, ok := tb.Province(code[:2]); !ok {
			t.Errorf("regency %s has no province", code)
		}
	}
	// An office's own district names replace the embedded ones.
	own, err := ReadTables(strings.NewReader(`{"districts": {"63.02.01": "Pulau Sembilan (Kep.)"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := own.District("63.02.01"); n != "Pulau Sembilan (Kep.)" {
		t.Errorf("own district name %q", n)
	}
	if _, ok := own.District("63.02.02"); ok {
		t.Error("an office's districts section should replace the embedded one whole")
	}
	if _, err := ReadTables(strings.NewReader(`{"districts": {"6302.01": "X"}}`)); err == nil {
		t.Error("a bad district code was accepted")
	}
	for code, want := range map[string]string{
		"63.02.01": "Pulau Sembilan, Kotabaru, Kalimantan Selatan",
		"63.10.02": "Kusan Hilir, Tanah Bumbu, Kalimantan Selatan",
		"63.02":    "Kotabaru, Kalimantan Selatan",
		"63.99.01": "Kalimantan Selatan",
		"99.01.01": "",
	} {
		if got := tb.RegionName(code); got != want {
			t.Errorf("RegionName(%s) = %q, want %q", code, got, want)
		}
	}
}

// Every NIK in the fixtures that is a NIK at all names its district.
func TestFixtureDistrictsNamed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtures.Dir(t), "applicants", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatal("no applicant fixtures", err)
	}
	tb, seen := DefaultTables(), 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(f, err)
		}
		s, _ := v["nik"].(string)
		n, err := ParseNIK(s)
		if err != nil || strings.HasPrefix(filepath.Base(f), "warn-unknown-province") {
			continue
		}
		seen++
		if _, ok := tb.District(n.District); !ok {
			t.Errorf("%s: district %s of NIK %s has no name", filepath.Base(f), n.District, s)
		}
	}
	if seen < 10 {
		t.Errorf("only %d fixture NIKs checked", seen)
	}
}

// The purpose of travel is optional, and only one of the study's values.
func TestTravelPurpose(t *testing.T) {
	f := mustGet(t, "passport")
	for _, c := range []struct {
		value any
		want  string
	}{
		{nil, ""}, {"umrah", ""}, {"hajj", ""}, {"work", ""}, {"study", ""}, {"tourism", ""}, {"family", ""}, {"other", ""},
		{"shopping", "travel_purpose"},
	} {
		d := adult()
		if c.value != nil {
			d["travel_purpose"] = c.value
		}
		r := f.Check(d, Context{Today: fixtureToday})
		got := ""
		for _, is := range r.Errors {
			got += is.Field
		}
		if got != c.want {
			t.Errorf("travel_purpose %v: errors %q, want %q", c.value, got, c.want)
		}
		if c.want == "" && c.value != nil && r.Values["travel_purpose"] != c.value {
			t.Errorf("travel_purpose %v kept as %v", c.value, r.Values["travel_purpose"])
		}
	}
}

// BenchmarkLoadRegionTables: what every command pays for the region
// tables (provinces and regencies, parsed and checked), and what naming a
// district first costs (the 7,285 districts).
func BenchmarkLoadRegionTables(b *testing.B) {
	b.Run("provinces+regencies", func(b *testing.B) {
		for b.Loop() {
			var doc tablesDoc
			for name, dst := range map[string]any{"provinces": &doc.Provinces, "regencies": &doc.Regencies} {
				raw, _ := tableFiles.ReadFile("tables/" + name + ".json")
				if err := strictUnmarshal(raw, dst); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := buildTables(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("districts", func(b *testing.B) {
		for b.Loop() {
			var m map[string]string
			raw, _ := tableFiles.ReadFile("tables/districts.json")
			if err := strictUnmarshal(raw, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
