package forms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
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

// mrzLetters is ICAO 9303 part 3, section 6, table A (transliteration of
// multinational Latin-based characters), upper case, with the first of
// the table's choices where it offers two (Ä→AE, Ü→UE, Ñ→N). Letters the
// table maps to their base letter are here too, so that the table can be
// read against the standard; letters it does not list (the Vietnamese
// U+1Exx, Ș, Ǎ, ...) are transliterated by their Unicode decomposition
// (see mrzLetter). Ə, which the table leaves out and which decomposes to
// nothing, is A, as Azerbaijan's passports write it.
var mrzLetters = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "AE", 'Å': "AA", 'Æ': "AE",
	'Ç': "C", 'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I",
	'Î': "I", 'Ï': "I", 'Ð': "D", 'Ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O",
	'Õ': "O", 'Ö': "OE", 'Ø': "OE", 'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "UE",
	'Ý': "Y", 'Þ': "TH",
	'Ā': "A", 'Ă': "A", 'Ą': "A", 'Ć': "C", 'Ĉ': "C", 'Ċ': "C", 'Č': "C",
	'Ď': "D", 'Đ': "D", 'Ē': "E", 'Ĕ': "E", 'Ė': "E", 'Ę': "E", 'Ě': "E",
	'Ĝ': "G", 'Ğ': "G", 'Ġ': "G", 'Ģ': "G", 'Ĥ': "H", 'Ħ': "H", 'Ĩ': "I",
	'Ī': "I", 'Ĭ': "I", 'Į': "I", 'İ': "I", 'ı': "I", 'Ĳ': "IJ", 'Ĵ': "J",
	'Ķ': "K", 'Ĺ': "L", 'Ļ': "L", 'Ľ': "L", 'Ŀ': "L", 'Ł': "L", 'Ń': "N",
	'Ņ': "N", 'Ň': "N", 'Ŋ': "N", 'Ō': "O", 'Ŏ': "O", 'Ő': "O", 'Œ': "OE",
	'Ŕ': "R", 'Ŗ': "R", 'Ř': "R", 'Ś': "S", 'Ŝ': "S", 'Ş': "S", 'Š': "S",
	'Ţ': "T", 'Ť': "T", 'Ŧ': "T", 'Ũ': "U", 'Ū': "U", 'Ŭ': "U", 'Ů': "U",
	'Ű': "U", 'Ų': "U", 'Ŵ': "W", 'Ŷ': "Y", 'Ÿ': "Y", 'Ź': "Z", 'Ż': "Z",
	'Ž': "Z", 'ẞ': "SS",
	// Not in table A: lower-case forms with no upper case of their own,
	// and letters without a decomposition.
	'ß': "SS", 'ĸ': "K", 'Ə': "A", 'ə': "A",
}

// nameBlocks are the Unicode blocks a name's letters may come from: Basic
// Latin, Latin-1 Supplement, Latin Extended-A and -B, and Latin Extended
// Additional (Vietnamese). The receipt's font covers them (package pdf
// tests it); compatibility forms elsewhere (fullwidth, mathematical
// letters) would print as nothing.
var nameBlocks = []struct{ lo, hi rune }{{0x0041, 0x024F}, {0x1E00, 0x1EFF}}

func inNameBlocks(r rune) bool {
	for _, b := range nameBlocks {
		if r >= b.lo && r <= b.hi {
			return true
		}
	}
	return false
}

// mrzLetter returns the MRZ letters of one letter, in either case, and
// false when it has none (digits, punctuation, other scripts): table A
// first, then the letter's compatibility decomposition (NFKD) without its
// combining marks, so that Ễ is E and Ǆ is DZ.
func mrzLetter(r rune) (string, bool) {
	switch {
	case r >= 'A' && r <= 'Z':
		return string(r), true
	case r >= 'a' && r <= 'z':
		return string(r - 'a' + 'A'), true
	}
	if !inNameBlocks(r) || !unicode.IsLetter(r) {
		return "", false
	}
	if s, ok := mrzLetters[r]; ok {
		return s, true
	}
	if s, ok := mrzLetters[unicode.ToUpper(r)]; ok {
		return s, true
	}
	d := norm.NFKD.String(string(r))
	if d == string(r) {
		return "", false
	}
	var b strings.Builder
	for _, c := range d {
		if unicode.Is(unicode.Mn, c) {
			continue
		}
		s, ok := mrzLetter(c)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), b.Len() > 0
}

// NameLetter reports whether r is a letter a name may hold: one with an
// MRZ transliteration.
func NameLetter(r rune) bool {
	_, ok := mrzLetter(r)
	return ok
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '‘' || r == 'ʻ'
}

// mrzWord converts one word (normalised to NFC by the caller):
// letters transliterated, apostrophes and combining marks dropped,
// hyphens become the filler. Characters with no MRZ form are dropped;
// the name check has already refused them.
func mrzWord(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch {
		case isApostrophe(r) || unicode.Is(unicode.Mn, r):
		case r == '-':
			b.WriteByte('<')
		default:
			if s, ok := mrzLetter(r); ok {
				b.WriteString(s)
			}
		}
	}
	// "Al--Amin" or "-Budi": one filler between letters, none at the ends.
	parts := strings.FieldsFunc(b.String(), func(r rune) bool { return r == '<' })
	return strings.Join(parts, "<")
}

// mrzWords converts words, leaving out those with nothing left.
func mrzWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if m := mrzWord(w); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// SplitName splits a full name into the primary identifier (the surname,
// several words if need be) and the secondary identifier (the given
// names). With surname empty the primary identifier is the last word, as
// for an Indonesian name, and a single name is the primary identifier
// alone. Otherwise surname must be whole words of the name, in order
// (letter case aside): its last occurrence is the primary identifier and
// the words before and after it, in their order, the secondary one, so
// that "Deborah Heng Ming Lo" with surname "Heng" is HENG, DEBORAH MING LO.
// ok is false when surname is not in the name.
func SplitName(full, surname string) (primary, secondary []string, ok bool) {
	words := strings.Fields(norm.NFC.String(full))
	sur := strings.Fields(norm.NFC.String(surname))
	if len(words) == 0 {
		return nil, nil, len(sur) == 0
	}
	if len(sur) == 0 {
		return words[len(words)-1:], words[:len(words)-1], true
	}
	for i := len(words) - len(sur); i >= 0; i-- {
		match := true
		for j, s := range sur {
			if !strings.EqualFold(words[i+j], s) {
				match = false
				break
			}
		}
		if match {
			secondary = append(append(secondary, words[:i]...), words[i+len(sur):]...)
			return words[i : i+len(sur)], secondary, true
		}
	}
	return nil, nil, false
}

// NameToMRZ builds the TD3 name field of a full name whose primary
// identifier is surname (see SplitName; empty: the last word). A surname
// that is not in the name is ignored. A name that does not fit the 39
// characters is truncated as ICAO 9303 part 4 (4.2.2.1, examples in
// 4.2.3) says: the primary identifier first, its components from the last
// cut to their initials, until the two fillers and the first letter of
// the secondary identifier fit; then as much of the secondary identifier
// as fits. A truncated field always ends on a letter, as the standard
// requires, so that a reader knows the name may go on.
func NameToMRZ(full, surname string) MRZName {
	p, s, ok := SplitName(full, surname)
	if !ok {
		p, s, _ = SplitName(full, "")
	}
	primary, secondary := mrzWords(p), mrzWords(s)
	if len(primary) == 0 {
		primary, secondary = secondary, nil
	}
	if len(primary) == 0 {
		return MRZName{}
	}
	var out MRZName
	var field string
	if len(secondary) == 0 {
		field, out.Truncated = fitComponents(primary, mrzNameLength)
	} else {
		room := mrzNameLength - 3 // "<<" and a letter of the secondary identifier
		for i := len(primary) - 1; i > 0 && joinedLen(primary) > room; i-- {
			primary[i] = primary[i][:1]
			out.Truncated = true
		}
		pf, cut := fitComponents(primary, room)
		sf, cutS := fitComponents(secondary, mrzNameLength-len(pf)-2)
		field = pf + "<<" + sf
		out.Truncated = out.Truncated || cut || cutS
	}
	out.Field = field
	out.AsPrinted = asPrinted(field)
	return out
}

// joinedLen is the length of components joined by single fillers.
func joinedLen(cs []string) int {
	n := len(cs) - 1
	for _, c := range cs {
		n += len(c)
	}
	return n
}

// fitComponents joins components with single fillers in at most n
// characters, cutting what does not fit, and tells whether it cut. A cut
// field ends on a letter: where the cut would leave a filler last, the
// component before it gives up its last letter for the next one's
// initial ("...RS<TUV" in 20 becomes "...R<T").
func fitComponents(cs []string, n int) (string, bool) {
	s := strings.Join(cs, "<")
	if len(s) <= n {
		return s, false
	}
	if n <= 0 {
		return "", true
	}
	if s[n-1] != '<' {
		return s[:n], true
	}
	if n >= 3 && s[n-2] != '<' && s[n-3] != '<' {
		return s[:n-2] + "<" + s[n:n+1], true
	}
	return strings.TrimRight(s[:n], "<"), true
}

// asPrinted is a name field for people: "PRATAMA, MUHAMMAD RIZKY".
func asPrinted(field string) string {
	return strings.ReplaceAll(strings.Replace(field, "<<", ", ", 1), "<", " ")
}
