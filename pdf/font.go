package pdf

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/jung-kurt/gofpdf"

	"github.com/jemput/jemput/lang"
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
// the way a viewer falls back to a font that has the glyphs, registered
// only when a text needs it, so that a receipt of an Indonesian name
// costs what it did.
//
// gofpdf's own way to embed a face (AddUTF8FontFromBytes, a CID font)
// costs about 5 ms a document for each face: it parses the font again,
// hashes the JSON of 65,536 widths, subsets the font and compresses it
// with a map of 128 KB. So a document embeds a face as a simple TrueType
// font instead (AddFontFromBytes), whose parts are made once a process
// (faceData): the font program compressed, its descriptor and its widths,
// read from gofpdf's own parse of the face so that every text measures
// and wraps as it did. What a document adds is its encoding: the letters
// outside ASCII of its texts (at most 128) get the codes 128 to 255,
// named uniXXXX in the font's /Differences, which is how viewers and
// pdftotext find the glyph and the letter. A document whose letters do
// not fit (more than 128 of them, a letter the face lacks, one of no
// width, text the first look did not see) is written the old way, as a
// CID font (Document.Write).

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

// faceKind is how a text is printed.
type faceKind int

const (
	coreFace   faceKind = iota // a core font, Windows-1252
	simpleFace                 // the embedded face, in the document's encoding
	cidFace                    // the embedded face through gofpdf's UTF-8 fonts
)

// face is the font gofpdf is given for the (cleaned) text s in f: the
// core font where it can print s, else the embedded face, bold for bold
// text and for codes, registered with gofpdf on first use.
func (r *renderer) face(f font, s string) (family, style string, kind faceKind) {
	if winAnsi(s) {
		return f.family, f.style, coreFace
	}
	style = ""
	if strings.Contains(f.style, "B") || f.family == "Courier" {
		style = "B"
	}
	kind = cidFace
	if r.codes != nil {
		kind = simpleFace
	}
	if !r.faces[style] {
		fd := faceFor(style)
		if kind == simpleFace {
			r.pdf.AddFontFromBytes(unicodeFamily, style, r.codes.def(fd), fd.z)
		} else {
			r.pdf.AddUTF8FontFromBytes(unicodeFamily, style, fd.ttf)
		}
		r.faces[style] = true
	}
	return unicodeFamily, style, kind
}

// enc is text as gofpdf takes it in font f: one clean line, in UTF-8 for
// a CID face, in the document's encoding for a simple one, else in
// Windows-1252.
func (r *renderer) enc(f font, s string) string {
	s = clean(s)
	switch _, _, kind := r.face(f, s); kind {
	case cidFace:
		return s
	case simpleFace:
		return r.encode(s)
	}
	return r.tr(s)
}

// encode is s in the document's encoding. A letter without a code marks
// the document to be written again as a CID font.
func (r *renderer) encode(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		if c < 0x80 {
			b = append(b, byte(c))
			continue
		}
		code, ok := r.codes.code[c]
		if !ok {
			r.missed = true
			code = '?'
		}
		b = append(b, code)
	}
	return string(b)
}

// splitSimple wraps s (cleaned) to w in the current simple face as
// gofpdf's SplitText wraps it in the CID face: by rune, on the widths
// gofpdf reads from the font, breaking at spaces, and returns the lines
// encoded.
func (r *renderer) splitSimple(s string, style string, w float64) []string {
	cw := faceFor(style).cw
	_, size := r.pdf.GetFontSize()
	wmax := int(math.Ceil(w * 1000 / size)) // SplitText takes off the cell margin, 0 here
	rs := []rune(s)
	var lines []string
	sep, i, j, l := -1, 0, 0, 0
	for i < len(rs) {
		c := rs[i]
		cwc, ok := cw[c]
		if !ok {
			r.missed = true
		}
		l += cwc
		if unicode.IsSpace(c) {
			sep = i
		}
		if l > wmax {
			if sep == -1 {
				if i == j {
					i++
				}
				sep = i
			} else {
				i = sep + 1
			}
			lines = append(lines, r.encode(string(rs[j:sep])))
			sep, j, l = -1, i, 0
		} else {
			i++
		}
	}
	if i != j {
		lines = append(lines, r.encode(string(rs[j:i])))
	}
	return lines
}

// faceData is what a document needs of an embedded face, made once a
// process: the font, compressed; its descriptor; the widths of the
// characters it has, in thousandths of the font size, as gofpdf reads
// them (its CharWidths), for the characters of positive width.
type faceData struct {
	ttf   []byte
	style string
	file  string // the font file's name in gofpdf; ".z" is compressed
	once  sync.Once
	z     []byte
	desc  gofpdf.FontDescType
	cw    map[rune]int
	err   error
}

var (
	regularFace = &faceData{ttf: dejaVuSans, style: "", file: "DejaVuSans-Latin.z"}
	boldFace    = &faceData{ttf: dejaVuSansBold, style: "B", file: "DejaVuSans-Bold-Latin.z"}
)

// faceFor is the face of a style, ready.
func faceFor(style string) *faceData {
	fd := regularFace
	if style == "B" {
		fd = boldFace
	}
	fd.once.Do(fd.load)
	return fd
}

func (fd *faceData) load() {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(fd.ttf)
	zw.Close()
	fd.z = z.Bytes()

	has, err := cmapRunes(fd.ttf)
	if err != nil {
		fd.err = err
		return
	}
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("f", fd.style, fd.ttf)
	p.SetFont("f", fd.style, 10)
	fd.desc = p.GetFontDesc("f", fd.style)
	fd.cw = make(map[rune]int, len(has))
	for c := range has {
		// gofpdf's width of one character is its CharWidths entry, but
		// for a character of no width (entry 65535), which prints as 0
		// and wraps as 65535: such a character is left out, and a
		// document with one is written as a CID font.
		if w := p.GetStringSymbolWidth(string(c)); c <= 0xFFFF && w > 0 {
			fd.cw[c] = w
		}
	}
	if err := p.Error(); err != nil {
		fd.err = err
	}
}

// codes is a document's encoding of the letters outside ASCII that it
// prints in the embedded faces.
type codes struct {
	runes []rune // in order of their codes, from 128
	code  map[rune]byte
}

// newCodes is the encoding of the letters outside ASCII of texts, or nil
// when a simple font cannot print them: more than 128 letters, or one
// that a face lacks.
func newCodes(texts map[string]bool) *codes {
	set := map[rune]bool{}
	for t := range texts {
		for _, c := range t {
			if c >= 0x80 {
				set[c] = true
			}
		}
	}
	if len(set) == 0 || len(set) > 128 {
		return nil
	}
	reg, bold := faceFor(""), faceFor("B")
	if reg.err != nil || bold.err != nil {
		return nil
	}
	cs := &codes{code: make(map[rune]byte, len(set))}
	for c := range set {
		if reg.cw[c] == 0 || bold.cw[c] == 0 {
			return nil
		}
		cs.runes = append(cs.runes, c)
	}
	slices.Sort(cs.runes)
	for i, c := range cs.runes {
		cs.code[c] = byte(0x80 + i)
	}
	return cs
}

// def is the font definition gofpdf reads for face fd in this encoding
// (the JSON of gofpdf's fontDefType).
func (cs *codes) def(fd *faceData) []byte {
	cw := make([]int, 256)
	for c := 0x20; c < 0x7F; c++ {
		cw[c] = fd.cw[rune(c)]
	}
	diff := []byte("128")
	for i, c := range cs.runes {
		cw[0x80+i] = fd.cw[c]
		diff = fmt.Appendf(diff, " /uni%04X", c)
	}
	desc := fd.desc
	desc.Flags = desc.Flags&^4 | 32 // nonsymbolic: the encoding names the glyphs
	b, err := json.Marshal(struct {
		Tp, Name     string
		Desc         gofpdf.FontDescType
		Cw           []int
		Diff, File   string
		OriginalSize int
	}{"TrueType", "DejaVuSans" + map[string]string{"": "", "B": "-Bold"}[fd.style], desc, cw, string(diff), fd.file, len(fd.ttf)})
	if err != nil {
		panic(err) // a struct of strings and numbers
	}
	return b
}

// cmapRunes reads the characters a TrueType font has glyphs for, from the
// Unicode subtables (format 4 and 12) of its cmap.
func cmapRunes(ttf []byte) (has map[rune]bool, err error) {
	defer func() {
		if recover() != nil {
			has, err = nil, errors.New("pdf: malformed cmap table")
		}
	}()
	be := binary.BigEndian
	u16 := func(o int) int { return int(be.Uint16(ttf[o:])) }
	u32 := func(o int) int { return int(be.Uint32(ttf[o:])) }
	cmap := -1
	for i := range u16(4) {
		rec := 12 + 16*i
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, errors.New("pdf: no cmap table")
	}
	has = map[rune]bool{}
	for i := range u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := u16(rec), u16(rec+2), cmap+u32(rec+4)
		if !(platform == 3 && (encoding == 1 || encoding == 10)) && platform != 0 {
			continue
		}
		switch u16(sub) {
		case 4:
			segs := u16(sub+6) / 2
			ends, starts, deltas, offs := sub+14, sub+16+2*segs, sub+16+4*segs, sub+16+6*segs
			for s := range segs {
				end, start := u16(ends+2*s), u16(starts+2*s)
				delta, ro := u16(deltas+2*s), u16(offs+2*s)
				for c := start; c <= end && c != 0xFFFF; c++ {
					g := (c + delta) & 0xFFFF
					if ro != 0 {
						g = u16(offs + 2*s + ro + 2*(c-start))
						if g != 0 {
							g = (g + delta) & 0xFFFF
						}
					}
					if g != 0 {
						has[rune(c)] = true
					}
				}
			}
		case 12:
			for g := range u32(sub + 12) {
				grp := sub + 16 + 12*g
				for c := u32(grp); c <= u32(grp+4); c++ {
					has[rune(c)] = true
				}
			}
		}
	}
	if len(has) == 0 {
		return nil, errors.New("pdf: no Unicode cmap subtable")
	}
	return has, nil
}

// foreignTexts are the texts of d, cleaned, that the core fonts cannot
// print: what its encoding must hold. A text it misses (one a drawing
// prints) is caught as it is printed.
func (d *Document) foreignTexts(r *renderer) map[string]bool {
	out := map[string]bool{}
	add := func(ss ...string) {
		for _, s := range ss {
			if t := clean(s); !winAnsi(t) {
				out[t] = true
			}
		}
	}
	addT := func(ts ...lang.Text) {
		for _, t := range ts {
			add(t.ID, t.EN)
		}
	}
	addS := func(st stack) {
		for _, p := range st {
			add(p.text, p.en)
		}
	}
	h := &d.head
	add(h.Office, h.Ref, h.Mark)
	addT(h.Title, h.RefLabel, d.qrCap)
	sec := func(s *Section) {
		if s == nil {
			return
		}
		add(strings.ToUpper(s.Title.ID), s.Title.EN)
		for _, mk := range s.rows {
			switch rw := mk(r).(type) {
			case kv:
				addT(rw.label)
				addS(rw.value)
			case item:
				addT(rw.text)
			case text:
				addT(rw.text)
			case amount:
				addT(rw.label)
				add(rw.value)
			case tableHead:
				for _, c := range rw.t.cols {
					addT(c.Head)
				}
			case tableLine:
				add(rw.cells...)
			case bar:
				addT(rw.Label)
				add(rw.figure())
			}
		}
	}
	for _, b := range d.body {
		sec(b.across)
		if c := b.cols; c != nil {
			for _, s := range append(append(slices.Clip(c.Left), c.Right...), c.Balance) {
				sec(s)
			}
		}
	}
	sec(d.foot)
	return out
}
