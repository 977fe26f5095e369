package forms

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/jemput/jemput/internal/fixtures"
)

// fixtureToday is the fixed event date for the fixtures (EXPECT.md).
var fixtureToday = date(2026, 11, 27)

func loadFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	b := fixtures.Read(t, "applicants", name)
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber() // the engine takes json.Number as well as float64
	var data map[string]any
	if err := d.Decode(&data); err != nil {
		t.Fatal(err)
	}
	return data
}

func fieldsOf(issues []Issue) string {
	var fs []string
	for _, is := range issues {
		fs = append(fs, is.Field+":"+is.Severity.String())
	}
	sort.Strings(fs)
	return strings.Join(fs, ",")
}

// TestFixtures asserts exactly what testdata/fixtures/applicants/EXPECT.md
// says each file produces at an eazy-paspor event on 2026-11-27.
func TestFixtures(t *testing.T) {
	type expect struct {
		event     string            // default eazy-paspor
		overrides map[string]string // given by the officer
		errors    string            // sorted field:severity of Result.Errors
		overriden string
		warnings  string
		missing   string // ids, in order
		fee       int64
	}
	want := map[string]expect{
		"adult-new.json":                        {fee: 950000},
		"adult-female-renewal.json":             {fee: 650000},
		"minor-new.json":                        {fee: 350000},
		"mononym.json":                          {warnings: "full_name:warning", fee: 950000},
		"long-name.json":                        {warnings: "full_name:warning", fee: 650000},
		"incomplete-missing-kk.json":            {missing: "kk", fee: 650000},
		"odd-address-markup.json":               {fee: 950000},
		"warn-unknown-province.json":            {warnings: "nik:warning", fee: 950000},
		"stay-permit-itas.json":                 {},
		"lost-passport.json":                    {errors: "application_type:error", fee: 1950000},
		"lost-passport.json@ulp":                {event: "ulp", fee: 1950000},
		"bad-nik-length.json":                   {errors: "nik:error", fee: 950000},
		"bad-nik-letter.json":                   {errors: "nik:error", fee: 950000},
		"bad-nik-date-mismatch.json":            {errors: "nik:overridable", fee: 950000},
		"bad-nik-date-mismatch.json@override":   {overrides: map[string]string{"nik": "Akta kelahiran menunjukkan 14 April; NIK salah catat di Dukcapil"}, overriden: "nik:overridable", fee: 950000},
		"bad-nik-date-mismatch.json@typo":       {overrides: map[string]string{"nik": "alasan", "nkk": "alasan"}, overriden: "nik:overridable", errors: "nkk:error", fee: 950000},
		"bad-nik-sex-mismatch.json":             {errors: "nik:overridable", fee: 950000},
		"bad-feb29.json":                        {errors: "birth_date:error,nik:error", fee: 950000},
		"bad-future-birth.json":                 {errors: "birth_date:error", fee: 950000},
		"bad-minor-ten-years.json":              {errors: "validity_years:error", fee: 650000},
		"bad-minor-parent-absent.json":          {errors: "both_parents_present:error", fee: 350000},
		"bad-renewal-no-old-passport.json":      {errors: "old_passport_number:error", fee: 650000},
		"bad-name-titles.json":                  {errors: "full_name:error", fee: 950000},
		"bad-name-injection.json":               {errors: "full_name:error", fee: 950000},
		"bad-stay-permit-passport-expired.json": {errors: "passport_expiry:error"},
		"bad-stay-permit-nationality.json":      {errors: "nationality:error"},
	}

	files, err := filepath.Glob(filepath.Join(fixtures.Dir(t), "applicants", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtures.Dir(t), err)
	}
	for _, p := range files {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("fixture %s has no expectation here", filepath.Base(p))
		}
	}

	for key, w := range want {
		t.Run(key, func(t *testing.T) {
			file, _, _ := strings.Cut(key, "@")
			data := loadFixture(t, file)
			f, err := Get(data["form"].(string))
			if err != nil {
				t.Fatal(err)
			}
			ctx := Context{Today: fixtureToday, EventType: "eazy-paspor", Overrides: w.overrides}
			if w.event != "" {
				ctx.EventType = w.event
			}
			r := f.Check(data, ctx)
			if got := fieldsOf(r.Errors); got != w.errors {
				t.Errorf("errors = %q, want %q\n%v", got, w.errors, r.Errors)
			}
			if got := fieldsOf(r.Overridden); got != w.overriden {
				t.Errorf("overridden = %q, want %q", got, w.overriden)
			}
			if got := fieldsOf(r.Warnings); got != w.warnings {
				t.Errorf("warnings = %q, want %q\n%v", got, w.warnings, r.Warnings)
			}
			var missing []string
			for _, d := range r.Missing {
				missing = append(missing, d.ID)
			}
			if got := strings.Join(missing, ","); got != w.missing {
				t.Errorf("missing = %q, want %q", got, w.missing)
			}
			if r.OK() != (w.errors == "") || r.Complete() != (w.missing == "") {
				t.Errorf("OK = %v, Complete = %v", r.OK(), r.Complete())
			}
			if r.Fee.Total != w.fee {
				t.Errorf("fee = %d, want %d (%+v)", r.Fee.Total, w.fee, r.Fee.Lines)
			}
			for _, list := range [][]Issue{r.Errors, r.Overridden, r.Warnings} {
				for _, is := range list {
					if is.Field == "" || is.Code == "" || is.Message.ID == "" || is.Message.EN == "" {
						t.Errorf("incomplete issue %+v", is)
					}
				}
			}
		})
	}
}

// TestFixtureDetails checks the specifics EXPECT.md names beyond the field.
func TestFixtureDetails(t *testing.T) {
	ctx := Context{Today: fixtureToday, EventType: "eazy-paspor"}
	passport, _ := Get("passport")

	r := passport.Check(loadFixture(t, "bad-name-titles.json"), ctx)
	if r.Errors[0].Code != "name_titles" || r.Errors[0].Suggestion != "AHMAD FAUZI" {
		t.Errorf("titles: %+v", r.Errors)
	}

	r = passport.Check(loadFixture(t, "long-name.json"), ctx)
	w := r.Warnings[0]
	if w.Code != "name_mrz_truncated" || !strings.Contains(w.Message.ID, "RAMADHANI, NURUL HIDAYAH SITI KARTIKASA") ||
		!strings.Contains(w.Message.EN, "the passport will print") {
		t.Errorf("long name warning: %+v", w)
	}
	if r.Derived["mrz_name"] != "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA" || r.Derived["mrz_truncated"] != true {
		t.Errorf("derived: %v", r.Derived)
	}

	r = passport.Check(loadFixture(t, "mononym.json"), ctx)
	if r.Warnings[0].Code != "name_single" || r.Derived["mrz_name"] != "SUKARNO" {
		t.Errorf("mononym: %+v %v", r.Warnings, r.Derived["mrz_name"])
	}

	r = passport.Check(loadFixture(t, "warn-unknown-province.json"), ctx)
	if r.Warnings[0].Code != "nik_unknown_province" || !strings.Contains(r.Warnings[0].Message.ID, "99") {
		t.Errorf("province: %+v", r.Warnings)
	}

	r = passport.Check(loadFixture(t, "odd-address-markup.json"), ctx)
	if r.Values["address"] != "<script>alert(1)</script> Jl. Raya, Kotabaru" {
		t.Errorf("address changed: %q", r.Values["address"])
	}

	r = passport.Check(loadFixture(t, "incomplete-missing-kk.json"), ctx)
	if r.Missing[0].Label.ID != "Kartu Keluarga" || len(r.Received) != 2 {
		t.Errorf("incomplete: %+v received %+v", r.Missing, r.Received)
	}

	r = passport.Check(loadFixture(t, "bad-feb29.json"), ctx)
	if r.Errors[len(r.Errors)-1].Code != "date_invalid" {
		t.Errorf("feb29: %+v", r.Errors)
	}

	r = passport.Check(loadFixture(t, "minor-new.json"), ctx)
	if r.Derived["minor"] != true || r.Derived["age"] != 10 || r.Derived["birth_date_from_nik"] != "2015-11-30" {
		t.Errorf("minor derived: %v", r.Derived)
	}

	r = passport.Check(loadFixture(t, "adult-new.json"), ctx)
	v := r.Values
	if v["validity_years"] != 10 || v["documents"].([]string)[2] != "birth-certificate" || v["full_name"] != "Muhammad Rizky Pratama" {
		t.Errorf("values: %#v", v)
	}
	if r.Derived["province_name"] != "Kalimantan Selatan" || r.Derived["regency_name"] != "Kotabaru" || r.Derived["sex_from_nik"] != "M" {
		t.Errorf("derived: %v", r.Derived)
	}
	if len(r.Fee.Lines) != 1 || r.Fee.Lines[0].Label.EN != "Ordinary electronic passport, 10 years" {
		t.Errorf("fee lines: %+v", r.Fee.Lines)
	}

	r = passport.Check(loadFixture(t, "bad-nik-date-mismatch.json"), Context{Today: fixtureToday, EventType: "eazy-paspor",
		Overrides: map[string]string{"nik": "  akta lahir 14-04-1985  "}})
	if !r.OK() || r.Overridden[0].Reason != "akta lahir 14-04-1985" || r.Overridden[0].Code != "nik_birth_date_mismatch" {
		t.Errorf("override: %+v", r)
	}
}
