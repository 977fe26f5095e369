package forms

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/jemput/jemput/lang"
)

// expected names what a field's type wants, for wrong-type messages.
func expected(t FieldType) lang.Text {
	switch t {
	case TypeInt:
		return lang.Text{ID: "bilangan bulat", EN: "a whole number"}
	case TypeBool:
		return lang.Text{ID: "ya atau tidak (true/false)", EN: "yes or no (true/false)"}
	case TypeDocuments:
		return lang.Text{ID: "daftar kode dokumen", EN: "a list of document codes"}
	}
	return lang.Text{ID: "teks", EN: "text"}
}

// fromText turns one typed answer into the shape JSON would have given, so
// interactive entry and JSON files share one normalizer.
func fromText(fd *Field, raw string) any {
	s := strings.TrimSpace(raw)
	switch fd.Type {
	case TypeInt:
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	case TypeBool:
		switch strings.ToLower(s) {
		case "y", "ya", "yes", "true", "1", "hadir":
			return true
		case "t", "n", "tidak", "no", "false", "0", "tidak hadir":
			return false
		}
	case TypeDocuments:
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
		list := make([]any, len(parts))
		for i, p := range parts {
			list[i] = p
		}
		return list
	}
	return raw
}

// normalize converts one answer to its stored form: trimmed strings, int,
// bool, []string. A nil value means "not answered". The issue, if any, is a
// blocking error about the answer's type or format.
func (f *Form) normalize(fd *Field, v any) (any, *Issue) {
	fail := func(code string, m lang.Text) (any, *Issue) {
		return nil, &Issue{Field: fd.ID, Code: code, Severity: Error, Message: m}
	}
	wrongType := func() (any, *Issue) {
		e := expected(fd.Type)
		return fail("wrong_type", lang.Text{
			ID: fd.Label.ID + " harus berupa " + e.ID,
			EN: fd.Label.EN + " must be " + e.EN,
		})
	}
	if v == nil {
		return nil, nil // JSON null: not answered
	}
	switch fd.Type {
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return wrongType()
		}
		return b, nil
	case TypeInt:
		n, ok := toInt(v)
		if !ok {
			return wrongType()
		}
		if (fd.Min != nil && n < *fd.Min) || (fd.Max != nil && n > *fd.Max) {
			return fail("out_of_range", labelled(fd.Label, "%s di luar batas (tertulis %d)",
				"%s is out of range (got %d)", n))
		}
		if len(fd.Values) > 0 {
			if _, ok := fd.Choice(strconv.Itoa(n)); !ok {
				return fail("not_allowed", notAllowed(fd, strconv.Itoa(n)))
			}
		}
		return n, nil
	case TypeDocuments:
		return f.normalizeDocuments(fd, v)
	}

	s, ok := v.(string)
	if !ok {
		return wrongType()
	}
	if !utf8.ValidString(s) {
		return fail("invalid_text", labelled(fd.Label, "%s memuat karakter yang rusak (bukan UTF-8)",
			"%s contains broken characters (not UTF-8)"))
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		// Addresses may span lines; nothing else may hold control characters,
		// which would corrupt receipts and exports.
		if unicode.IsControl(r) && !(fd.Type == TypeText && (r == '\n' || r == '\t' || r == '\r')) {
			return fail("control_characters", labelled(fd.Label, "%s memuat karakter kontrol (U+%04X)",
				"%s contains a control character (U+%04X)", r))
		}
	}
	switch fd.Type {
	case TypeName:
		// One spelling of each letter, whether typed precomposed or as a
		// base letter and a combining accent: names are compared,
		// searched and printed in NFC.
		s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	case TypeNIK, TypeKK:
		s = strings.Join(strings.Fields(s), "")
	case TypeCountry:
		s = strings.ToUpper(s)
	}
	if fd.Upper {
		s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	}
	if s == "" {
		return nil, nil
	}
	if n := utf8.RuneCountInString(s); fd.MaxLength > 0 && n > fd.MaxLength {
		return fail("too_long", labelled(fd.Label, "%s paling panjang %d karakter (tertulis %d)",
			"%s can be at most %d characters (got %d)", fd.MaxLength, n))
	}
	switch fd.Type {
	case TypeDate:
		t, ok, exists := parseDate(s)
		if !ok {
			return fail("date_format", labelled(fd.Label, "%s harus berupa tanggal TTTT-BB-HH (tertulis %q)",
				"%s must be a date YYYY-MM-DD (got %q)", shown(s)))
		}
		if !exists {
			return fail("date_invalid", labelled(fd.Label, "%s tidak ada di kalender (%s)",
				"%s is not a real date (%s)", shown(s)))
		}
		s = t.Format(dateLayout)
	case TypeEnum:
		c, ok := fd.Choice(s)
		if !ok {
			return fail("not_allowed", notAllowed(fd, s))
		}
		s = c.Value
	}
	if fd.pattern != nil && !fd.pattern.MatchString(s) {
		m := labelled(fd.Label, "%s tidak sesuai format (tertulis %q)", "%s does not have the expected format (got %q)", shown(s))
		if fd.Help.ID != "" {
			m.ID += ": " + fd.Help.ID
			m.EN += ": " + fd.Help.EN
		}
		return fail("pattern", m)
	}
	return s, nil
}

func (f *Form) normalizeDocuments(fd *Field, v any) (any, *Issue) {
	var items []string
	switch v := v.(type) {
	case []string:
		items = v
	case []any:
		for _, it := range v {
			s, ok := it.(string)
			if !ok {
				return nil, &Issue{Field: fd.ID, Code: "wrong_type", Severity: Error, Message: lang.Text{
					ID: fd.Label.ID + " harus berupa " + expected(fd.Type).ID,
					EN: fd.Label.EN + " must be " + expected(fd.Type).EN}}
			}
			items = append(items, s)
		}
	default:
		return nil, &Issue{Field: fd.ID, Code: "wrong_type", Severity: Error, Message: lang.Text{
			ID: fd.Label.ID + " harus berupa " + expected(fd.Type).ID,
			EN: fd.Label.EN + " must be " + expected(fd.Type).EN}}
	}
	out := []string{}
	seen := map[string]bool{}
	var unknown []string
	for _, s := range items {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if _, ok := f.Documents.Label(s); !ok {
			unknown = append(unknown, shown(s))
			continue
		}
		out = append(out, s)
	}
	if len(unknown) > 0 {
		known := make([]string, len(f.Documents.Catalog))
		for i, d := range f.Documents.Catalog {
			known[i] = d.ID
		}
		return nil, &Issue{Field: fd.ID, Code: "unknown_document", Severity: Error, Message: labelled(fd.Label,
			"%s memuat kode dokumen yang tidak dikenal: %s (yang dikenal: %s)",
			"%s has unknown document codes: %s (known: %s)",
			strings.Join(unknown, ", "), strings.Join(known, ", "))}
	}
	return out, nil
}

// toInt accepts the ways JSON decoders and callers give a whole number.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return 0, false
		}
		return int(n), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			return 0, false
		}
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0, false
		}
		return toInt(i)
	}
	return 0, false
}

func notAllowed(fd *Field, got string) lang.Text {
	vals := make([]string, len(fd.Values))
	for i, c := range fd.Values {
		vals[i] = c.Value
	}
	return labelled(fd.Label, "%s tidak boleh %q (pilihan: %s)", "%s cannot be %q (choices: %s)",
		shown(got), strings.Join(vals, ", "))
}

// shown cuts a typed value for quoting in a message, so a pasted page does
// not become the message.
func shown(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
