package pdf

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/jung-kurt/gofpdf"

	"github.com/jemput/jemput/lang"
)

// The embedded faces: DejaVu Sans, regular and bold, cut down to the Latin
// script (fonts/README.md says how, fonts/LICENSE under which licence),
// compressed (.z), with their metrics as gofpdf reads them (.metrics):
// both made from the .ttf files by TestFaceFiles -update, and held to
// them by it.
var (
	//go:embed fonts/DejaVuSans-Latin.z
	dejaVuSansZ []byte
	//go:embed fonts/DejaVuSans-Latin.metrics
	dejaVuSansMetrics []byte
	//go:embed fonts/DejaVuSans-Bold-Latin.z
	dejaVuSansBoldZ []byte
	//go:embed fonts/DejaVuSans-Bold-Latin.metrics
	dejaVuSansBoldMetrics []byte
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
// font instead (AddFontFromBytes), made of parts that are ready before
// any document: the font program compressed, its descriptor and its
// widths, in the files beside the fonts, read once a process (faceData).
// The widths are gofpdf's own parse of the face, so every text measures
// and wraps as it did. What a document adds is its encoding: the letters
// outside ASCII of its texts (at most 128) get the codes 128 to 255, named
// uniXXXX in the font's /Differences, which is how viewers and pdftotext
// find the glyph and the letter. A document whose letters do not fit
// (more than 128 of them, a letter the face lacks, one of no width, text
// the first look did not see) is written the old way, with CID fonts
// (Document.Write). The price is the size: the whole face, about 39 KB,
// where the subset took about 9 KB.

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
			r.pdf.AddUTF8FontFromBytes(unicodeFamily, style, fd.font())
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

// faceData is what a document needs of an embedded face: the font,
// compressed; its descriptor; the widths of the characters it has, in
// thousandths of the font size, as gofpdf reads them (its CharWidths), for
// the characters of positive width. All of it is read once a process from
// the embedded files.
type faceData struct {
	z, metrics []byte // embedded
	style      string
	file       string // the font file's name in gofpdf; ".z" is compressed
	once       sync.Once
	size       int // of the font, uncompressed
	desc       gofpdf.FontDescType
	cw         map[rune]int
	err        error
	ttfOnce    sync.Once
	ttf        []byte
}

var (
	regularFace = &faceData{z: dejaVuSansZ, metrics: dejaVuSansMetrics, style: "", file: "DejaVuSans-Latin.z"}
	boldFace    = &faceData{z: dejaVuSansBoldZ, metrics: dejaVuSansBoldMetrics, style: "B", file: "DejaVuSans-Bold-Latin.z"}
)

// faceFor is the face of a style, ready.
func faceFor(style string) *faceData {
	fd := regularFace
	if style == "B" {
		fd = boldFace
	}
	fd.once.Do(func() { fd.err = fd.readMetrics(fd.metrics) })
	return fd
}

// font is the TrueType font itself, for gofpdf's CID fonts.
func (fd *faceData) font() []byte {
	fd.ttfOnce.Do(func() {
		zr, err := zlib.NewReader(bytes.NewReader(fd.z))
		if err == nil {
			fd.ttf, err = io.ReadAll(zr)
		}
		if err != nil {
			panic(fmt.Sprintf("pdf: embedded font %s: %v", fd.file, err)) // TestFaceFiles reads it
		}
	})
	return fd.ttf
}

// The metrics file is little-endian int32s: the font's size; its
// descriptor (ascent, descent, cap height, flags, bounding box, italic
// angle, stem, missing width); the number of characters, then each
// character and its width, in order.
func (fd *faceData) readMetrics(b []byte) error {
	bad := fmt.Errorf("pdf: metrics of %s are damaged", fd.file)
	if len(b)%4 != 0 || len(b) < 13*4 {
		return bad
	}
	v := make([]int, len(b)/4)
	for i := range v {
		v[i] = int(int32(binary.LittleEndian.Uint32(b[4*i:])))
	}
	n := v[12]
	if n < 0 || len(v) != 13+2*n {
		return bad
	}
	fd.size = v[0]
	d := &fd.desc
	d.Ascent, d.Descent, d.CapHeight, d.Flags = v[1], v[2], v[3], v[4]
	d.FontBBox.Xmin, d.FontBBox.Ymin, d.FontBBox.Xmax, d.FontBBox.Ymax = v[5], v[6], v[7], v[8]
	d.ItalicAngle, d.StemV, d.MissingWidth = v[9], v[10], v[11]
	fd.cw = make(map[rune]int, n)
	for i := range n {
		fd.cw[rune(v[13+2*i])] = v[14+2*i]
	}
	return nil
}

// metricsOf is the metrics file of desc and widths cw of a font of size
// bytes.
func metricsOf(size int, d gofpdf.FontDescType, cw map[rune]int) []byte {
	v := []int{size, d.Ascent, d.Descent, d.CapHeight, d.Flags,
		d.FontBBox.Xmin, d.FontBBox.Ymin, d.FontBBox.Xmax, d.FontBBox.Ymax,
		d.ItalicAngle, d.StemV, d.MissingWidth, len(cw)}
	for _, c := range slices.Sorted(maps.Keys(cw)) {
		v = append(v, int(c), cw[c])
	}
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(int32(x)))
	}
	return b
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
	}{"TrueType", "DejaVuSans" + map[string]string{"": "", "B": "-Bold"}[fd.style], desc, cw, string(diff), fd.file, fd.size})
	if err != nil {
		panic(err) // a struct of strings and numbers
	}
	return b
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
