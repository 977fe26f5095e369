package forms

import (
	"strings"
	"testing"
)

func TestDefaultTables(t *testing.T) {
	tb := DefaultTables()
	if name, ok := tb.Province("63"); !ok || name != "Kalimantan Selatan" {
		t.Errorf("province 63 = %q %v", name, ok)
	}
	for _, code := range []string{"11", "19", "21", "31", "36", "51", "53", "61", "65", "71", "76", "81", "82", "91", "96"} {
		if !tb.ProvinceKnown(code) {
			t.Errorf("province %s missing", code)
		}
	}
	for _, code := range []string{"00", "10", "20", "37", "54", "66", "77", "83", "90", "97", "99"} {
		if tb.ProvinceKnown(code) {
			t.Errorf("province %s should be unknown", code)
		}
	}
	if name, _ := tb.Regency("63.02"); name != "Kotabaru" {
		t.Errorf("63.02 = %q", name)
	}
	if name, _ := tb.Regency("63.10"); name != "Tanah Bumbu" {
		t.Errorf("63.10 = %q", name)
	}
	if !tb.RegenciesCover("63") || !tb.RegenciesCover("32") || tb.RegenciesCover("99") {
		t.Error("regency coverage")
	}
	if n := len(tb.Countries()); n != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", n)
	}
	for _, c := range []string{"IDN", "AUS", "MYS", "CHN", "TLS", "PNG"} {
		if _, ok := tb.Country(c); !ok {
			t.Errorf("country %s missing", c)
		}
	}
	if _, ok := tb.Country("XYZ"); ok {
		t.Error("XYZ is not a country")
	}
	for _, w := range []string{"Dr.", "dr", "H.", "Hj", "S.H.", "SH", "s.h.", "M.Pd", "S.Pd", "S.Kom", "Prof.", "Drs.", "Dra.", "Ir.", "M.H.", "S.E."} {
		if !tb.IsTitle(w) {
			t.Errorf("%s should be a title", w)
		}
	}
	for _, w := range []string{"Ahmad", "Siti", ""} {
		if tb.IsTitle(w) {
			t.Errorf("%q is not a title", w)
		}
	}
	total := int64(0)
	for _, r := range tb.Fees("passport") {
		total += r.Amount
	}
	if total != 350000+650000+650000+950000+1000000+500000 {
		t.Errorf("passport fee lines sum to %d", total)
	}
	var nilTables *Tables
	if !nilTables.ProvinceKnown("63") {
		t.Error("nil *Tables should mean the embedded tables")
	}
}

func TestReadTables(t *testing.T) {
	tb, err := ReadTables(strings.NewReader(`{
		"fees": {"passport": [{"when": {"field": "passport_kind", "eq": "electronic"}, "label": {"id": "E", "en": "E"}, "amount": 700000}]},
		"regencies": {"63.02": "Kotabaru", "63.99": "Kabupaten Baru"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if fees := tb.Fees("passport"); len(fees) != 1 || fees[0].Amount != 700000 {
		t.Errorf("fees not overridden: %+v", fees)
	}
	if _, ok := tb.Regency("63.99"); !ok {
		t.Error("regency override lost")
	}
	if _, ok := tb.Regency("63.10"); ok {
		t.Error("a section replaces the embedded one entirely")
	}
	if !tb.ProvinceKnown("63") {
		t.Error("sections not given keep the embedded data")
	}
	if len(DefaultTables().Fees("passport")) != 7 {
		t.Error("overriding must not change the embedded tables")
	}

	for _, bad := range []string{
		`{"provinces": {"6": "X"}}`,
		`{"regencies": {"6302": "X"}}`,
		`{"countries": {"id": {"id": "x", "en": "x"}}}`,
		`{"fees": {"p": [{"label": {"id": "x", "en": "x"}, "amount": -1}]}}`,
		`{"fees": {"p": [{"label": {"id": "x"}, "amount": 1}]}}`,
		`{"fees": {"p": [{"when": {"feild": "x"}, "label": {"id": "x", "en": "x"}, "amount": 1}]}}`,
		`{"titles": ["..."]}`,
		`{"colours": {}}`,
		`{} {}`,
		`not json`,
	} {
		if _, err := ReadTables(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadTables(%s) accepted", bad)
		}
	}
}
