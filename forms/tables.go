package forms

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/jemput/jemput/lang"
)

//go:embed tables/*.json
var tableFiles embed.FS

// FeeRule is one line of a fee schedule: it applies when its condition
// holds for the application.
type FeeRule struct {
	When   *Condition `json:"when"`
	Label  lang.Text  `json:"label"`
	Amount int64      `json:"amount"` // rupiah
}

// Tables holds the reference data the checks use: fees, province and
// regency codes, countries, titles. The embedded tables ship with the
// binary; an office can override any of them with ReadTables without a new
// release. A Tables value is never modified after it is built, so one can be
// shared by every check in every goroutine.
type Tables struct {
	fees      map[string][]FeeRule
	provinces map[string]string
	regencies map[string]string    // "63.02" → "Kotabaru"
	districts map[string]string    // "63.02.01" → "Pulau Sembilan"; nil: the embedded ones, read when first asked for
	countries map[string]lang.Text // ISO 3166-1 alpha-3 → names
	titles    []string
	titleSet  map[string]bool // normalized with titleKey
}

// tablesDoc is the shape of a tables override file: any subset of these
// sections; each present section replaces the embedded one entirely.
type tablesDoc struct {
	Fees      map[string][]FeeRule `json:"fees"`
	Provinces map[string]string    `json:"provinces"`
	Regencies map[string]string    `json:"regencies"`
	Districts map[string]string    `json:"districts"`
	Countries map[string]lang.Text `json:"countries"`
	Titles    []string             `json:"titles"`
}

// DefaultTables returns the embedded tables. They are parsed once; the
// result is shared and read-only.
func DefaultTables() *Tables { return defaultTables() }

var defaultTables = sync.OnceValue(func() *Tables {
	var doc tablesDoc
	for name, dst := range map[string]any{
		"fees": &doc.Fees, "provinces": &doc.Provinces, "regencies": &doc.Regencies,
		"countries": &doc.Countries, "titles": &doc.Titles,
	} {
		b, err := tableFiles.ReadFile("tables/" + name + ".json")
		if err == nil {
			err = strictUnmarshal(b, dst)
		}
		if err != nil {
			// The embedded tables are tested; reaching this is a build mistake.
			panic(fmt.Sprintf("forms: embedded table %s: %v", name, err))
		}
	}
	t, err := buildTables(doc)
	if err != nil {
		panic(fmt.Sprintf("forms: embedded tables: %v", err))
	}
	return t
})

// embeddedDistricts are read only when a district is first named (reports,
// the office): 7,285 of them cost every command some 20 ms to parse, and
// capture never needs them. Their codes are checked by the tests.
var embeddedDistricts = sync.OnceValue(func() map[string]string {
	var m map[string]string
	b, err := tableFiles.ReadFile("tables/districts.json")
	if err == nil {
		err = strictUnmarshal(b, &m)
	}
	if err != nil {
		panic(fmt.Sprintf("forms: embedded table districts: %v", err))
	}
	return m
})

// ReadTables reads an office's override file: a JSON object with any of the
// sections "fees", "provinces", "regencies", "countries", "titles", in the
// same shapes as the files in forms/tables/. Sections that are absent keep
// the embedded data.
func ReadTables(r io.Reader) (*Tables, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading tables: %w", err)
	}
	var doc tablesDoc
	if err := strictUnmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	def := DefaultTables()
	if doc.Fees == nil {
		doc.Fees = def.fees
	}
	if doc.Provinces == nil {
		doc.Provinces = def.provinces
	}
	if doc.Regencies == nil {
		doc.Regencies = def.regencies
	}
	if doc.Countries == nil {
		doc.Countries = def.countries
	}
	if doc.Titles == nil {
		doc.Titles = def.titles
	}
	return buildTables(doc)
}

func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}

var (
	provinceCode = regexp.MustCompile(`^[0-9]{2}$`)
	regencyCode  = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}$`)
	districtCode = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$`)
	countryCode  = regexp.MustCompile(`^[A-Z]{3}$`)
)

func buildTables(doc tablesDoc) (*Tables, error) {
	for code := range doc.Provinces {
		if !provinceCode.MatchString(code) {
			return nil, fmt.Errorf("province code %q: want 2 digits", code)
		}
	}
	for code := range doc.Regencies {
		if !regencyCode.MatchString(code) {
			return nil, fmt.Errorf("regency code %q: want PP.RR", code)
		}
	}
	for code := range doc.Districts {
		if !districtCode.MatchString(code) {
			return nil, fmt.Errorf("district code %q: want PP.RR.SS", code)
		}
	}
	for code := range doc.Countries {
		if !countryCode.MatchString(code) {
			return nil, fmt.Errorf("country code %q: want 3 capital letters", code)
		}
	}
	for name, rules := range doc.Fees {
		for i, r := range rules {
			if r.Amount < 0 {
				return nil, fmt.Errorf("fee %s line %d: negative amount", name, i+1)
			}
			if r.Label.ID == "" || r.Label.EN == "" {
				return nil, fmt.Errorf("fee %s line %d: label needs id and en", name, i+1)
			}
		}
	}
	t := &Tables{
		fees: doc.Fees, provinces: doc.Provinces, regencies: doc.Regencies, districts: doc.Districts,
		countries: doc.Countries, titles: doc.Titles, titleSet: map[string]bool{},
	}
	for _, title := range doc.Titles {
		k := titleKey(title)
		if k == "" {
			return nil, fmt.Errorf("title %q has no letters", title)
		}
		t.titleSet[k] = true
	}
	return t, nil
}

func (t *Tables) orDefault() *Tables {
	if t == nil {
		return DefaultTables()
	}
	return t
}

// Province returns the province's name for a 2-digit code.
func (t *Tables) Province(code string) (string, bool) {
	name, ok := t.orDefault().provinces[code]
	return name, ok
}

// ProvinceKnown reports whether a 2-digit province code is in the table.
func (t *Tables) ProvinceKnown(code string) bool {
	_, ok := t.Province(code)
	return ok
}

// Regency returns the regency or city name for "PP.RR".
func (t *Tables) Regency(code string) (string, bool) {
	name, ok := t.orDefault().regencies[code]
	return name, ok
}

// District returns the district (kecamatan) name for "PP.RR.SS".
func (t *Tables) District(code string) (string, bool) {
	m := t.orDefault().districts
	if m == nil {
		m = embeddedDistricts()
	}
	name, ok := m[code]
	return name, ok
}

// RegionName names a region code of any level ("63", "63.02", "63.02.01")
// from the district up: "Pulau Sembilan, Kotabaru, Kalimantan Selatan".
// Parts the tables do not know are left out; "" when none is known.
func (t *Tables) RegionName(code string) string {
	var parts []string
	if len(code) == 8 {
		if n, ok := t.District(code); ok {
			parts = append(parts, n)
		}
	}
	if len(code) >= 5 {
		if n, ok := t.Regency(code[:5]); ok {
			parts = append(parts, n)
		}
	}
	if len(code) >= 2 {
		if n, ok := t.Province(code[:2]); ok {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

// RegenciesCover reports whether the regency table lists the province at
// all: only then is an unknown regency worth a (soft) warning.
func (t *Tables) RegenciesCover(province string) bool {
	for code := range t.orDefault().regencies {
		if strings.HasPrefix(code, province+".") {
			return true
		}
	}
	return false
}

// Country returns the names for an ISO 3166-1 alpha-3 code.
func (t *Tables) Country(code string) (lang.Text, bool) {
	name, ok := t.orDefault().countries[code]
	return name, ok
}

// Countries lists the alpha-3 codes, sorted.
func (t *Tables) Countries() []string {
	m := t.orDefault().countries
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// Titles lists the titles and degrees as written in the table.
func (t *Tables) Titles() []string {
	return append([]string(nil), t.orDefault().titles...)
}

// IsTitle reports whether a word of a name is a title or degree, ignoring
// case and dots ("S.H." = "SH" = "s.h").
func (t *Tables) IsTitle(word string) bool {
	return t.orDefault().titleSet[titleKey(word)]
}

// Fees returns a copy of a fee schedule's lines; nil if there is none.
func (t *Tables) Fees(schedule string) []FeeRule {
	return append([]FeeRule(nil), t.orDefault().fees[schedule]...)
}

func titleKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r != '.' && r != ' ' && r != ',' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
