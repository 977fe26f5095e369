package forms

import (
	"strings"
	"unicode"
)

// mrzNameLength is the width of the name field in a TD3 (passport) MRZ,
// ICAO 9303 part 4.
const mrzNameLength = 39

// MRZName is the name as the passport's machine-readable zone will hold it.
type MRZName struct {
	// Field is the name field without its trailing filler, e.g.
	// "PRATAMA<<MUHAMMAD<RIZKY".
	Field string
	// Truncated is set when the name did not fit in 39 characters.
	Truncated bool
	// AsPrinted is Field for people: "PRATAMA, MUHAMMAD RIZKY".
	AsPrinted string
}

// mrzLetters transliterates the Latin letters with diacritics that ICAO 9303
// part 3 lists, upper case only (callers upper-case first). Multi-letter
// entries (Ä→AE, ß→SS, Ø→OE, Þ→TH) follow the ICAO table; the rest drop the
// diacritic.
var mrzLetters = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "AE", 'Å': "AA",
	'Æ': "AE", 'Ç': "C", 'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I",
	'Î': "I", 'Ï': "I", 'Ð': "D", 'Ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O",
	'Ö': "OE", 'Ø': "OE", 'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "UE", 'Ý': "Y", 'Þ': "TH",
	'ß': "SS", 'Ā': "A", 'Ă': "A", 'Ą': "A", 'Ć': "C", 'Ĉ': "C", 'Ċ': "C", 'Č': "C",
	'Ď': "D", 'Đ': "D", 'Ē': "E", 'Ĕ': "E", 'Ė': "E", 'Ę': "E", 'Ě': "E", 'Ĝ': "G", 'Ğ': "G",
	'Ġ': "G", 'Ģ': "G", 'Ĥ': "H", 'Ħ': "H", 'Ĩ': "I", 'Ī': "I", 'Ĭ': "I", 'Į': "I", 'İ': "I",
	'ı': "I", 'Ĳ': "IJ", 'Ĵ': "J", 'Ķ': "K", 'ĸ': "K", 'Ĺ': "L", 'Ļ': "L", 'Ľ': "L",
	'Ŀ': "L", 'Ł': "L", 'Ń': "N", 'Ņ': "N", 'Ň': "N", 'Ŋ': "N", 'Ō': "O", 'Ŏ': "O", 'Ő': "O",
	'Œ': "OE", 'Ŕ': "R", 'Ŗ': "R", 'Ř': "R", 'Ś': "S", 'Ŝ': "S", 'Ş': "S", 'Š': "S",
	'Ţ': "T", 'Ť': "T", 'Ũ': "U", 'Ū': "U", 'Ŭ': "U", 'Ů': "U", 'Ű': "U", 'Ų': "U", 'Ŵ': "W",
	'Ŷ': "Y", 'Ÿ': "Y", 'Ź': "Z", 'Ż': "Z", 'Ž': "Z", 'Ơ': "O", 'Ư': "U", 'Ǎ': "A", 'Ǐ': "I",
	'Ǒ': "O", 'Ǔ': "U", 'Ǖ': "U", 'Ǘ': "U", 'Ǚ': "U", 'Ǜ': "U", 'Ǟ': "A", 'Ǡ': "A", 'Ǧ': "G",
	'Ǩ': "K", 'Ǫ': "O", 'Ǭ': "O", 'Ǵ': "G", 'Ǹ': "N", 'Ǻ': "A", 'Ȁ': "A", 'Ȃ': "A", 'Ȅ': "E",
	'Ȇ': "E", 'Ȉ': "I", 'Ȋ': "I", 'Ȍ': "O", 'Ȏ': "O", 'Ȑ': "R", 'Ȓ': "R", 'Ȕ': "U", 'Ȗ': "U",
	'Ș': "S", 'Ț': "T", 'Ȟ': "H", 'Ȧ': "A", 'Ȩ': "E", 'Ȫ': "O", 'Ȭ': "O", 'Ȯ': "O", 'Ȱ': "O",
	'Ȳ': "Y", 'ẞ': "SS"}

// mrzLetter returns the MRZ letters for one upper-cased rune, and false when
// it has none (digits, punctuation, non-Latin scripts).
func mrzLetter(r rune) (string, bool) {
	if r >= 'A' && r <= 'Z' {
		return string(r), true
	}
	s, ok := mrzLetters[r]
	return s, ok
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '‘'
}

// mrzWord converts one word: letters transliterated, apostrophes dropped,
// hyphens become the filler. Characters with no MRZ form are dropped; the
// name check has already refused them.
func mrzWord(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch {
		case isApostrophe(r):
		case r == '-':
			b.WriteByte('<')
		default:
			if s, ok := mrzLetter(unicode.ToUpper(r)); ok {
				b.WriteString(s)
			} else if s, ok := mrzLetter(r); ok {
				b.WriteString(s) // ß has no single upper-case rune
			}
		}
	}
	return strings.Trim(b.String(), "<")
}

// NameToMRZ builds the TD3 name field. The primary identifier is the last
// word and the secondary identifier the others, as for a surname-last name;
// a single name is the primary identifier alone. A name longer than 39
// characters is cut at 39 and, if the cut falls on a filler, shortened to
// end on a letter, so the field never ends in a separator that would read as
// a complete name.
func NameToMRZ(name string) MRZName {
	var words []string
	for _, w := range strings.Fields(name) {
		if m := mrzWord(w); m != "" {
			words = append(words, m)
		}
	}
	if len(words) == 0 {
		return MRZName{}
	}
	field := words[len(words)-1]
	if len(words) > 1 {
		field += "<<" + strings.Join(words[:len(words)-1], "<")
	}
	var out MRZName
	if len(field) > mrzNameLength {
		field = strings.TrimRight(field[:mrzNameLength], "<")
		out.Truncated = true
	}
	out.Field = field
	out.AsPrinted = strings.ReplaceAll(strings.Replace(field, "<<", ", ", 1), "<", " ")
	return out
}
