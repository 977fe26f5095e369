package forms

import (
	"strings"
	"testing"
)

// checkForm is a small definition exercising every check in the library on
// its own field, so each can be tested apart from the shipped forms.
const checkForm = `{
  "id": "check-test", "version": 1, "title": {"id": "Uji", "en": "Test"},
  "fields": [
    {"id": "nik", "label": {"id": "NIK", "en": "NIK"}, "type": "nik", "help": {},
     "checks": [{"check": "nik", "severity": "error"},
                {"check": "nik_matches_birth_date_and_sex", "severity": "overridable"}]},
    {"id": "mother_nik", "label": {"id": "NIK ibu", "en": "Mother's NIK"}, "type": "nik", "help": {},
     "checks": [{"check": "nik", "severity": "error"}, {"check": "nik_sex", "severity": "warning", "params": {"sex": "F"}}]},
    {"id": "sex", "label": {"id": "Jenis kelamin", "en": "Sex"}, "type": "enum", "help": {},
     "values": [{"value": "M", "label": {"id": "Laki-laki", "en": "Male"}}, {"value": "F", "label": {"id": "Perempuan", "en": "Female"}}]},
    {"id": "birth_date", "label": {"id": "Tanggal lahir", "en": "Date of birth"}, "type": "date", "help": {},
     "checks": [{"check": "date_not_future", "severity": "error"}]},
    {"id": "kk", "label": {"id": "Nomor KK", "en": "KK number"}, "type": "kk", "help": {},
     "checks": [{"check": "kk", "severity": "error"}]},
    {"id": "full_name", "label": {"id": "Nama lengkap", "en": "Full name"}, "type": "name", "help": {},
     "checks": [{"check": "passport_name", "severity": "error"}]},
    {"id": "sponsor", "label": {"id": "Nama penjamin", "en": "Sponsor"}, "type": "name", "help": {},
     "checks": [{"check": "person_name", "severity": "warning"}]},
    {"id": "expiry", "label": {"id": "Berlaku sampai", "en": "Expiry"}, "type": "date", "help": {},
     "checks": [{"check": "date_after_today", "severity": "error"}]},
    {"id": "kind", "label": {"id": "Jenis", "en": "Kind"}, "type": "text", "help": {},
     "checks": [{"check": "one_of", "severity": "error", "when": {"event_type": "ulp"}, "params": {"values": ["a", "b"]}},
                {"check": "none_of", "severity": "overridable", "params": {"values": ["z"]}},
                {"check": "event_type_excludes", "severity": "error", "params": {"event_types": ["eazy-paspor"], "values": ["lost"]}}]},
    {"id": "country", "label": {"id": "Negara", "en": "Country"}, "type": "country", "help": {},
     "checks": [{"check": "iso3166_alpha3", "severity": "error"}]},
    {"id": "phone", "label": {"id": "Telepon", "en": "Phone"}, "type": "phone", "help": {},
     "checks": [{"check": "phone", "severity": "error"}]},
    {"id": "email", "label": {"id": "Surel", "en": "E-mail"}, "type": "email", "help": {},
     "checks": [{"check": "email", "severity": "error"}]}
  ],
  "documents": {"catalog": [], "rules": []}
}`

func TestChecks(t *testing.T) {
	f, err := ParseForm([]byte(checkForm))
	if err != nil {
		t.Fatal(err)
	}
	ctx := Context{Today: date(2026, 11, 27), EventType: "eazy-paspor"}
	tests := []struct {
		name  string
		data  map[string]any
		event string
		want  string // "field:code:severity" of every issue, in order
	}{
		{"nik ok", map[string]any{"nik": "6302011403850003"}, "", ""},
		{"nik short", map[string]any{"nik": "6302"}, "", "nik:nik_length:error"},
		{"nik spaces removed", map[string]any{"nik": " 6302 0114 0385 0003 "}, "", ""},
		{"nik unknown province warns", map[string]any{"nik": "9902011403850003"}, "", "nik:nik_unknown_province:warning"},
		{"nik unknown KalSel regency warns softly", map[string]any{"nik": "6399011403850003"}, "", "nik:nik_unknown_regency:warning"},
		// With the full official list every province is covered: an unknown
		// regency anywhere warns softly.
		{"unknown regency outside KalSel warns softly", map[string]any{"nik": "3299011403850003"}, "", "nik:nik_unknown_regency:warning"},
		{"nik date mismatch", map[string]any{"nik": "6302011403850003", "birth_date": "1985-04-14"}, "", "nik:nik_birth_date_mismatch:overridable"},
		{"nik sex mismatch", map[string]any{"nik": "6302011403850003", "sex": "F"}, "", "nik:nik_sex_mismatch:overridable"},
		{"nik both mismatch", map[string]any{"nik": "6302011403850003", "sex": "F", "birth_date": "1985-03-15"}, "", "nik:nik_birth_date_mismatch:overridable,nik:nik_sex_mismatch:overridable"},
		{"nik matches in 2085 too, but future birth is an error", map[string]any{"nik": "6302011403850003", "birth_date": "2085-03-14"}, "", "birth_date:date_future:error"},
		{"mother's NIK is a man's", map[string]any{"mother_nik": "6302011005800004"}, "", "mother_nik:nik_sex_unexpected:warning"},
		{"mother's NIK is a woman's", map[string]any{"mother_nik": "6302015508820006"}, "", ""},
		{"birth today is fine", map[string]any{"birth_date": "2026-11-27"}, "", ""},
		{"birth tomorrow", map[string]any{"birth_date": "2026-11-28"}, "", "birth_date:date_future:error"},
		{"date DD-MM-YYYY accepted", map[string]any{"birth_date": "14-03-1985"}, "", ""},
		{"date 29 Feb 2001", map[string]any{"birth_date": "2001-02-29"}, "", "birth_date:date_invalid:error"},
		{"date garbage", map[string]any{"birth_date": "kemarin"}, "", "birth_date:date_format:error"},
		{"kk ok", map[string]any{"kk": "6302011203100005"}, "", ""},
		{"kk with +40", map[string]any{"kk": "6302015203100005"}, "", "kk:kk_date:error"},
		{"name titles", map[string]any{"full_name": "Dr. Budi"}, "", "full_name:name_titles:error"},
		{"name single warns", map[string]any{"full_name": "Budi"}, "", "full_name:name_single:warning"},
		{"person name with comma and dot ok", map[string]any{"sponsor": "PT. Maju, Tbk"}, "", ""},
		{"person name digits", map[string]any{"sponsor": "Budi 2"}, "", "sponsor:name_characters:warning"},
		{"expiry tomorrow ok", map[string]any{"expiry": "2026-11-28"}, "", ""},
		{"expiry today fails", map[string]any{"expiry": "2026-11-27"}, "", "expiry:date_not_after_today:error"},
		{"one_of only when at ulp", map[string]any{"kind": "c"}, "", ""},
		{"one_of at ulp", map[string]any{"kind": "c"}, "ulp", "kind:value_not_allowed:error"},
		{"none_of", map[string]any{"kind": "z"}, "", "kind:value_excluded:overridable"},
		{"event excludes", map[string]any{"kind": "lost"}, "", "kind:excluded_at_event:error"},
		{"event excludes, other event", map[string]any{"kind": "lost"}, "berkala", ""},
		{"country ok, lower case normalized", map[string]any{"country": "aus"}, "", ""},
		{"country alpha-2", map[string]any{"country": "AU"}, "", "country:country_unknown:error"},
		{"country XYZ", map[string]any{"country": "XYZ"}, "", "country:country_unknown:error"},
		{"phone mobile", map[string]any{"phone": "081234567890"}, "", ""},
		{"phone +62", map[string]any{"phone": "+62 852-4800-1122"}, "", ""},
		{"phone landline", map[string]any{"phone": "(0518) 21234"}, "", ""},
		{"phone short", map[string]any{"phone": "12345"}, "", "phone:phone_invalid:error"},
		{"phone letters", map[string]any{"phone": "0812-CALL-ME"}, "", "phone:phone_invalid:error"},
		{"phone plus in the middle", map[string]any{"phone": "0812+34567890"}, "", "phone:phone_invalid:error"},
		{"email ok", map[string]any{"email": "rizky.pratama@example.com"}, "", ""},
		{"email with name", map[string]any{"email": "Rizky <r@example.com>"}, "", "email:email_invalid:error"},
		{"email no domain dot", map[string]any{"email": "r@localhost"}, "", "email:email_invalid:error"},
		{"email garbage", map[string]any{"email": "not an address"}, "", "email:email_invalid:error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ctx
			if tt.event != "" {
				c.EventType = tt.event
			}
			r := f.Check(tt.data, c)
			var got []string
			for _, list := range [][]Issue{r.Errors, r.Warnings} {
				for _, is := range list {
					got = append(got, is.Field+":"+is.Code+":"+is.Severity.String())
					if is.Message.ID == "" || is.Message.EN == "" {
						t.Errorf("issue without both texts: %+v", is)
					}
					fd, _ := f.Field(is.Field)
					if !strings.Contains(is.Message.ID, fd.Label.ID) || !strings.Contains(is.Message.EN, fd.Label.EN) {
						t.Errorf("message does not name %q: %+v", fd.Label, is.Message)
					}
				}
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("issues = %q, want %q", strings.Join(got, ","), tt.want)
			}
		})
	}
}

func TestChecksListed(t *testing.T) {
	for _, name := range []string{"nik", "nik_matches_birth_date_and_sex", "passport_name", "date_not_future",
		"date_after_today", "event_type_excludes", "iso3166_alpha3", "one_of"} {
		if doc, ok := CheckDoc(name); !ok || doc == "" {
			t.Errorf("check %s not documented", name)
		}
	}
	if len(Checks()) != len(checkLibrary) {
		t.Error("Checks() incomplete")
	}
}

func TestParseFormRejects(t *testing.T) {
	base := func(fields string) string {
		return `{"id": "x", "version": 1, "title": {"id": "X", "en": "X"}, "fields": [` + fields + `], "documents": {"catalog": [], "rules": []}}`
	}
	bad := map[string]string{
		"unknown check":                base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "checks": [{"check": "nope", "severity": "error"}]}`),
		"bad severity":                 base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "checks": [{"check": "phone", "severity": "fatal"}]}`),
		"params on no-params":          base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "checks": [{"check": "phone", "severity": "error", "params": {"x": 1}}]}`),
		"unknown type":                 base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "blob", "help": {}}`),
		"label in one language":        base(`{"id": "a", "label": {"id": "A"}, "type": "text", "help": {}}`),
		"enum without values":          base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "enum", "help": {}}`),
		"condition on unknown field":   base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "required_if": {"field": "b", "eq": 1}}`),
		"condition on unknown derived": base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "required_if": {"derived": "minor", "eq": true}}`),
		"bad pattern":                  base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "pattern": "("}`),
		"duplicate field":              base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}}, {"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}}`),
		"field named form":             base(`{"id": "form", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}}`),
		"unknown key":                  base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "text", "help": {}, "requird": true}`),
		"default not from nik":         base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "date", "help": {}, "default": {"from_nik": "a", "part": "sex"}}`),
		"nik_matches without fields":   base(`{"id": "a", "label": {"id": "A", "en": "A"}, "type": "nik", "help": {}, "checks": [{"check": "nik_matches_birth_date_and_sex", "severity": "overridable"}]}`),
	}
	for name, def := range bad {
		if _, err := ParseForm([]byte(def)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseForm([]byte(`{"id": "x", "version": 1, "title": {"id": "X", "en": "X"}, "fields": [],
		"documents": {"catalog": [{"id": "a", "label": {"id": "A", "en": "A"}}], "rules": [{"require": ["b"]}]}}`)); err == nil {
		t.Error("document rule naming an unknown document accepted")
	}
	if _, err := ParseForm([]byte(`{"id": "x", "version": 1, "title": {"id": "X", "en": "X"}, "fields": [],
		"derive": [{"fn": "age_below", "params": {"age": "age", "below": 17}}], "documents": {"catalog": [], "rules": []}}`)); err == nil {
		t.Error("derivation reading a value not derived before accepted")
	}
}
