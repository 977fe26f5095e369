package forms

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func adult() map[string]any {
	return map[string]any{
		"form": "passport", "application_type": "new", "passport_kind": "electronic", "validity_years": 10.0,
		"full_name": "Muhammad Rizky Pratama", "nik": "6302011403850003", "kk_number": "6302011203100005",
		"sex": "M", "birth_place": "Kotabaru", "birth_date": "1985-03-14", "marital_status": "married",
		"occupation": "Nelayan", "address": "Jl. Raya Stagen", "phone": "081234567890", "mother_name": "Halimah",
		"documents": []any{"ktp", "kk", "birth-certificate"},
	}
}

func issueKeys(issues []Issue) string {
	var ks []string
	for _, is := range issues {
		ks = append(ks, is.Field+":"+is.Code)
	}
	return strings.Join(ks, ",")
}

func mustGet(t *testing.T, id string) *Form {
	t.Helper()
	f, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNamesAndGet(t *testing.T) {
	if got := Names(); !reflect.DeepEqual(got, []string{"passport", "stay-permit"}) {
		t.Errorf("Names() = %v", got)
	}
	_, err := Get("visa")
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Code != "unknown_form" || !strings.Contains(ce.Message.ID, "passport") {
		t.Errorf("Get(visa) = %v", err)
	}
	f := mustGet(t, "passport")
	if f.Version < 1 || f.Title.ID == "" || f.Fields[0].ID != "application_type" {
		t.Errorf("form header: %s v%d %v", f.ID, f.Version, f.Title)
	}
	fd, _ := f.Field("old_passport_number")
	if got := fd.Requirement().EN; !strings.HasPrefix(got, "required if application_type in [replace-expired") {
		t.Errorf("requirement = %q", got)
	}
	fd, _ = f.Field("email")
	if fd.Requirement().ID != "tidak wajib" {
		t.Errorf("email requirement = %v", fd.Requirement())
	}
	if _, err := json.Marshal(f); err != nil {
		t.Errorf("form does not marshal for forms show --json: %v", err)
	}
}

// TestStayPermitUsesGenericChecksOnly keeps the promise that a new service
// is a new definition: the second form uses no passport-specific check.
func TestStayPermitUsesGenericChecksOnly(t *testing.T) {
	specific := map[string]bool{"nik": true, "nik_matches_birth_date_and_sex": true, "nik_sex": true, "kk": true, "passport_name": true}
	for _, fd := range mustGet(t, "stay-permit").Fields {
		for _, c := range fd.Checks {
			if specific[c.Check] {
				t.Errorf("%s uses %s", fd.ID, c.Check)
			}
		}
	}
}

func TestCheckInput(t *testing.T) {
	f := mustGet(t, "passport")
	ctx := Context{Today: fixtureToday, EventType: "eazy-paspor"}
	tests := []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"valid", func(map[string]any) {}, ""},
		{"unknown field", func(d map[string]any) { d["nickname"] = "Riz" }, "nickname:unknown_field"},
		{"wrong form", func(d map[string]any) { d["form"] = "stay-permit" }, "form:wrong_form"},
		{"form not a string", func(d map[string]any) { d["form"] = 1.0 }, "form:wrong_form"},
		{"form may be absent", func(d map[string]any) { delete(d, "form") }, ""},
		{"number as string", func(d map[string]any) { d["validity_years"] = "10" }, "validity_years:wrong_type"},
		{"fractional number", func(d map[string]any) { d["validity_years"] = 10.5 }, "validity_years:wrong_type"},
		{"json.Number", func(d map[string]any) { d["validity_years"] = json.Number("5") }, ""},
		{"value not allowed", func(d map[string]any) { d["validity_years"] = 7.0 }, "validity_years:not_allowed"},
		{"nik as number", func(d map[string]any) { d["nik"] = 6302011403850003.0 }, "nik:wrong_type"},
		{"bool as string", func(d map[string]any) { d["both_parents_present"] = "yes" }, "both_parents_present:wrong_type"},
		{"documents not a list", func(d map[string]any) { d["documents"] = "ktp" }, "documents:wrong_type"},
		{"documents with a number", func(d map[string]any) { d["documents"] = []any{"ktp", 1.0} }, "documents:wrong_type"},
		{"unknown document", func(d map[string]any) { d["documents"] = []any{"ktp", "kk", "birth-certificate", "sim"} }, "documents:unknown_document"},
		{"required missing", func(d map[string]any) { delete(d, "mother_name") }, "mother_name:required"},
		{"required blank", func(d map[string]any) { d["mother_name"] = "   " }, "mother_name:required"},
		{"null is not answered", func(d map[string]any) { d["mother_name"] = nil }, "mother_name:required"},
		{"enum case and alias", func(d map[string]any) { d["sex"] = "l"; d["passport_kind"] = "Elektronik" }, ""},
		{"enum unknown", func(d map[string]any) { d["marital_status"] = "complicated" }, "marital_status:not_allowed"},
		{"too long", func(d map[string]any) { d["occupation"] = strings.Repeat("x", 61) }, "occupation:too_long"},
		{"control character", func(d map[string]any) { d["birth_place"] = "Kota\x00baru" }, "birth_place:control_characters"},
		{"newline allowed in text", func(d map[string]any) { d["address"] = "Jl. Raya\nKotabaru" }, ""},
		{"newline refused in a name", func(d map[string]any) { d["mother_name"] = "Hali\x1bmah" }, "mother_name:control_characters"},
		{"pattern", func(d map[string]any) { d["application_type"] = "replace-full"; d["old_passport_number"] = "12345" },
			"old_passport_number:pattern"},
		{"pattern after upper-casing", func(d map[string]any) {
			d["application_type"] = "replace-full"
			d["old_passport_number"] = "b 1234567"
			d["documents"] = []any{"ktp", "kk", "birth-certificate", "old-passport"}
		}, ""},
		{"damaged at eazy-paspor, force majeure missing", func(d map[string]any) {
			d["application_type"] = "replace-damaged"
			d["old_passport_number"] = "B1234567"
		}, "application_type:excluded_at_event,damage_force_majeure:required"},
		{"issues ordered as the form asks", func(d map[string]any) { d["zz"] = 1.0; d["email"] = "x"; d["nik"] = "1" },
			"nik:nik_length,email:email_invalid,zz:unknown_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := adult()
			tt.change(d)
			r := f.Check(d, ctx)
			if got := issueKeys(r.Errors); got != tt.want {
				t.Errorf("errors = %q, want %q\n%v", got, tt.want, r.Errors)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	f := mustGet(t, "passport")
	d := adult()
	d["birth_date"] = "1985-04-14"
	tests := []struct {
		name       string
		overrides  map[string]string
		errors     string
		overridden string
	}{
		{"none", nil, "nik:nik_birth_date_mismatch", ""},
		{"given", map[string]string{"nik": "akta"}, "", "nik:nik_birth_date_mismatch"},
		{"blank reason", map[string]string{"nik": "  "}, "nik:nik_birth_date_mismatch,nik:override_reason_missing", ""},
		{"wrong field", map[string]string{"birth_date": "akta"}, "nik:nik_birth_date_mismatch,birth_date:override_unused", ""},
		{"unknown field", map[string]string{"nik": "akta", "nkk": "x"}, "nkk:override_unused", "nik:nik_birth_date_mismatch"},
	}
	for _, tt := range tests {
		r := f.Check(d, Context{Today: fixtureToday, Overrides: tt.overrides})
		if got := issueKeys(r.Errors); got != tt.errors {
			t.Errorf("%s: errors = %q, want %q", tt.name, got, tt.errors)
		}
		if got := issueKeys(r.Overridden); got != tt.overridden {
			t.Errorf("%s: overridden = %q, want %q", tt.name, got, tt.overridden)
		}
	}
	// An override is not a way to silence a plain error.
	d = adult()
	d["nik"] = "123"
	r := f.Check(d, Context{Today: fixtureToday, Overrides: map[string]string{"nik": "trust me"}})
	if got := issueKeys(r.Errors); got != "nik:nik_length,nik:override_unused" {
		t.Errorf("override of an error: %q", got)
	}
}

func TestFees(t *testing.T) {
	f := mustGet(t, "passport")
	ctx := Context{Today: fixtureToday, EventType: "ulp"}
	tests := []struct {
		name   string
		change func(map[string]any)
		total  int64
		lines  int
	}{
		{"electronic 10", func(map[string]any) {}, 950000, 1},
		{"electronic 5", func(d map[string]any) { d["validity_years"] = 5.0 }, 650000, 1},
		{"non-electronic 5", func(d map[string]any) { d["validity_years"] = 5.0; d["passport_kind"] = "non-electronic" }, 350000, 1},
		{"lost", func(d map[string]any) { d["application_type"] = "replace-lost"; d["old_passport_number"] = "C7654321" }, 1950000, 2},
		{"damaged", func(d map[string]any) {
			d["application_type"] = "replace-damaged"
			d["old_passport_number"] = "C7654321"
			d["damage_force_majeure"] = false
		}, 1450000, 2},
		{"damaged, force majeure", func(d map[string]any) {
			d["application_type"] = "replace-damaged"
			d["old_passport_number"] = "C7654321"
			d["damage_force_majeure"] = true
		}, 950000, 2},
	}
	for _, tt := range tests {
		d := adult()
		tt.change(d)
		r := f.Check(d, ctx)
		if r.Fee.Total != tt.total || len(r.Fee.Lines) != tt.lines || r.Derived["fee"] != tt.total {
			t.Errorf("%s: fee %+v, derived %v (errors %v)", tt.name, r.Fee, r.Derived["fee"], r.Errors)
		}
	}
	// An office's fee table replaces the embedded one without a release.
	tables, err := ReadTables(strings.NewReader(`{"fees": {"passport": [
		{"when": {"field": "passport_kind", "eq": "electronic"}, "label": {"id": "Paspor elektronik", "en": "Electronic passport"}, "amount": 1000000}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Check(adult(), Context{Today: fixtureToday, Tables: tables}); r.Fee.Total != 1000000 {
		t.Errorf("overridden fee table: %+v", r.Fee)
	}
}

func TestDocumentsByAge(t *testing.T) {
	f := mustGet(t, "passport")
	ctx := Context{Today: fixtureToday}
	missing := func(d map[string]any) string {
		r := f.Check(d, ctx)
		var ids []string
		for _, m := range r.Missing {
			ids = append(ids, m.ID)
		}
		return strings.Join(ids, ",")
	}
	d := adult()
	d["documents"] = []any{}
	if got := missing(d); got != "ktp,kk,civil-record" {
		t.Errorf("adult with nothing: %s", got)
	}
	d["documents"] = []any{"ktp", "kk", "baptism-certificate"}
	if got := missing(d); got != "" {
		t.Errorf("baptism certificate should do: %s", got)
	}
	d["application_type"], d["old_passport_number"] = "replace-expired", "B1234567"
	if got := missing(d); got != "old-passport" {
		t.Errorf("renewal: %s", got)
	}
	// A 16-year-old who is married is an adult: adult documents, 10 years allowed.
	d = adult()
	d["nik"], d["birth_date"], d["marital_status"] = "6302011403100003", "2010-03-14", "married"
	r := f.Check(d, ctx)
	if !r.OK() || r.Derived["minor"] != false || !r.Complete() {
		t.Errorf("married 16-year-old: %v %v %v", r.Errors, r.Derived["minor"], r.Missing)
	}
	d["marital_status"] = "single"
	r = f.Check(d, ctx)
	if issueKeys(r.Errors) != "validity_years:value_not_allowed,father_name:required,mother_nik:required,father_nik:required,both_parents_present:required" {
		t.Errorf("single 16-year-old: %s", issueKeys(r.Errors))
	}
	if got := missing(d); got != "parents-ktp,parents-marriage-certificate,parental-statement" {
		t.Errorf("minor documents: %s", got)
	}
	// Turning 17 today makes an adult.
	d["nik"], d["birth_date"] = "6302012711090003", "2009-11-27"
	if r := f.Check(d, ctx); r.Derived["minor"] != false || r.Derived["age"] != 17 {
		t.Errorf("17 today: %v", r.Derived)
	}
}

func TestParseField(t *testing.T) {
	f := mustGet(t, "passport")
	ctx := Context{Today: fixtureToday, EventType: "eazy-paspor"}
	minor := map[string]any{"birth_date": "2015-11-30", "marital_status": "single"}
	tests := []struct {
		name, id, raw string
		soFar         map[string]any
		value         any
		codes         string
	}{
		{"nik", "nik", "6302011403850003", nil, "6302011403850003", ""},
		{"nik with spaces", "nik", " 6302 0114 0385 0003", nil, "6302011403850003", ""},
		{"nik short (roster row)", "nik", "630201", nil, "630201", "nik_length"},
		{"nik against the birth date entered", "nik", "6302011403850003", map[string]any{"birth_date": "1985-04-14"},
			"6302011403850003", "nik_birth_date_mismatch"},
		{"lost at eazy-paspor (roster row)", "application_type", "replace-lost", nil, "replace-lost", "excluded_at_event"},
		{"type by label", "application_type", "Baru", nil, "new", ""},
		{"month 13 (roster row)", "birth_date", "1999-13-04", nil, nil, "date_invalid"},
		{"date as on the KTP", "birth_date", "14-03-1985", nil, "1985-03-14", ""},
		{"titles (roster row)", "full_name", "Hj. Nor Aisyah, S.Pd", nil, "Hj. Nor Aisyah, S.Pd", "name_titles"},
		{"single name (roster row)", "full_name", "Rahmawati", nil, "Rahmawati", "name_single"},
		{"int", "validity_years", "5", nil, 5, ""},
		{"int word", "validity_years", "lima", nil, nil, "wrong_type"},
		{"10 years for a minor", "validity_years", "10", minor, 10, "value_not_allowed"},
		{"10 years for an adult", "validity_years", "10", map[string]any{"birth_date": "1985-03-14"}, 10, ""},
		{"bool ya", "both_parents_present", "ya", minor, true, ""},
		{"bool tidak for a minor", "both_parents_present", "tidak", minor, false, "value_not_allowed"},
		{"bool garbage", "both_parents_present", "mungkin", minor, nil, "wrong_type"},
		{"documents typed", "documents", "ktp, kk birth-certificate", nil, []string{"ktp", "kk", "birth-certificate"}, ""},
		{"documents unknown", "documents", "ktp sim", nil, nil, "unknown_document"},
		{"required empty", "full_name", "  ", nil, nil, "required"},
		{"optional empty", "email", "", nil, nil, ""},
		{"conditionally required, condition false", "father_nik", "", map[string]any{"birth_date": "1985-03-14"}, nil, ""},
		{"conditionally required, condition true", "father_nik", "", minor, nil, "required"},
		{"unknown field", "nickname", "x", nil, nil, "unknown_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, issues := f.ParseField(tt.id, tt.raw, tt.soFar, ctx)
			if !reflect.DeepEqual(v, tt.value) {
				t.Errorf("value = %#v, want %#v", v, tt.value)
			}
			var cs []string
			for _, is := range issues {
				cs = append(cs, is.Code)
				if is.Field != tt.id {
					t.Errorf("issue on another field: %+v", is)
				}
			}
			if got := strings.Join(cs, ","); got != tt.codes {
				t.Errorf("codes = %q, want %q", got, tt.codes)
			}
		})
	}
}

func TestDefaultsAndAsks(t *testing.T) {
	f := mustGet(t, "passport")
	got := f.DefaultsAt(map[string]any{"nik": "6302017011150002"}, fixtureToday)
	if !reflect.DeepEqual(got, map[string]string{"birth_date": "2015-11-30", "sex": "F"}) {
		t.Errorf("defaults for a 2015 girl = %v", got)
	}
	got = f.DefaultsAt(map[string]any{"nik": "6302010606600007"}, fixtureToday)
	if !reflect.DeepEqual(got, map[string]string{"birth_date": "1960-06-06", "sex": "M"}) {
		t.Errorf("defaults for a 1960 man = %v", got)
	}
	if got := f.Defaults(map[string]any{"nik": "6302"}); len(got) != 0 {
		t.Errorf("defaults from a bad NIK = %v", got)
	}
	if got := f.Defaults(nil); len(got) != 0 {
		t.Errorf("defaults from nothing = %v", got)
	}

	ctx := Context{Today: fixtureToday}
	if f.Asks("mother_nik", map[string]any{"birth_date": "1985-03-14", "marital_status": "single"}, ctx) {
		t.Error("an adult is not asked for the mother's NIK")
	}
	if !f.Asks("mother_nik", map[string]any{"birth_date": "2015-11-30", "marital_status": "single"}, ctx) {
		t.Error("a minor is asked for the mother's NIK")
	}
	if !f.Asks("full_name", nil, ctx) || f.Asks("old_passport_number", map[string]any{"application_type": "new"}, ctx) {
		t.Error("asks")
	}
	if !f.Asks("old_passport_number", map[string]any{"application_type": "replace-full"}, ctx) {
		t.Error("a replacement is asked for the old passport")
	}
}
