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

// Text is printed in the PDF core fonts (Helvetica, Courier), which every
// viewer and printer has and which cost nothing to embed, wherever it is
// in their encoding, Windows-1252: Indonesian and English text, and names
// such as "José Müller". A text with any other letter ("Łukasz Wałęsa",
// "Nguyễn Văn Đức") is printed in the embedded face of the same weight,
// the way a viewer falls back to a font that has the glyphs. gofpdf
// spends several milliseconds a document on each embedded face it uses
// (it parses the font, hashes its widths and compresses the subset), so a
// face is registered only when a text needs it, and a receipt of an
// Indonesian name costs what it did.

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

// face is the font gofpdf is given for the (cleaned) text s in f: the
// core font where it can print s, else the embedded face, bold for bold
// text and for codes, registered with gofpdf on first use.
func (r *renderer) face(f font, s string) (family, style string, utf8 bool) {
	if winAnsi(s) {
		return f.family, f.style, false
	}
	style = ""
	if strings.Contains(f.style, "B") || f.family == "Courier" {
		style = "B"
	}
	if !r.faces[style] {
		ttf := dejaVuSans
		if style == "B" {
			ttf = dejaVuSansBold
		}
		r.pdf.AddUTF8FontFromBytes(unicodeFamily, style, ttf)
		r.faces[style] = true
	}
	return unicodeFamily, style, true
}

// enc is text as gofpdf takes it in font f: one clean line, in UTF-8 for
// an embedded face, else in Windows-1252.
func (r *renderer) enc(f font, s string) string {
	s = clean(s)
	if _, _, utf8 := r.face(f, s); utf8 {
		return s
	}
	return r.tr(s)
}
