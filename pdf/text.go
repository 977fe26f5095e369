package pdf

import (
	"strings"
	"sync"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/jemput/jemput/lang"
)

// font is a face, a size in points and a grey level (0 is black).
type font struct {
	family, style string
	size          float64
	grey          int
	red           bool
}

// mm is the size of the font in millimetres.
func (f font) mm() float64 { return f.size * 25.4 / 72 }

// lh is the line height of f in millimetres.
func (r *renderer) lh(f font) float64 { return f.mm() * r.th.lead }

type theme struct {
	pageW, pageH, margin float64
	label, labelEN       font // row labels, Indonesian then English
	value, valueEN       font
	mono                 font // codes such as the MRZ name
	head, headEN         font // section headings
	rowPad, sectionGap   float64
	labelW               float64 // label column; A4 fits it to the labels
	qr                   float64 // QR side
	lead                 float64 // line height as a multiple of the font size
	inline               bool    // English beside Indonesian where both fit a line
	colour               bool    // red for what must be seen; a thermal head prints black
	narrow               bool    // codes go beneath their labels
	fit                  bool    // label columns as wide as their labels
}

var (
	greyA4   = 105
	greyRoll = 60 // thermal heads print light grey as nothing
	themeA4  = theme{
		pageW: 210, pageH: 297, margin: 14,
		label:   font{"Helvetica", "", 8, 0, false},
		labelEN: font{"Helvetica", "I", 7, greyA4, false},
		value:   font{"Helvetica", "", 9, 0, false},
		valueEN: font{"Helvetica", "I", 7.5, greyA4, false},
		mono:    font{"Courier", "B", 9.5, 0, false},
		head:    font{"Helvetica", "B", 10, 0, false},
		headEN:  font{"Helvetica", "I", 7.5, greyA4, false},
		rowPad:  1.1, sectionGap: 4,
		labelW: 36, qr: 36, lead: 1.15, inline: true, colour: true, fit: true,
	}
	themeRoll = theme{
		pageW: 80, pageH: 297, margin: 4,
		label:   font{"Helvetica", "", 7.5, 0, false},
		labelEN: font{"Helvetica", "I", 6.5, greyRoll, false},
		value:   font{"Helvetica", "B", 8.5, 0, false},
		valueEN: font{"Helvetica", "I", 7, greyRoll, false},
		mono:    font{"Courier", "B", 8.5, 0, false},
		head:    font{"Helvetica", "B", 9, 0, false},
		headEN:  font{"Helvetica", "I", 7, greyRoll, false},
		rowPad:  1.1, sectionGap: 3.5,
		labelW: 25, qr: 46, lead: 1.2, narrow: true,
	}
)

// renderer lays a Document out on gofpdf's pages.
type renderer struct {
	pdf *gofpdf.Fpdf
	tr  func(string) string
	th  theme

	cur    font // the font set last; gofpdf writes every SetFont to the page
	curFam string
	curSty string
	curSet bool
	faces  map[string]bool      // embedded faces registered with gofpdf, by style (font.go)
	codes  *codes               // the encoding of the embedded faces; nil: CID fonts (font.go)
	missed bool                 // a letter printed that codes lacks: write it again with CID fonts
	wraps  map[wrapKey][]string // layout measures each text more than once
	pairs  map[pairKey]float64  // widths of paragraphs on one line
}

type pairKey struct {
	f, enF   font
	text, en string
}

type wrapKey struct {
	f    font
	text string
	w    float64
}

// translators holds cp1252 translators from gofpdf. Building one parses the
// code page file, and one is not safe for concurrent use (it reuses a
// buffer), so each render borrows its own.
var translators = sync.Pool{New: func() any {
	return gofpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
}}

func newRenderer(th theme, compress bool) *renderer {
	pdf := gofpdf.NewCustom(&gofpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           gofpdf.SizeType{Wd: th.pageW, Ht: th.pageH},
	})
	pdf.SetCompression(compress)
	pdf.SetCatalogSort(true)
	pdf.SetMargins(th.margin, th.margin, th.margin)
	pdf.SetAutoPageBreak(false, th.margin)
	pdf.SetCellMargin(0)
	return &renderer{
		pdf:   pdf,
		tr:    translators.Get().(func(string) string), // cp1252
		th:    th,
		faces: make(map[string]bool),
		wraps: make(map[wrapKey][]string),
		pairs: make(map[pairKey]float64),
	}
}

func (r *renderer) release() { translators.Put(r.tr) }

// clean turns user text into one plain line: control characters become
// spaces, and letters typed as a base letter and combining accents become
// the precomposed letter (NFC), which the fonts have a glyph for. Nothing
// is interpreted; gofpdf escapes what PDF syntax needs.
func clean(s string) string {
	return norm.NFC.String(strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s)))
}

// use sets the font for text s (cleaned) in f: its face depends on the
// text (font.go).
func (r *renderer) use(f font, s string) {
	family, style, _ := r.face(f, s)
	if r.curSet && f == r.cur && family == r.curFam && style == r.curSty {
		return
	}
	r.cur, r.curFam, r.curSty, r.curSet = f, family, style, true
	r.pdf.SetFont(family, style, f.size)
	switch {
	case f.red:
		r.pdf.SetTextColor(170, 20, 20)
	default:
		r.pdf.SetTextColor(f.grey, f.grey, f.grey)
	}
}

// para is text in one font, wrapped to a width. With en set, the English
// of the text follows in font enF: on the same line when both fit it, else
// beneath.
type para struct {
	f    font
	text string
	enF  font
	en   string
}

// stack is paragraphs one below the other: Indonesian, then English.
type stack []para

// bi is a text in both languages, English beneath Indonesian.
func bi(t lang.Text, id, en font) stack {
	s := stack{{f: id, text: t.ID}}
	if t.EN != "" && t.EN != t.ID {
		s = append(s, para{f: en, text: t.EN})
	}
	return s
}

// pair is bi with the English beside the Indonesian where the line has room
// for both, on paper where that is the style.
func (r *renderer) pair(t lang.Text, id, en font) stack {
	if !r.th.inline || t.EN == "" || t.EN == t.ID {
		return bi(t, id, en)
	}
	return stack{{f: id, text: t.ID, enF: en, en: t.EN}}
}

// pairGap separates the Indonesian from the English on one line.
const pairGap = 1.8

func (r *renderer) width(f font, text string) float64 {
	t := clean(text)
	r.use(f, t)
	return r.pdf.GetStringWidth(r.enc(f, t))
}

// inlineW is the width of p on one line, Indonesian and English.
func (r *renderer) inlineW(p para) float64 {
	k := pairKey{p.f, p.enF, p.text, p.en}
	if wd, ok := r.pairs[k]; ok {
		return wd
	}
	wd := r.width(p.f, p.text) + pairGap + r.width(p.enF, p.en)
	r.pairs[k] = wd
	return wd
}

// inline tells whether p is printed on one line in w.
func (r *renderer) inline(p para, w float64) bool {
	return p.en != "" && r.inlineW(p) <= w
}

// split is p as separate paragraphs, English beneath.
func (p para) split() (para, para) {
	return para{f: p.f, text: p.text}, para{f: p.enF, text: p.en}
}

func (r *renderer) wrap(p para, w float64) []string {
	k := wrapKey{p.f, p.text, w}
	if ls, ok := r.wraps[k]; ok {
		return ls
	}
	t := clean(p.text)
	r.use(p.f, t)
	var out []string
	switch _, style, kind := r.face(p.f, t); {
	case t == "":
	case kind == cidFace:
		out = r.pdf.SplitText(t, w) // by rune: SplitLines counts bytes
	case kind == simpleFace:
		out = r.splitSimple(t, style, w)
	default:
		for _, l := range r.pdf.SplitLines([]byte(r.tr(t)), w) {
			out = append(out, string(l))
		}
	}
	r.wraps[k] = out
	return out
}

func (r *renderer) stackH(s stack, w float64) float64 {
	h := 0.0
	for _, p := range s {
		if p.en != "" {
			if r.inline(p, w) {
				h += max(r.lh(p.f), r.lh(p.enF))
				continue
			}
			id, en := p.split()
			h += float64(len(r.wrap(id, w)))*r.lh(id.f) + float64(len(r.wrap(en, w)))*r.lh(en.f)
			continue
		}
		h += float64(len(r.wrap(p, w))) * r.lh(p.f)
	}
	return h
}

// drawStack draws s at x, y within w, aligned "L", "C" or "R", and returns
// its height.
func (r *renderer) drawStack(s stack, x, y, w float64, align string) float64 {
	y0 := y
	for _, p := range s {
		if p.en != "" {
			if r.inline(p, w) {
				y += r.drawInline(p, x, y, w, align)
				continue
			}
			id, en := p.split()
			y += r.drawStack(stack{id, en}, x, y, w, align)
			continue
		}
		ls := r.wrap(p, w)
		r.use(p.f, clean(p.text))
		lh := r.lh(p.f)
		for _, l := range ls {
			r.pdf.SetXY(x, y)
			r.pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
			y += lh
		}
	}
	return y - y0
}

// drawInline draws the Indonesian and English of p on one line, on a
// common baseline, and returns the line's height.
func (r *renderer) drawInline(p para, x, y, w float64, align string) float64 {
	h := max(r.lh(p.f), r.lh(p.enF))
	switch align {
	case "R":
		x += w - r.inlineW(p)
	case "C":
		x += (w - r.inlineW(p)) / 2
	}
	// gofpdf puts the baseline of a cell of height h at 0.5h + 0.3 size.
	base := y + r.lh(p.f)/2 + 0.3*p.f.mm()
	idW := r.width(p.f, p.text)
	r.pdf.SetXY(x, y)
	r.pdf.CellFormat(idW, r.lh(p.f), r.enc(p.f, p.text), "", 0, "L", false, 0, "")
	r.use(p.enF, clean(p.en))
	r.pdf.SetXY(x+idW+pairGap, base-r.lh(p.enF)/2-0.3*p.enF.mm())
	r.pdf.CellFormat(w-idW-pairGap, r.lh(p.enF), r.enc(p.enF, p.en), "", 0, "L", false, 0, "")
	return h
}
