package forms

import (
	"strconv"
	"strings"
	"time"
)

// dateLayout is how dates are stored in Values: ISO 8601, no time.
const dateLayout = "2006-01-02"

// civilDate returns midnight UTC of y-m-d, and false if that day does not
// exist (time.Date would silently roll 2001-02-29 over to 1 March).
func civilDate(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// parseDate reads YYYY-MM-DD, and also DD-MM-YYYY or DD/MM/YYYY as officers
// copy them from a KTP. The year position makes the order unambiguous.
// ok is false for a malformed string; exists is false for a well-formed
// date that is not in the calendar (2001-02-29, month 13).
func parseDate(s string) (t time.Time, ok, exists bool) {
	s = strings.TrimSpace(s)
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, false, false
	}
	y, m, d := parts[0], parts[1], parts[2]
	if len(parts[2]) == 4 && len(parts[0]) <= 2 {
		y, d = parts[2], parts[0]
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 {
		return time.Time{}, false, false
	}
	yi, e1 := atoiDigits(y)
	mi, e2 := atoiDigits(m)
	di, e3 := atoiDigits(d)
	if !e1 || !e2 || !e3 {
		return time.Time{}, false, false
	}
	t, exists = civilDate(yi, mi, di)
	return t, true, exists
}

// atoiDigits converts a string of ASCII digits only (no sign, no spaces).
func atoiDigits(s string) (int, bool) {
	if s == "" || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dayOf drops the time of day and the zone, keeping the calendar date as
// seen in t's own location: "today" at the event is the local date.
func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ageOn returns the completed years between birth and day. Someone born on
// 29 February becomes a year older on 1 March in common years.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}
