package forms

import (
	"errors"
	"testing"
	"time"
)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func errCode(err error) string {
	var ce *CheckError
	if errors.As(err, &ce) {
		return ce.Code
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

func TestParseNIK(t *testing.T) {
	tests := []struct {
		name, in, code string
		female         bool
		day            int
		known          bool
	}{
		{"man", "6302011403850003", "", false, 14, true},
		{"woman, day+40", "6310024207900001", "", true, 2, true},
		{"woman day 71", "6302017101990001", "", true, 31, true},
		{"too short", "630201140385000", "nik_length", false, 0, false},
		{"too long", "63020114038500031", "nik_length", false, 0, false},
		{"empty", "", "nik_length", false, 0, false},
		{"letter", "63020114038500X3", "nik_not_digits", false, 0, false},
		{"letter O for zero", "63O2011403850003", "nik_not_digits", false, 0, false},
		{"arabic-indic digit", "630201140385000٣", "nik_not_digits", false, 0, false},
		{"space inside", "6302011403 850003", "nik_not_digits", false, 0, false},
		{"day 00", "6302010003850003", "nik_date", false, 0, false},
		{"day 32", "6302013201850003", "nik_date", false, 0, false},
		{"day 40", "6302014001850003", "nik_date", false, 0, false},
		{"day 72", "6302017201850003", "nik_date", false, 0, false},
		{"month 00", "6302011400850003", "nik_date", false, 0, false},
		{"month 13", "6302011413850003", "nik_date", false, 0, false},
		{"31 April", "6302013104850003", "nik_date", false, 0, false},
		{"29 Feb 2000 (1900 is not leap)", "6302012902000003", "", false, 29, true},
		{"29 Feb 01 neither century", "6302012902010008", "nik_date", false, 0, false},
		{"29 Feb 04", "6302016902040003", "", true, 29, true},
		{"serial 0000", "6302011403850000", "nik_serial", false, 0, false},
		{"serial 9999", "6302011403859999", "", false, 14, true},
		{"unknown province is not an error", "9902011403850003", "", false, 14, false},
		{"province 20 unknown", "2002011403850003", "", false, 14, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNIK(tt.in)
			if got := errCode(err); got != tt.code {
				t.Fatalf("ParseNIK(%q) code = %q, want %q (%v)", tt.in, got, tt.code, err)
			}
			if err != nil {
				var ce *CheckError
				errors.As(err, &ce)
				if ce.Message.ID == "" || ce.Message.EN == "" {
					t.Errorf("message not bilingual: %+v", ce.Message)
				}
				return
			}
			if n.Female != tt.female || n.Day != tt.day || n.ProvinceKnown != tt.known {
				t.Errorf("ParseNIK(%q) = %+v", tt.in, n)
			}
		})
	}
}

func TestNIKMessages(t *testing.T) {
	_, err := ParseNIK("630201140385000")
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Message.ID != "NIK harus 16 digit (tertulis 15)" || ce.Message.EN != "NIK must be 16 digits (got 15)" {
		t.Fatalf("got %#v", err)
	}
}

func TestNIKParts(t *testing.T) {
	n, err := ParseNIK("6302011403850003")
	if err != nil {
		t.Fatal(err)
	}
	if n.Province != "63" || n.Regency != "63.02" || n.District != "63.02.01" || n.Month != 3 || n.YY != 85 || n.Serial != 3 || n.Sex() != "M" {
		t.Errorf("%+v", n)
	}
}

func TestNIKCentury(t *testing.T) {
	child, _ := ParseNIK("6302017011150002") // 30-11-15, a girl
	old, _ := ParseNIK("6302010606600007")   // 06-06-60
	leap, _ := ParseNIK("6302012902000003")  // 29-02-00: only 2000 exists
	today := date(2026, 11, 27)
	tests := []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"entered 2015 keeps 2015", child.BirthDateFor(date(2015, 11, 30)), date(2015, 11, 30)},
		{"entered 1915 keeps 1915", child.BirthDateFor(date(1915, 11, 30)), date(1915, 11, 30)},
		{"entered date off by a day still picks the century", child.BirthDateFor(date(2015, 11, 29)), date(2015, 11, 30)},
		{"guess 2015 for a child, not 1915", child.GuessBirthDate(today), date(2015, 11, 30)},
		{"guess 1960: 2060 is in the future", old.GuessBirthDate(today), date(1960, 6, 6)},
		{"29-02-00 is 2000 whatever was entered", leap.BirthDateFor(date(1900, 3, 1)), date(2000, 2, 29)},
		{"guess for a date later this year falls back a century", mustNIK(t, "6302011512260001").GuessBirthDate(today), date(1926, 12, 15)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got.Format(dateLayout), tt.want.Format(dateLayout))
		}
	}
}

func mustNIK(t *testing.T, s string) NIK {
	t.Helper()
	n, err := ParseNIK(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNIKMatches(t *testing.T) {
	man := mustNIK(t, "6302011403850003")
	woman := mustNIK(t, "6310024207900001")
	tests := []struct {
		name          string
		n             NIK
		birth         time.Time
		sex           string
		dateOK, sexOK bool
	}{
		{"all match", man, date(1985, 3, 14), "M", true, true},
		{"Indonesian L", man, date(1985, 3, 14), "l", true, true},
		{"month differs", man, date(1985, 4, 14), "M", false, true},
		{"year differs", man, date(1986, 3, 14), "M", false, true},
		{"other century matches (the NIK cannot tell)", man, date(2085, 3, 14), "M", true, true},
		{"sex differs", man, date(1985, 3, 14), "F", true, false},
		{"woman, P", woman, date(1990, 7, 2), "P", true, true},
		{"woman given as man", woman, date(1990, 7, 2), "M", true, false},
		{"woman's day+40 is not her day", woman, date(1990, 7, 42%31), "F", false, true},
		{"both differ", woman, date(1990, 8, 2), "M", false, false},
		{"unknown sex never matches", man, date(1985, 3, 14), "X", true, false},
	}
	for _, tt := range tests {
		d, s := tt.n.Matches(tt.birth, tt.sex)
		if d != tt.dateOK || s != tt.sexOK {
			t.Errorf("%s: Matches = %v, %v; want %v, %v", tt.name, d, s, tt.dateOK, tt.sexOK)
		}
	}
}
