package intake

import (
	"fmt"
	"strings"
	"time"

	"github.com/jemput/jemput/kitcode"
)

// Application numbers look like KTB01-261127-0042-7: the kit code, the local
// date, the kit's sequence for that date and a check character. Kit codes are
// unique (the central office hands them out), so numbers are unique without
// any coordination between kits at the event.
//
// The check character is a weighted sum modulo 31, the prime size of the
// alphabet below, which catches every single mistyped character and every
// swap of two characters (number_test.go tries them all). The alphabet leaves
// out I, O, S, U and Z, which are easily confused with 1, 0, 5, V and 2 when a
// number is read out or typed; kit codes use the same alphabet, and the
// office checks them too, so both live in package kitcode.

const alphabet = kitcode.Alphabet

// FormatNumber builds the application number for the seq-th application of
// the day at this kit.
func FormatNumber(kitCode string, day time.Time, seq int) string {
	body := fmt.Sprintf("%s-%s-%04d", strings.ToUpper(kitCode), day.Format("060102"), seq)
	return body + "-" + string(alphabet[checkValue(body)])
}

// NormalizeNumber uppercases s, trims it, drops spaces and reads O as 0 and
// I as 1 (letters the alphabet leaves out), so that a number read out or
// typed loosely still matches.
func NormalizeNumber(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	return strings.NewReplacer("O", "0", "I", "1").Replace(s)
}

// ValidNumber reports whether s is well formed and its check character
// matches.
func ValidNumber(s string) bool {
	s = NormalizeNumber(s)
	parts := strings.Split(s, "-")
	if len(parts) != 4 || len(parts[3]) != 1 || len(parts[1]) != 6 || len(parts[2]) < 4 || !kitcode.Valid(parts[0]) {
		return false
	}
	for _, r := range parts[1] + parts[2] {
		if r < '0' || r > '9' {
			return false
		}
	}
	c := strings.IndexByte(alphabet, parts[3][0])
	return c >= 0 && checkValue(s[:len(s)-2]) == c
}

// checkValue is the value c that makes the weighted sum of the symbols of
// body followed by c zero modulo 31; separators are skipped. Weights are the
// positions 1, 2, 3…: distinct and below 31 for numbers of up to 30 symbols.
func checkValue(body string) int {
	const p = len(alphabet)
	sum, w := 0, 1
	for _, r := range body {
		v := strings.IndexRune(alphabet, r)
		if v < 0 {
			continue
		}
		sum += w * v
		w++
	}
	// find c with sum + w*c ≡ 0 (mod p): c = -sum * w⁻¹
	inv := 1
	for (w*inv)%p != 1 {
		inv++
	}
	return ((p - sum%p) % p * inv) % p
}
