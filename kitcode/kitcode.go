// Package kitcode is the rule for kit codes, the few symbols that name a
// kit at the office and start every application number it makes. A leaf:
// the kit's domain (intake) and the office (central) both hold kit codes
// and must agree on them, and neither may import the other.
package kitcode

import "strings"

// Alphabet is the symbols of kit codes and of application numbers: digits
// and capital letters without I, O, S, U and Z, which are easily confused
// with 1, 0, 5, V and 2 when read out or typed. Its size, 31, is prime, as
// the numbers' check character needs.
const Alphabet = "0123456789ABCDEFGHJKLMNPQRTVWXY"

// Valid reports whether code is a kit code: 3 to 8 symbols of Alphabet,
// starting with a letter (upper case).
func Valid(code string) bool {
	if len(code) < 3 || len(code) > 8 || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	for _, r := range code {
		if !strings.ContainsRune(Alphabet, r) {
			return false
		}
	}
	return true
}
