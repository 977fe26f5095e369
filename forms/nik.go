package forms

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jemput/jemput/lang"
)

// NIK is a parsed Nomor Induk Kependudukan: PP RR SS DDMMYY NNNN.
type NIK struct {
	Number   string // the 16 digits
	Province string // "63"
	Regency  string // "63.02", the Kemendagri notation
	District string // "63.02.01"
	Day      int    // day of birth, without the +40 women get
	Month    int
	YY       int // last two digits of the year; the century is not encoded
	Female   bool
	Serial   int
	// ProvinceKnown is false when the province code is not in the embedded
	// province table. That is a warning, not an error: the table may lag
	// behind new provinces, but an unknown code is almost always a typo.
	ProvinceKnown bool
}

var nikLabel = lang.Text{ID: "NIK", EN: "NIK"}

// ParseNIK checks a NIK on its own: 16 digits, a real date of birth in 19YY
// or 20YY, serial 0001–9999. The province is looked up in the embedded
// table and reported in ProvinceKnown. Errors are *CheckError with codes
// nik_not_digits, nik_length, nik_date, nik_serial.
func ParseNIK(s string) (NIK, error) {
	n, err := parseNIK(s, nikLabel)
	if err != nil {
		return NIK{}, err
	}
	n.ProvinceKnown = DefaultTables().ProvinceKnown(n.Province)
	return n, nil
}

// parseNIK is ParseNIK with the messages naming label (for "NIK ibu") and
// without the table lookup, which the engine does with its own tables.
func parseNIK(s string, label lang.Text) (NIK, *CheckError) {
	if err := digitsOnly(s, 16, "nik", label); err != nil {
		return NIK{}, err
	}
	n := NIK{
		Number:   s,
		Province: s[0:2],
		Regency:  s[0:2] + "." + s[2:4],
		District: s[0:2] + "." + s[2:4] + "." + s[4:6],
		Month:    num(s[8:10]),
		YY:       num(s[10:12]),
		Serial:   num(s[12:16]),
	}
	day := num(s[6:8])
	if day > 40 {
		n.Female, day = true, day-40
	}
	n.Day = day
	if len(n.years()) == 0 {
		return NIK{}, &CheckError{Code: "nik_date", Message: labelled(label,
			"Tanggal lahir dalam %s tidak ada di kalender (%s-%s-%s; perempuan: tanggal + 40)",
			"The date of birth in the %s is not a real date (%s-%s-%s; women: day + 40)",
			s[6:8], s[8:10], s[10:12])}
	}
	if n.Serial == 0 {
		return NIK{}, &CheckError{Code: "nik_serial", Message: labelled(label,
			"Nomor urut %s (4 digit terakhir) tidak boleh 0000",
			"The serial number of the %s (last 4 digits) cannot be 0000")}
	}
	return n, nil
}

// digitsOnly checks that s is exactly want ASCII digits, with distinct codes
// for a wrong character and a wrong length (prefix_not_digits,
// prefix_length): "letter O for zero" and "a digit left out" are different
// mistakes with different fixes.
func digitsOnly(s string, want int, prefix string, label lang.Text) *CheckError {
	for i, r := range s {
		if r < '0' || r > '9' {
			pos := utf8.RuneCountInString(s[:i]) + 1
			return &CheckError{Code: prefix + "_not_digits", Message: labelled(label,
				"%s hanya boleh berisi angka (ada %q di posisi %d)",
				"%s must contain digits only (found %q at position %d)", r, pos)}
		}
	}
	if len(s) != want {
		return &CheckError{Code: prefix + "_length", Message: labelled(label,
			"%s harus %d digit (tertulis %d)", "%s must be %d digits (got %d)", want, len(s))}
	}
	return nil
}

func num(s string) int {
	n, _ := atoiDigits(s)
	return n
}

// years returns the full years (19YY, 20YY) in which the encoded day and
// month exist, so 29-02-00 is valid (2000) and 29-02-01 is not.
func (n NIK) years() []int {
	return validYears(n.Day, n.Month, n.YY)
}

func validYears(day, month, yy int) []int {
	var ys []int
	for _, y := range []int{1900 + yy, 2000 + yy} {
		if _, ok := civilDate(y, month, day); ok {
			ys = append(ys, y)
		}
	}
	return ys
}

// Sex returns "F" or "M", as the forms' sex field stores it.
func (n NIK) Sex() string {
	if n.Female {
		return "F"
	}
	return "M"
}

// BirthDateFor resolves the century against a birth date entered elsewhere:
// it returns the NIK's date in the year that shares entered's last two
// digits when there is one, else the candidate nearest to entered. Guessing
// 19xx first would turn a child born in 2015 into 1915.
func (n NIK) BirthDateFor(entered time.Time) time.Time {
	var best time.Time
	for _, y := range n.years() {
		t, _ := civilDate(y, n.Month, n.Day)
		if best.IsZero() || absDays(t, entered) < absDays(best, entered) {
			best = t
		}
	}
	return best
}

// GuessBirthDate picks the century without an entered date: the latest
// candidate that is not after today (people applying are alive and born).
func (n NIK) GuessBirthDate(today time.Time) time.Time {
	ys := n.years()
	today = dayOf(today)
	for i := len(ys) - 1; i >= 0; i-- {
		t, _ := civilDate(ys[i], n.Month, n.Day)
		if !t.After(today) {
			return t
		}
	}
	t, _ := civilDate(ys[0], n.Month, n.Day)
	return t
}

func absDays(a, b time.Time) time.Duration {
	d := a.Sub(b)
	if d < 0 {
		return -d
	}
	return d
}

// Matches compares the NIK with a birth date and sex entered on the form.
// The two are told apart because they call for different corrections. sex
// is "M"/"F" (or the Indonesian "L"/"P"); an unrecognised sex never matches.
func (n NIK) Matches(birthDate time.Time, sex string) (dateOK, sexOK bool) {
	dateOK = birthDate.Day() == n.Day && int(birthDate.Month()) == n.Month &&
		birthDate.Year()%100 == n.YY
	switch strings.ToUpper(strings.TrimSpace(sex)) {
	case "M", "L":
		sexOK = !n.Female
	case "F", "P":
		sexOK = n.Female
	}
	return dateOK, sexOK
}

// DateString shows the encoded date as DD-MM-YY, the way officers read it
// off the card.
func (n NIK) DateString() string {
	return fmt.Sprintf("%02d-%02d-%02d", n.Day, n.Month, n.YY)
}
