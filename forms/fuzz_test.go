package forms

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jemput/jemput/internal/fixtures"
)

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"6302011403850003", "6310024207900001", "630201140385000", "63020114038500X3",
		"6302012902010008", "6302012902000003", "9902011403850003", "", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥", "6302017299990000"} {
		f.Add(s)
	}
	today := date(2026, 11, 27)
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIK(s)
		if err != nil {
			if errCode(err) == "" || strings.HasPrefix(errCode(err), "?") {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(s) != 16 || !allDigits(s) || n.Number != s {
			t.Fatalf("accepted %q", s)
		}
		if n.Day < 1 || n.Day > 31 || n.Month < 1 || n.Month > 12 || n.Serial < 1 {
			t.Fatalf("accepted bad parts %+v", n)
		}
		// Whatever century is picked, the date must exist and match the NIK.
		for _, b := range []time.Time{n.GuessBirthDate(today), n.BirthDateFor(today)} {
			if ok, _ := n.Matches(b, n.Sex()); !ok {
				t.Fatalf("%q: resolved date %s does not match", s, b.Format(dateLayout))
			}
		}
	})
}

func FuzzPassportName(f *testing.F) {
	for _, s := range []string{"Muhammad Rizky Pratama", "Dr. H. Ahmad Fauzi, S.H., M.H.", "Robert'); DROP TABLE x;--",
		"Sukarno", "José Müller-Lüdenscheidt", "ß", ", ,", "'''", "a\x00b", "Nguyễn Văn Đức", "Nguye\u0302\u0303n"} {
		f.Add(s, "")
	}
	f.Add("Martin Van Der Muellen", "Van Der Muellen")
	f.Add("Dingo Potoroo Bennelong Wooloomooloo Warrandyte Warnambool", "Bennelong Wooloomooloo Warrandyte Warnambool")
	f.Fuzz(func(t *testing.T, s, surname string) {
		r := PassportName(s, surname)
		if len(r.MRZ.Field) > mrzNameLength || strings.Trim(r.MRZ.Field, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<") != "" {
			t.Fatalf("bad MRZ %q for %q", r.MRZ.Field, s)
		}
		if strings.HasPrefix(r.MRZ.Field, "<") || strings.HasSuffix(r.MRZ.Field, "<") || strings.Contains(r.MRZ.Field, "<<<") {
			t.Fatalf("MRZ %q for %q starts or ends on a filler, or has three", r.MRZ.Field, s)
		}
		if r.MRZ.Truncated && len(r.MRZ.Field) != mrzNameLength {
			t.Fatalf("truncated MRZ %q for %q does not fill the field", r.MRZ.Field, s)
		}
		if r.OK() && utf8.ValidString(s) && r.MRZ.Field == "" {
			t.Fatalf("accepted %q without an MRZ name", s)
		}
	})
}

// FuzzCheck feeds arbitrary JSON to both forms: any input must give a
// result, never a panic, and every issue must name its field.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures.Dir(f), "applicants", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"validity_years": 1e308, "documents": [null, {}], "nik": ["x"], "birth_date": "0000-00-00"}`))
	f.Add([]byte(`{"both_parents_present": "true", "birth_date": "9999-12-31", "marital_status": null}`))
	forms := []*Form{}
	for _, n := range Names() {
		fm, _ := Get(n)
		forms = append(forms, fm)
	}
	ctx := Context{Today: date(2026, 11, 27), EventType: "eazy-paspor", Overrides: map[string]string{"nik": "x"}}
	f.Fuzz(func(t *testing.T, b []byte) {
		var data map[string]any
		d := json.NewDecoder(strings.NewReader(string(b)))
		if len(b)%2 == 0 {
			d.UseNumber()
		}
		if d.Decode(&data) != nil {
			return
		}
		for _, fm := range forms {
			r := fm.Check(data, ctx)
			for _, list := range [][]Issue{r.Errors, r.Overridden, r.Warnings} {
				for _, is := range list {
					// Only a key that is itself empty leaves the field unnamed.
					if (is.Field == "" && is.Code != "unknown_field") || is.Code == "" || is.Message.ID == "" || is.Message.EN == "" {
						t.Fatalf("incomplete issue %+v", is)
					}
				}
			}
			for k := range r.Values {
				if _, ok := fm.Field(k); !ok {
					t.Fatalf("unknown key %q kept in Values", k)
				}
			}
			for k, v := range data {
				if s, ok := v.(string); ok {
					fm.ParseField(k, s, r.Values, ctx)
				}
			}
		}
	})
}
