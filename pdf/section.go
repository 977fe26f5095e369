package pdf

import (
	"strings"

	"github.com/jemput/jemput/lang"
)

// Section is a heading and its rows. A section shorter than a page is kept
// together: when it does not fit what is left of a page it starts the
// next. A longer one breaks between rows.
type Section struct {
	Title lang.Text
	Alert bool // framed (in red where there is colour), to be seen
	// NewPage starts the section on a new page (A4), for a report that
	// gives each view a page of its own.
	NewPage bool

	rows []func(*renderer) row
}

// NewSection starts a section under a heading; the heading is printed in
// capitals.
func NewSection(title lang.Text) *Section { return &Section{Title: title} }

// Row adds a label with its value beside it. An empty value prints "-".
func (s *Section) Row(label lang.Text, value string) {
	s.add(func(r *renderer) row { return r.valueRow(label, value) })
}

func (r *renderer) valueRow(label lang.Text, value string) kv {
	if clean(value) == "" {
		value = "-"
	}
	return kv{label: label, value: stack{{f: r.th.value, text: value}}}
}

// RowText adds a label with a value in both languages.
func (s *Section) RowText(label, value lang.Text) {
	s.add(func(r *renderer) row {
		if clean(value.ID) == "" && clean(value.EN) == "" {
			return r.valueRow(label, "")
		}
		return kv{label: label, value: bi(value, r.th.value, r.th.valueEN)}
	})
}

// RowCode adds a label with a code in a monospaced face, such as a
// machine-readable name; on narrow paper it goes beneath its label.
func (s *Section) RowCode(label lang.Text, value string) {
	s.add(func(r *renderer) row {
		if clean(value) == "" {
			return r.valueRow(label, "")
		}
		return kv{label: label, value: stack{{f: r.th.mono, text: value}}, wide: r.th.narrow}
	})
}

// Item adds a bulleted entry, the English beside the Indonesian where
// the line has room.
func (s *Section) Item(t lang.Text) { s.put(item{text: t}) }

// StrongItem adds a bulleted entry in bold, such as a document still
// missing.
func (s *Section) StrongItem(t lang.Text) { s.put(item{text: t, strong: true}) }

// Sentence adds a bulleted sentence, the English always beneath.
func (s *Section) Sentence(t lang.Text) { s.put(item{text: t, beneath: true}) }

// Paragraph adds text without a label, the English beneath.
func (s *Section) Paragraph(t lang.Text) { s.put(text{text: t}) }

// Note adds a remark that must be seen: bold, and red where there is
// colour.
func (s *Section) Note(t lang.Text) { s.put(text{text: t, note: true}) }

// Amount adds a label with a figure at the right, such as a part of a fee.
func (s *Section) Amount(label lang.Text, value string) {
	s.put(amount{label: label, value: value})
}

// Total adds an amount in bold under a rule.
func (s *Section) Total(label lang.Text, value string) {
	s.put(amount{label: label, value: value, total: true})
}

// Table adds a table: a line of headings, then one line for each of rows,
// a cell for each column. Across pages it breaks between lines and repeats
// the headings.
func (s *Section) Table(cols []Col, rows [][]string) {
	t := &table{cols: cols}
	t.head = tableHead{t}
	s.put(t.head)
	for _, cells := range rows {
		s.put(tableLine{t: t, cells: cells})
	}
}

// Bars adds a bar chart, one bar a line: the label in the label column,
// the bar's length its value against the largest, the figure after it.
func (s *Section) Bars(bars []Bar) {
	c := &chart{}
	for _, b := range bars {
		c.top = max(c.top, b.Value)
		c.bars = append(c.bars, bar{Bar: b, c: c})
	}
	for _, b := range c.bars {
		s.put(b)
	}
}

// Draw adds a drawing of height h (millimetres) across the section, which
// fn draws on the canvas it is given, for a chart of lines and rectangles.
func (s *Section) Draw(h float64, fn func(*Canvas)) { s.put(drawing{h: h, fn: fn}) }

// add appends a row made for the paper the document is laid out on.
func (s *Section) add(mk func(*renderer) row) { s.rows = append(s.rows, mk) }

// put appends a row that is the same on every paper.
func (s *Section) put(rw row) { s.add(func(*renderer) row { return rw }) }

// section is a Section laid out on paper.
type section struct {
	title   lang.Text
	rows    []row
	alert   bool    // framed, to be seen
	labelW  float64 // 0: labels above values
	newPage bool
}

const alertPad = 2

func (s section) titleStack(r *renderer) stack {
	id, en := r.th.head, r.th.headEN
	id.red = s.alert && r.th.colour
	return r.pair(lang.Text{ID: strings.ToUpper(s.title.ID), EN: s.title.EN}, id, en)
}

func (s section) inner(w float64) float64 {
	if s.alert {
		return w - 2*alertPad
	}
	return w
}

func (s section) titleH(r *renderer, w float64) float64 {
	return r.stackH(s.titleStack(r), s.inner(w)) + 1.6
}

func (s section) height(r *renderer, w float64) float64 {
	iw := s.inner(w)
	h := s.titleH(r, w)
	for _, row := range s.rows {
		h += row.height(r, iw, s.labelW)
	}
	if s.alert {
		h += 2 * alertPad
	}
	return h
}

func (s section) draw(r *renderer, x, y, w float64) float64 {
	h := s.height(r, w)
	if s.alert {
		if r.th.colour {
			r.pdf.SetDrawColor(170, 20, 20)
			r.pdf.SetFillColor(253, 240, 240)
		} else {
			r.pdf.SetDrawColor(0, 0, 0)
			r.pdf.SetFillColor(255, 255, 255)
		}
		r.pdf.SetLineWidth(0.6)
		r.pdf.Rect(x, y, w, h, "DF")
		x, y, w = x+alertPad, y+alertPad, w-2*alertPad
	}
	th := r.drawStack(s.titleStack(r), x, y, w, "L")
	r.pdf.SetDrawColor(150, 150, 150)
	if s.alert && r.th.colour {
		r.pdf.SetDrawColor(170, 20, 20)
	}
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(x, y+th+0.5, x+w, y+th+0.5)
	y += th + 1.6
	for _, row := range s.rows {
		row.draw(r, x, y, w, s.labelW)
		y += row.height(r, w, s.labelW)
	}
	return h
}

// column is sections stacked with a gap.
type column []section

func (c column) height(r *renderer, w float64) float64 {
	h := 0.0
	for i, s := range c {
		if i > 0 {
			h += r.th.sectionGap
		}
		h += s.height(r, w)
	}
	return h
}

func (c column) draw(r *renderer, x, y, w float64) float64 {
	y0 := y
	for i, s := range c {
		if i > 0 {
			y += r.th.sectionGap
		}
		y += s.draw(r, x, y, w)
	}
	return y - y0
}

// lay turns s into a section for this paper, its label column fitted on
// A4 to the widest label within most.
func (r *renderer) lay(s *Section, most float64) section {
	out := section{title: s.Title, alert: s.Alert, labelW: r.th.labelW, newPage: s.NewPage}
	for _, mk := range s.rows {
		out.rows = append(out.rows, mk(r))
	}
	if r.th.fit {
		out.labelW = r.fitLabels(out.rows, most)
	}
	return out
}

// fitLabels is the width of a label column that holds the widest label of
// rows on one line, Indonesian and English, or most when that is wider.
func (r *renderer) fitLabels(rows []row, most float64) float64 {
	wd := 0.0
	for _, row := range rows {
		l, ok := row.(labelled)
		if !ok {
			continue
		}
		s := l.labelStack(r)
		if s[0].en != "" {
			wd = max(wd, r.inlineW(s[0]))
		} else {
			wd = max(wd, r.width(s[0].f, s[0].text))
		}
	}
	return min(wd+labelGap+0.5, most)
}
