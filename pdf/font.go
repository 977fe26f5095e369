package pdf

import (
	_ "embed"
	"strings"
)

// The embedded faces: DejaVu Sans, regular and bold, cut down to the Latin
// script (fonts/README.md says how, fonts/LICENSE under which licence).
var (
	//go:embed fonts/DejaVuSans-Latin.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold-Latin.ttf
	dejaVuSansBold []byte
)

// unicodeFamily is the name the embedded faces are registered under.
const unicodeFamily = "dejavu"

// A document is printed in the PDF core fonts (Helvetica, Courier), which
// every viewer and printer has and which cost nothing to embed, as long as
// all its text is in their encoding, Windows-1252: Indonesian and English
// text, and names such as "José Müller". Any other letter ("Łukasz
// Wałęsa", "Nguyễn Văn Đức") makes Write lay the whole document out again
// in the embedded Unicode font, so that one document never mixes two
// sans-serif faces. Embedding costs gofpdf several milliseconds a
// document (it parses the font, hashes its widths and compresses the
// subset each time), which the common case does not pay.

// winAnsiExtra are the characters of Windows-1252 between 0x80 and 0x9F,
// where it differs from Latin-1.
const winAnsiExtra = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

// winAnsi reports whether the core fonts can print s as it is.
func winAnsi(s string) bool {
	for _, r := range s {
		if r < 0x80 || (r >= 0xA0 && r <= 0xFF) {
			continue
		}
		if !strings.ContainsRune(winAnsiExtra, r) {
			return false
		}
	}
	return true
}

// face is the font gofpdf is given for f: in a Unicode document the
// sans-serif faces are the embedded ones (italic becomes upright: the
// English lines are set apart by size and grey already), while codes stay
// in Courier, whose text is checked by the caller (see RowCode).
func (r *renderer) face(f font) (family, style string) {
	if !r.unicode || f.family != "Helvetica" {
		return f.family, f.style
	}
	if strings.Contains(f.style, "B") {
		return unicodeFamily, "B"
	}
	return unicodeFamily, ""
}

// utf8 reports whether text in f goes to gofpdf as UTF-8.
func (r *renderer) utf8(f font) bool {
	fam, _ := r.face(f)
	return fam == unicodeFamily
}

// enc is text as gofpdf takes it in font f: one clean line, in UTF-8 for
// the embedded faces, else in Windows-1252. Text the core fonts cannot
// print marks the document for a second layout in the embedded font.
func (r *renderer) enc(f font, s string) string {
	s = clean(s)
	if r.utf8(f) {
		return s
	}
	if !winAnsi(s) {
		r.needUnicode = true
	}
	return r.tr(s)
}
