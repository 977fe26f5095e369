package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/jemput/jemput/lang"
)

// checkCtx is what a check sees: its field's normalized value and the rest
// of the application.
type checkCtx struct {
	form   *Form
	field  *Field
	value  any
	env    env
	today  time.Time
	tables *Tables
}

// finding is a check's raw result; the engine turns it into an Issue with
// the field, the severity of the reference, and the definition's message.
type finding struct {
	code       string
	msg        lang.Text
	suggestion string
	warning    bool     // always a warning, whatever severity the reference asks
	related    []string // the other fields involved
}

type checkFunc func(c *checkCtx) []finding

type checkDef struct {
	doc     string
	compile func(params json.RawMessage, f *Form) (checkFunc, error)
}

// checkLibrary is the fixed set of named checks a definition can attach to
// a field. It is never modified.
var checkLibrary = map[string]checkDef{
	"nik": {
		doc:     "a valid NIK (16 digits, real date, serial); unknown province or regency: warning",
		compile: noParams(checkNIK),
	},
	"nik_matches_birth_date_and_sex": {
		doc:     `the NIK's date and sex agree with the fields named by params {"birth_date","sex"}`,
		compile: compileNIKMatches,
	},
	"nik_sex": {
		doc:     `the NIK encodes the sex in params {"sex": "M"|"F"} (a mother's NIK is a woman's)`,
		compile: compileNIKSex,
	},
	"kk": {
		doc:     "a valid Kartu Keluarga number (16 digits, real issue date, serial)",
		compile: noParams(checkKK),
	},
	"passport_name": {
		doc:     `a name fit for a passport: no titles, degrees or punctuation, 60 characters; single name and truncated MRZ: warnings; params {"surname": field} names the optional surname (primary identifier)`,
		compile: compilePassportName,
	},
	"surname_in_name": {
		doc:     `the surname is whole words of the name in params {"name": field}, in order`,
		compile: compileSurnameInName,
	},
	"person_name": {
		doc:     "Latin letters (those a machine-readable zone can transliterate), spaces, apostrophes, hyphens, dots and commas only",
		compile: noParams(checkPersonName),
	},
	"date_not_future": {
		doc:     "the date is today or earlier",
		compile: noParams(checkDateNotFuture),
	},
	"date_after_today": {
		doc:     "the date is later than today (a document still valid)",
		compile: noParams(checkDateAfterToday),
	},
	"one_of": {
		doc:     `the value is one of params {"values": [...]} (use "when" to make it conditional)`,
		compile: compileValues(true),
	},
	"none_of": {
		doc:     `the value is none of params {"values": [...]}`,
		compile: compileValues(false),
	},
	"event_type_excludes": {
		doc:     `at events of params {"event_types": [...]} the value is none of {"values": [...]}`,
		compile: compileEventTypeExcludes,
	},
	"iso3166_alpha3": {
		doc:     "an ISO 3166-1 alpha-3 country code from the countries table",
		compile: noParams(checkCountry),
	},
	"phone": {
		doc:     "a phone number: digits with optional +, spaces, hyphens, parentheses; 8 to 15 digits",
		compile: noParams(checkPhone),
	},
	"email": {
		doc:     "a plain e-mail address",
		compile: noParams(checkEmail),
	},
}

// Checks lists the names of the checks a definition can use.
func Checks() []string {
	names := make([]string, 0, len(checkLibrary))
	for n := range checkLibrary {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CheckDoc describes a named check, for `forms show` and definition authors.
func CheckDoc(name string) (string, bool) {
	d, ok := checkLibrary[name]
	return d.doc, ok
}

func decodeParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	d.UseNumber()
	return d.Decode(v)
}

func noParams(fn checkFunc) func(json.RawMessage, *Form) (checkFunc, error) {
	return func(raw json.RawMessage, _ *Form) (checkFunc, error) {
		var none struct{}
		if err := decodeParams(raw, &none); err != nil {
			return nil, fmt.Errorf("takes no params: %w", err)
		}
		return fn, nil
	}
}

func one(code string, m lang.Text) []finding { return []finding{{code: code, msg: m}} }

func fromCheckError(err *CheckError) []finding { return one(err.Code, err.Message) }

func checkNIK(c *checkCtx) []finding {
	s, _ := c.value.(string)
	n, err := parseNIK(s, c.field.Label)
	if err != nil {
		return fromCheckError(err)
	}
	if !c.tables.ProvinceKnown(n.Province) {
		return []finding{{code: "nik_unknown_province", warning: true, msg: labelled(c.field.Label,
			"%s: kode provinsi %s tidak dikenal, kemungkinan salah ketik; periksa dengan KTP",
			"%s: province code %s is unknown, most likely a typo; check against the ID card", n.Province)}}
	}
	if _, ok := c.tables.Regency(n.Regency); !ok && c.tables.RegenciesCover(n.Province) {
		return []finding{{code: "nik_unknown_regency", warning: true, msg: labelled(c.field.Label,
			"%s: kode kabupaten/kota %s tidak ada di tabel; periksa dengan KTP",
			"%s: regency code %s is not in the table; check against the ID card", n.Regency)}}
	}
	return nil
}

type nikMatchParams struct {
	BirthDate string `json:"birth_date"`
	Sex       string `json:"sex"`
}

func compileNIKMatches(raw json.RawMessage, f *Form) (checkFunc, error) {
	p := nikMatchParams{BirthDate: "birth_date", Sex: "sex"}
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	bd, ok1 := f.Field(p.BirthDate)
	sx, ok2 := f.Field(p.Sex)
	if !ok1 || bd.Type != TypeDate || !ok2 || sx.Type != TypeEnum {
		return nil, fmt.Errorf("params must name a date field and an enum field, got %q and %q", p.BirthDate, p.Sex)
	}
	return func(c *checkCtx) []finding {
		s, _ := c.value.(string)
		n, err := parseNIK(s, c.field.Label)
		if err != nil {
			return nil // the "nik" check reports it
		}
		var out []finding
		if v, ok := c.env.values[p.BirthDate].(string); ok {
			if t, err := time.Parse(dateLayout, v); err == nil {
				if dateOK, _ := n.Matches(t, ""); !dateOK {
					out = append(out, finding{code: "nik_birth_date_mismatch", related: []string{p.BirthDate}, msg: lang.Text{
						ID: fmt.Sprintf("%s menyebut tanggal lahir %s, tetapi %s diisi %s",
							c.field.Label.ID, n.DateString(), bd.Label.ID, t.Format("02-01-2006")),
						EN: fmt.Sprintf("%s says born %s, but %s is %s",
							c.field.Label.EN, n.DateString(), bd.Label.EN, t.Format("02-01-2006")),
					}})
				}
			}
		}
		if v, ok := c.env.values[p.Sex].(string); ok {
			if _, sexOK := n.Matches(time.Time{}, v); !sexOK {
				nikSex, _ := sx.Choice(n.Sex())
				given, _ := sx.Choice(v)
				out = append(out, finding{code: "nik_sex_mismatch", related: []string{p.Sex}, msg: lang.Text{
					ID: fmt.Sprintf("%s menunjukkan %s (tanggal %02d%s), tetapi %s diisi %s",
						c.field.Label.ID, strings.ToLower(nikSex.Label.ID), n.Day+plus40(n), femaleNote(n, "id"),
						sx.Label.ID, strings.ToLower(given.Label.ID)),
					EN: fmt.Sprintf("%s says %s (day %02d%s), but %s is %s",
						c.field.Label.EN, strings.ToLower(nikSex.Label.EN), n.Day+plus40(n), femaleNote(n, "en"),
						sx.Label.EN, strings.ToLower(given.Label.EN)),
				}})
			}
		}
		return out
	}, nil
}

func plus40(n NIK) int {
	if n.Female {
		return 40
	}
	return 0
}

func femaleNote(n NIK, lang string) string {
	switch {
	case n.Female && lang == "id":
		return ", perempuan = tanggal + 40"
	case n.Female:
		return ", women = day + 40"
	case lang == "id":
		return ", tanpa tambahan 40"
	}
	return ", without the 40 added for women"
}

func compileNIKSex(raw json.RawMessage, _ *Form) (checkFunc, error) {
	var p struct {
		Sex string `json:"sex"`
	}
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Sex != "M" && p.Sex != "F" {
		return nil, fmt.Errorf(`params.sex must be "M" or "F"`)
	}
	return func(c *checkCtx) []finding {
		s, _ := c.value.(string)
		n, err := parseNIK(s, c.field.Label)
		if err != nil || n.Sex() == p.Sex {
			return nil
		}
		if n.Female {
			return one("nik_sex_unexpected", labelled(c.field.Label,
				"%s menunjukkan perempuan (tanggal lahir + 40); periksa apakah NIK tertukar",
				"%s is a woman's (day of birth + 40); check the NIKs were not swapped"))
		}
		return one("nik_sex_unexpected", labelled(c.field.Label,
			"%s menunjukkan laki-laki (tanggal lahir tanpa + 40); periksa apakah NIK tertukar",
			"%s is a man's (day of birth without + 40); check the NIKs were not swapped"))
	}, nil
}

func checkKK(c *checkCtx) []finding {
	s, _ := c.value.(string)
	if _, err := parseKK(s, c.field.Label); err != nil {
		return fromCheckError(err)
	}
	return nil
}

// nameFieldParam is a check's or a derivation's reference to a name field
// of the same form.
func nameFieldParam(f *Form, id string) error {
	if id == "" {
		return nil
	}
	if fd, ok := f.Field(id); !ok || fd.Type != TypeName {
		return fmt.Errorf("params must name a name field, got %q", id)
	}
	return nil
}

func compilePassportName(raw json.RawMessage, f *Form) (checkFunc, error) {
	var p struct {
		Surname string `json:"surname"`
	}
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	if err := nameFieldParam(f, p.Surname); err != nil {
		return nil, err
	}
	return func(c *checkCtx) []finding {
		s, _ := c.value.(string)
		sur, _ := c.env.values[p.Surname].(string)
		if _, _, ok := SplitName(s, sur); !ok {
			sur = "" // the surname's own check says so
		}
		res := passportName(s, sur, c.field.Label, c.tables)
		out := make([]finding, len(res.Issues))
		for i, is := range res.Issues {
			out[i] = finding{code: is.Code, msg: is.Message, suggestion: is.Suggestion, warning: is.Severity == Warning}
		}
		return out
	}, nil
}

// compileSurnameInName: the surname says which words of the full name are
// the passport's primary identifier, so it must be some of them.
func compileSurnameInName(raw json.RawMessage, f *Form) (checkFunc, error) {
	var p struct {
		Name string `json:"name"`
	}
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, fmt.Errorf(`params need "name", the full name's field`)
	}
	if err := nameFieldParam(f, p.Name); err != nil {
		return nil, err
	}
	name, _ := f.Field(p.Name)
	return func(c *checkCtx) []finding {
		sur, _ := c.value.(string)
		full, _ := c.env.values[p.Name].(string)
		if full == "" {
			return nil // the name's own check says it is missing
		}
		if _, _, ok := SplitName(full, sur); !ok {
			return one("surname_not_in_name", lang.Text{
				ID: fmt.Sprintf("%s %q bukan bagian dari %s %q: tulis kata-kata nama keluarga persis seperti di %s",
					c.field.Label.ID, sur, strings.ToLower(name.Label.ID), full, strings.ToLower(name.Label.ID)),
				EN: fmt.Sprintf("%s %q is not part of the %s %q: write the words of the surname exactly as in the %s",
					c.field.Label.EN, sur, strings.ToLower(name.Label.EN), full, strings.ToLower(name.Label.EN)),
			})
		}
		return nil
	}, nil
}

// checkPersonName accepts the letters a passport name may hold (those
// with an MRZ transliteration, which the receipt's font prints), accents
// typed as combining marks after a letter, and the punctuation of names.
func checkPersonName(c *checkCtx) []finding {
	s, _ := c.value.(string)
	bad := map[rune]bool{}
	prevLetter := false
	for _, r := range s {
		mark := unicode.Is(unicode.Mn, r)
		switch {
		case NameLetter(r):
			prevLetter = true
			continue
		case mark && prevLetter:
			continue
		case !strings.ContainsRune(" '’ʼ‘`ʻ-.,", r):
			bad[r] = true
		}
		prevLetter = false
	}
	if len(bad) > 0 {
		return one("name_characters", labelled(c.field.Label,
			"%s memuat karakter yang tidak lazim untuk nama: %s (hanya huruf Latin, seperti di paspor)",
			"%s contains characters a name does not have: %s (Latin letters only, as in the passport)", runeList(bad)))
	}
	return nil
}

func dateValue(c *checkCtx) (time.Time, bool) {
	s, _ := c.value.(string)
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}

func checkDateNotFuture(c *checkCtx) []finding {
	t, ok := dateValue(c)
	if ok && t.After(c.today) {
		return one("date_future", labelled(c.field.Label,
			"%s tidak boleh sesudah hari ini (tertulis %s, hari ini %s)",
			"%s cannot be later than today (got %s, today is %s)",
			t.Format(dateLayout), c.today.Format(dateLayout)))
	}
	return nil
}

func checkDateAfterToday(c *checkCtx) []finding {
	t, ok := dateValue(c)
	if ok && !t.After(c.today) {
		return one("date_not_after_today", labelled(c.field.Label,
			"%s sudah lewat (tertulis %s, hari ini %s)",
			"%s has passed (got %s, today is %s)",
			t.Format(dateLayout), c.today.Format(dateLayout)))
	}
	return nil
}

func compileValues(allowed bool) func(json.RawMessage, *Form) (checkFunc, error) {
	return func(raw json.RawMessage, _ *Form) (checkFunc, error) {
		var p struct {
			Values []any `json:"values"`
		}
		if err := decodeParams(raw, &p); err != nil {
			return nil, err
		}
		if len(p.Values) == 0 {
			return nil, fmt.Errorf("params.values is empty")
		}
		return func(c *checkCtx) []finding {
			in := false
			for _, v := range p.Values {
				in = in || sameValue(c.value, v)
			}
			if in == allowed {
				return nil
			}
			list := fmt.Sprint(p.Values...)
			if len(p.Values) > 1 {
				parts := make([]string, len(p.Values))
				for i, v := range p.Values {
					parts[i] = fmt.Sprint(v)
				}
				list = strings.Join(parts, ", ")
			}
			if allowed {
				return one("value_not_allowed", labelled(c.field.Label,
					"%s tidak boleh %v di sini (hanya: %s)", "%s cannot be %v here (only: %s)", c.value, list))
			}
			return one("value_excluded", labelled(c.field.Label,
				"%s tidak boleh %v di sini", "%s cannot be %v here", c.value))
		}, nil
	}
}

func compileEventTypeExcludes(raw json.RawMessage, _ *Form) (checkFunc, error) {
	var p struct {
		EventTypes []string `json:"event_types"`
		Values     []any    `json:"values"`
	}
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	if len(p.EventTypes) == 0 || len(p.Values) == 0 {
		return nil, fmt.Errorf("params need event_types and values")
	}
	return func(c *checkCtx) []finding {
		atEvent := false
		for _, t := range p.EventTypes {
			atEvent = atEvent || t == c.env.eventType
		}
		if !atEvent {
			return nil
		}
		for _, v := range p.Values {
			if sameValue(c.value, v) {
				return one("excluded_at_event", labelled(c.field.Label,
					"%s %v tidak dilayani pada acara jenis %s; arahkan pemohon ke kantor imigrasi",
					"%s %v is not served at events of type %s; refer the applicant to the immigration office",
					c.value, c.env.eventType))
			}
		}
		return nil
	}, nil
}

func checkCountry(c *checkCtx) []finding {
	s, _ := c.value.(string)
	if _, ok := c.tables.Country(s); ok {
		return nil
	}
	return one("country_unknown", labelled(c.field.Label,
		"%s: kode negara %q tidak dikenal (kode ISO 3166-1 alfa-3, mis. AUS, MYS, CHN)",
		"%s: unknown country code %q (ISO 3166-1 alpha-3, e.g. AUS, MYS, CHN)", shown(s)))
}

func checkPhone(c *checkCtx) []finding {
	s, _ := c.value.(string)
	digits := 0
	ok := true
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			ok = false
		}
	}
	if ok && digits >= 8 && digits <= 15 {
		return nil
	}
	return one("phone_invalid", labelled(c.field.Label,
		"%s tidak valid (tertulis %q): 8–15 angka, boleh diawali +, dengan spasi atau tanda hubung",
		"%s is not valid (got %q): 8–15 digits, optionally starting with +, spaces or hyphens allowed", shown(s)))
}

func checkEmail(c *checkCtx) []finding {
	s, _ := c.value.(string)
	a, err := mail.ParseAddress(s)
	if err == nil && a.Address == s && a.Name == "" {
		at := strings.LastIndexByte(s, '@')
		if at > 0 && strings.Contains(s[at+1:], ".") {
			return nil
		}
	}
	return one("email_invalid", labelled(c.field.Label,
		"%s tidak valid (tertulis %q)", "%s is not a valid address (got %q)", shown(s)))
}
