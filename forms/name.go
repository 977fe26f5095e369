package forms

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/jemput/jemput/lang"
)

// maxNameLength is the limit Permendagri 73/2022 sets for names.
const maxNameLength = 60

// NameResult is what PassportName finds in a full name.
type NameResult struct {
	Name       string   // trimmed, single-spaced, as typed
	Titles     []string // titles and degrees found, as typed
	Suggestion string   // the name without titles or punctuation, in capitals, when one can be offered
	MRZ        MRZName  // set when the name has no errors
	// Issues are errors (titles, characters, length) or, for an acceptable
	// name, warnings (single name, truncated MRZ). Field is left empty: the
	// caller knows which field it checked.
	Issues []Issue
}

// OK reports whether the name can go into a passport as it is.
func (r NameResult) OK() bool {
	for _, is := range r.Issues {
		if is.Severity != Warning {
			return false
		}
	}
	return true
}

var fullNameLabel = lang.Text{ID: "Nama lengkap", EN: "Full name"}

// PassportName checks a name for the passport, using the embedded titles
// table; surname, which may be empty, is the primary identifier when it is
// more than the last word (see SplitName). The name is compared and kept
// in Unicode NFC, so a letter typed as a base letter and a combining
// accent is the same letter as its precomposed form. Codes: name_empty,
// name_titles, name_characters, name_too_long (errors); name_single,
// name_mrz_truncated (warnings).
func PassportName(full, surname string) NameResult {
	return passportName(full, surname, fullNameLabel, DefaultTables())
}

// nameWord is one word of a typed name, with the comma that followed it.
type nameWord struct {
	text       string
	afterComma bool // the word comes after a comma: degrees go there
}

func passportName(full, surname string, label lang.Text, t *Tables) NameResult {
	res := NameResult{Name: strings.Join(strings.Fields(norm.NFC.String(full)), " ")}
	if res.Name == "" {
		res.Issues = append(res.Issues, Issue{Code: "name_empty", Severity: Error,
			Message: labelled(label, "%s kosong", "%s is empty")})
		return res
	}
	var words []nameWord
	comma := false
	for _, w := range strings.Fields(strings.ReplaceAll(res.Name, ",", " , ")) {
		if w == "," {
			comma = true
			continue
		}
		words = append(words, nameWord{text: w, afterComma: comma})
	}

	var kept []string
	bad := map[rune]bool{}
	onlyDots := true // the only stray characters are dots: a suggestion is safe
	for _, w := range words {
		if isTitleWord(t, w) {
			res.Titles = append(res.Titles, w.text)
			continue
		}
		kept = append(kept, w.text)
		letters := 0
		prevLetter := false
		for _, r := range w.text {
			mark := unicode.Is(unicode.Mn, r)
			switch {
			case isApostrophe(r) || r == '-':
			case mark && prevLetter:
				// An accent no precomposed letter holds: dropped in the MRZ.
			case unicode.IsLetter(r):
				if NameLetter(r) {
					letters++
					prevLetter = true
					continue
				}
				bad[r], onlyDots = true, false
			default:
				bad[r] = true
				if r != '.' {
					onlyDots = false
				}
			}
			prevLetter = prevLetter && mark
		}
		if letters == 0 && len(bad) == 0 {
			bad['-'], onlyDots = true, false // a word of only '-' or '''
		}
	}
	if comma && len(res.Titles) == 0 {
		// "Fauzi, Ahmad": surname first; reordering is for the officer to decide.
		bad[','], onlyDots = true, false
	}
	clean := cleanName(kept)
	if len(res.Titles) > 0 {
		res.Suggestion = ""
		if len(bad) == 0 || onlyDots {
			res.Suggestion = clean
		}
		m := labelled(label,
			"%s tidak boleh memuat gelar atau sebutan (%s)",
			"%s must not contain titles or degrees (%s)", strings.Join(res.Titles, " "))
		if res.Suggestion != "" {
			m.ID += "; tulis: " + res.Suggestion
			m.EN += "; write: " + res.Suggestion
		}
		res.Issues = append(res.Issues, Issue{Code: "name_titles", Severity: Error, Message: m, Suggestion: res.Suggestion})
	}
	if len(bad) > 0 {
		m := labelled(label,
			"%s memuat karakter yang tidak boleh ada di paspor: %s (hanya huruf, spasi, tanda petik ' dan tanda hubung -)",
			"%s contains characters a passport name cannot have: %s (letters, spaces, apostrophe ' and hyphen - only)",
			runeList(bad))
		is := Issue{Code: "name_characters", Severity: Error, Message: m}
		if onlyDots && len(res.Titles) == 0 && clean != "" {
			is.Suggestion, res.Suggestion = clean, clean
			is.Message.ID += "; tulis: " + clean
			is.Message.EN += "; write: " + clean
		}
		res.Issues = append(res.Issues, is)
	}
	if len(res.Issues) > 0 {
		return res
	}
	if n := utf8.RuneCountInString(res.Name); n > maxNameLength {
		res.Issues = append(res.Issues, Issue{Code: "name_too_long", Severity: Error, Message: labelled(label,
			"%s paling panjang %d karakter (tertulis %d)", "%s can be at most %d characters (got %d)",
			maxNameLength, n)})
		return res
	}
	res.MRZ = NameToMRZ(res.Name, surname)
	if len(words) == 1 {
		res.Issues = append(res.Issues, Issue{Code: "name_single", Severity: Warning, Message: labelled(label,
			"%s hanya satu kata: dicatat sebagai nama utama; beberapa negara menolak visa dengan satu nama, kantor dapat menambah catatan (endorsement)",
			"%s is a single name: recorded as the primary identifier; some countries refuse single-name visas, the office may add an endorsement")})
	}
	if res.MRZ.Truncated {
		res.Issues = append(res.Issues, Issue{Code: "name_mrz_truncated", Severity: Warning,
			Suggestion: res.MRZ.AsPrinted,
			Message: labelled(label,
				"%s terlalu panjang untuk baris mesin (MRZ, 39 karakter): paspor akan mencetak %s (%s)",
				"%s is too long for the machine-readable zone (MRZ, 39 characters): the passport will print %s (%s)",
				res.MRZ.AsPrinted, res.MRZ.Field)})
	}
	return res
}

// isTitleWord tells a title or degree from a name. Dotted forms ("H.",
// "S.Pd") and anything after a comma are matched against the table; a bare
// word only when it is long enough not to be a name of its own ("Hj",
// "Prof", "SPd"), since "Ma" or "Se" may well be someone's name.
func isTitleWord(t *Tables, w nameWord) bool {
	if !t.IsTitle(w.text) {
		return false
	}
	if w.afterComma || strings.Contains(w.text, ".") {
		return true
	}
	k := titleKey(w.text)
	switch k {
	case "dr", "hj", "ir", "sh", "mh", "lc", "ns":
		return true
	}
	return utf8.RuneCountInString(k) >= 3
}

// cleanName is the suggestion offered to the officer: the remaining words in
// capitals, dots and commas removed.
func cleanName(words []string) string {
	var out []string
	for _, w := range words {
		w = strings.Map(func(r rune) rune {
			if r == '.' || r == ',' {
				return -1
			}
			return r
		}, w)
		if w != "" {
			out = append(out, strings.ToUpper(w))
		}
	}
	return strings.Join(out, " ")
}

// runeList shows the offending characters once each, in a stable order;
// invisible ones by code point, so the officer can find them.
func runeList(set map[rune]bool) string {
	rs := make([]rune, 0, len(set))
	for r := range set {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	parts := make([]string, len(rs))
	for i, r := range rs {
		if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			parts[i] = `"` + string(r) + `"`
		} else {
			parts[i] = fmt.Sprintf("U+%04X", r)
		}
	}
	return strings.Join(parts, ", ")
}
