package pdf

import (
	"strconv"

	"github.com/jemput/jemput/lang"
)

// row is one entry of a section. w is the section's inner width, labelW
// its label column (0: labels above values).
type row interface {
	height(r *renderer, w, labelW float64) float64
	draw(r *renderer, x, y, w, labelW float64)
}

// labelled is a row with a label in the section's label column, which A4
// fits to the widest one.
type labelled interface {
	labelStack(r *renderer) stack
}

// labelGap separates a label from its value.
const labelGap = 2

// kv is a label with a value beside it, or beneath it when wide.
type kv struct {
	label lang.Text
	value stack
	wide  bool
}

func (k kv) labelStack(r *renderer) stack { return r.pair(k.label, r.th.label, r.th.labelEN) }

func (k kv) height(r *renderer, w, labelW float64) float64 {
	if k.wide || labelW == 0 {
		return r.stackH(k.labelStack(r), w) + 0.4 + r.stackH(k.value, w) + r.th.rowPad
	}
	lo, vo := k.baselines(r)
	return max(lo+r.stackH(k.labelStack(r), labelW-labelGap), vo+r.stackH(k.value, w-labelW)) + r.th.rowPad
}

// baselines are how far down the label and the value start so that their
// first lines share a baseline.
func (k kv) baselines(r *renderer) (label, value float64) {
	return baselines(r, k.labelStack(r)[0].f, k.value[0].f)
}

func baselines(r *renderer, l, v font) (label, value float64) {
	d := (r.lh(v)-r.lh(l))/2 + 0.3*(v.mm()-l.mm())
	return max(d, 0), max(-d, 0)
}

func (k kv) draw(r *renderer, x, y, w, labelW float64) {
	if k.wide || labelW == 0 {
		y += r.drawStack(k.labelStack(r), x, y, w, "L") + 0.4
		r.drawStack(k.value, x, y, w, "L")
		return
	}
	lo, vo := k.baselines(r)
	r.drawStack(k.labelStack(r), x, y+lo, labelW-labelGap, "L")
	r.drawStack(k.value, x+labelW, y+vo, w-labelW, "L")
}

// item is a bulleted entry in both languages; a short one on one line
// unless beneath asks for the English under the Indonesian always, as for
// sentences.
type item struct {
	text    lang.Text
	beneath bool
	strong  bool // bold, as a document still missing
}

const bulletW = 4

func (it item) stack(r *renderer) stack {
	id := r.th.value
	if it.strong {
		id.style = "B"
	}
	if it.beneath {
		return bi(it.text, id, r.th.valueEN)
	}
	return r.pair(it.text, id, r.th.valueEN)
}

func (it item) height(r *renderer, w, _ float64) float64 {
	return r.stackH(it.stack(r), w-bulletW) + r.th.rowPad
}

func (it item) draw(r *renderer, x, y, w, _ float64) {
	r.use(r.th.value, "•")
	r.pdf.SetXY(x+0.5, y)
	r.pdf.CellFormat(bulletW, r.lh(r.th.value), r.enc(r.th.value, "•"), "", 0, "L", false, 0, "")
	r.drawStack(it.stack(r), x+bulletW, y, w-bulletW, "L")
}

// text is a paragraph in both languages without a label: plain, or a
// remark that must be seen (bold, red where there is colour).
type text struct {
	text lang.Text
	note bool
}

func (t text) stack(r *renderer) stack {
	id, en := r.th.value, r.th.valueEN
	if t.note {
		id.style, id.size, id.red = "B", id.size-1, r.th.colour
	}
	return bi(t.text, id, en)
}

func (t text) height(r *renderer, w, _ float64) float64 {
	return r.stackH(t.stack(r), w) + r.th.rowPad
}

func (t text) draw(r *renderer, x, y, w, _ float64) { r.drawStack(t.stack(r), x, y, w, "L") }

// amount is a label on the left and a figure on the right, with a rule
// above and in bold when it is a total.
type amount struct {
	label lang.Text
	value string
	total bool
}

const amountW = 30

func (a amount) fonts(r *renderer) (font, font) {
	id, v := r.th.label, r.th.value
	if a.total {
		id.style, v.style = "B", "B"
	}
	return id, v
}

func (a amount) height(r *renderer, w, _ float64) float64 {
	id, _ := a.fonts(r)
	h := r.stackH(r.pair(a.label, id, r.th.labelEN), w-amountW) + r.th.rowPad
	if a.total {
		h += 1
	}
	return h
}

func (a amount) draw(r *renderer, x, y, w, _ float64) {
	id, v := a.fonts(r)
	if a.total {
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.25)
		r.pdf.Line(x, y+0.3, x+w, y+0.3)
		y += 1
	}
	r.drawStack(r.pair(a.label, id, r.th.labelEN), x, y, w-amountW, "L")
	r.drawStack(stack{{f: v, text: a.value}}, x+w-amountW, y, amountW, "R")
}

// Col is a column of a table.
type Col struct {
	Head  lang.Text
	Width float64 // a share of the table's width, relative to the others'
	Right bool    // aligned right, as figures are
}

// table is what the heading and the lines of one table share.
type table struct {
	cols []Col
	head tableHead
}

// cellGap separates the columns of a table.
const cellGap = 2

// cells are the left edges and widths of the columns in w.
func (t *table) cells(w float64) (xs, ws []float64) {
	sum := 0.0
	for _, c := range t.cols {
		sum += c.Width
	}
	x := 0.0
	for _, c := range t.cols {
		cw := w * c.Width / sum
		xs, ws = append(xs, x), append(ws, cw-cellGap)
		x += cw
	}
	return xs, ws
}

func align(c Col) string {
	if c.Right {
		return "R"
	}
	return "L"
}

// tableHead is the headings of a table, with a rule beneath. A table that
// breaks across pages repeats it.
type tableHead struct{ t *table }

func (h tableHead) stacks(r *renderer) []stack {
	s := make([]stack, len(h.t.cols))
	for i, c := range h.t.cols {
		s[i] = r.pair(c.Head, r.th.label, r.th.labelEN)
	}
	return s
}

func (h tableHead) height(r *renderer, w, _ float64) float64 {
	_, ws := h.t.cells(w)
	hh := 0.0
	for i, s := range h.stacks(r) {
		hh = max(hh, r.stackH(s, ws[i]))
	}
	return hh + 0.8 + r.th.rowPad
}

func (h tableHead) draw(r *renderer, x, y, w, labelW float64) {
	xs, ws := h.t.cells(w)
	for i, s := range h.stacks(r) {
		r.drawStack(s, x+xs[i], y, ws[i], align(h.t.cols[i]))
	}
	yl := y + h.height(r, w, labelW) - r.th.rowPad - 0.4
	r.pdf.SetDrawColor(150, 150, 150)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(x, yl, x+w, yl)
}

// tableLine is one line of a table.
type tableLine struct {
	t     *table
	cells []string
}

func (l tableLine) stack(r *renderer, i int) stack {
	v := ""
	if i < len(l.cells) {
		v = l.cells[i]
	}
	return stack{{f: r.th.value, text: v}}
}

func (l tableLine) height(r *renderer, w, _ float64) float64 {
	_, ws := l.t.cells(w)
	h := r.lh(r.th.value)
	for i := range l.t.cols {
		h = max(h, r.stackH(l.stack(r, i), ws[i]))
	}
	return h + r.th.rowPad
}

func (l tableLine) draw(r *renderer, x, y, w, _ float64) {
	xs, ws := l.t.cells(w)
	for i, c := range l.t.cols {
		r.drawStack(l.stack(r, i), x+xs[i], y, ws[i], align(c))
	}
}

// Bar is one bar of a chart.
type Bar struct {
	Label lang.Text
	Value float64 // the bar's length, against the largest of the chart
	Text  string  // printed after the bar; "" prints Value
}

// chart is what the bars of one chart share.
type chart struct {
	bars  []bar
	top   float64 // the largest value
	textW float64 // the widest figure, measured when first needed
}

func (c *chart) measure(r *renderer) {
	if c.textW > 0 {
		return
	}
	for _, b := range c.bars {
		c.textW = max(c.textW, r.width(r.th.value, b.figure()))
	}
}

type bar struct {
	Bar
	c *chart
}

func (b bar) labelStack(r *renderer) stack { return r.pair(b.Label, r.th.label, r.th.labelEN) }

func (b bar) figure() string {
	if b.Text != "" {
		return b.Text
	}
	return strconv.FormatFloat(b.Value, 'f', -1, 64)
}

func (b bar) height(r *renderer, _, labelW float64) float64 {
	lo, _ := baselines(r, r.th.label, r.th.value)
	return max(lo+r.stackH(b.labelStack(r), max(labelW-labelGap, 1)), r.lh(r.th.value)) + r.th.rowPad
}

func (b bar) draw(r *renderer, x, y, w, labelW float64) {
	lo, vo := baselines(r, r.th.label, r.th.value)
	if labelW > 0 {
		r.drawStack(b.labelStack(r), x, y+lo, labelW-labelGap, "L")
	}
	b.c.measure(r)
	room := w - labelW - b.c.textW - 1.5
	if b.c.top > 0 && b.Value > 0 && room > 0 {
		bh := r.lh(r.th.value) * 0.7
		g := float64(r.th.labelEN.grey)
		r.pdf.SetFillColor(int(g), int(g), int(g))
		r.pdf.Rect(x+labelW, y+vo+(r.lh(r.th.value)-bh)/2, room*b.Value/b.c.top, bh, "F")
		x += room * b.Value / b.c.top
	}
	r.drawStack(stack{{f: r.th.value, text: b.figure()}}, x+labelW+1.5, y+vo, b.c.textW+0.5, "L")
}

// Canvas is the area of a drawing in a section. Coordinates are in
// millimetres from its top left corner; W and H are its size.
type Canvas struct {
	W, H float64
	r    *renderer
	x, y float64
}

// Line draws a thin line, in black or grey (0 is black, 255 white).
func (c *Canvas) Line(x1, y1, x2, y2 float64, grey int) {
	c.r.pdf.SetDrawColor(grey, grey, grey)
	c.r.pdf.SetLineWidth(0.2)
	c.r.pdf.Line(c.x+x1, c.y+y1, c.x+x2, c.y+y2)
}

// Rect fills a rectangle in black or grey.
func (c *Canvas) Rect(x, y, w, h float64, grey int) {
	c.r.pdf.SetFillColor(grey, grey, grey)
	c.r.pdf.Rect(c.x+x, c.y+y, w, h, "F")
}

// Text writes s in the label font with its top left corner at x, y.
func (c *Canvas) Text(x, y float64, s string) {
	f := c.r.th.label
	c.r.drawStack(stack{{f: f, text: s}}, c.x+x, c.y+y, c.TextWidth(s)+0.5, "L")
}

// TextWidth is the width of s in the label font, to place it.
func (c *Canvas) TextWidth(s string) float64 { return c.r.width(c.r.th.label, s) }

type drawing struct {
	h  float64
	fn func(*Canvas)
}

func (d drawing) height(r *renderer, _, _ float64) float64 { return d.h + r.th.rowPad }

func (d drawing) draw(r *renderer, x, y, w, _ float64) {
	d.fn(&Canvas{W: w, H: d.h, r: r, x: x, y: y})
}
