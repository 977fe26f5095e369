package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/jung-kurt/gofpdf"
)

// A4 layout, in millimetres.
const (
	a4ColGap  = 8    // between two columns
	footGap   = 4    // above the footer's rule and the footer
	photoMaxW = 25.0 // the photo in the header
	photoMaxH = 33.0
	// The widest label columns: a section across the page, one in a
	// column, the footer beside the QR code.
	labelsAcross, labelsColumn, labelsFooter = 64, 38, 48
)

// body is a document's sections laid out for its paper.
type body struct {
	blocks []laidBlock
	flat   []section // in reading order, for a roll or a flow across pages
	foot   *section
}

type laidBlock struct {
	across      *section
	left, right column
	balance     *section
}

func (r *renderer) layBody(d *Document) body {
	var b body
	var balances []section
	for _, bl := range d.body {
		if bl.across != nil {
			s := r.lay(bl.across, labelsAcross)
			b.blocks = append(b.blocks, laidBlock{across: &s})
			b.flat = append(b.flat, s)
			continue
		}
		var lb laidBlock
		for _, s := range bl.cols.Left {
			lb.left = append(lb.left, r.lay(s, labelsColumn))
		}
		for _, s := range bl.cols.Right {
			lb.right = append(lb.right, r.lay(s, labelsColumn))
		}
		if bl.cols.Balance != nil {
			s := r.lay(bl.cols.Balance, labelsColumn)
			lb.balance = &s
			balances = append(balances, s)
		}
		b.blocks = append(b.blocks, lb)
		b.flat = append(append(b.flat, lb.left...), lb.right...)
	}
	b.flat = append(b.flat, balances...)
	if d.foot != nil {
		s := r.lay(d.foot, labelsFooter)
		b.foot = &s
	}
	return b
}

// a4 lays the document out on one A4 page: the header; the body's blocks,
// sections across the page and pairs of columns; the footer at the foot
// of the page beside the QR code. What does not fit one page flows down
// one column onto more.
func (r *renderer) a4(d *Document, photoW, photoH float64) {
	pdf, th := r.pdf, r.th
	pdf.AddPage()
	x, w := th.margin, th.pageW-2*th.margin
	bottom := th.pageH - th.margin
	y := r.a4Header(&d.head, x, th.margin, w, photoW, photoH)

	b := r.layBody(d)
	gap := th.sectionGap
	colW := (w - a4ColGap) / 2
	// The columns first: where a balance goes changes the body's height.
	type placed struct {
		left, right   column
		leftH, rightH float64
	}
	cols := make([]placed, len(b.blocks))
	var end column
	for i, bl := range b.blocks {
		if bl.across != nil {
			continue
		}
		p := placed{left: bl.left, right: bl.right}
		p.leftH, p.rightH = p.left.height(r, colW), p.right.height(r, colW)
		if s := bl.balance; s != nil {
			// Under the shorter column when that keeps the page shorter,
			// else across the page at the end.
			nh := gap + s.height(r, colW)
			if min(p.leftH, p.rightH)+nh <= max(p.leftH, p.rightH)+gap+s.height(r, w) {
				if p.leftH < p.rightH {
					p.left, p.leftH = append(p.left, *s), p.leftH+nh
				} else {
					p.right, p.rightH = append(p.right, *s), p.rightH+nh
				}
			} else {
				end = append(end, *s)
			}
		}
		cols[i] = p
	}
	footer := b.foot != nil || d.qr != ""
	footH := 0.0
	if footer {
		footH = r.footer(d, b.foot, x, 0, w, false, false)
	}
	bodyH := 0.0
	for i, bl := range b.blocks {
		if i > 0 {
			bodyH += gap
		}
		if bl.across != nil {
			bodyH += bl.across.height(r, w)
		} else {
			bodyH += max(cols[i].leftH, cols[i].rightH)
		}
	}
	if len(end) > 0 {
		bodyH += gap + end.height(r, w)
	}

	breaks := false
	for _, s := range b.flat {
		breaks = breaks || s.newPage
	}
	if y+bodyH+footGap+footH <= bottom && !breaks {
		for i, bl := range b.blocks {
			h := 0.0
			if bl.across != nil {
				h = bl.across.draw(r, x, y, w)
			} else {
				p := cols[i]
				p.left.draw(r, x, y, colW)
				p.right.draw(r, x+colW+a4ColGap, y, colW)
				h = max(p.leftH, p.rightH)
			}
			if i < len(b.blocks)-1 {
				y += h + gap
			} else {
				y += h
			}
		}
		if len(end) > 0 {
			end.draw(r, x, y+gap, w)
		}
		if footer {
			r.footer(d, b.foot, x, bottom-footH, w, true, true)
		}
		return
	}

	// Too much for one page: one column, new pages as needed.
	flow := &flow{r: r, y: y, top: th.margin, bottom: bottom, x: x, w: w, ref: d.head.Ref}
	for _, s := range b.flat {
		flow.section(s, x, w)
	}
	if footer {
		// A new page has its rule under the number already.
		fresh := flow.need(footGap/2 + footH)
		r.footer(d, b.foot, x, flow.y+footGap/2, w, true, !fresh)
	}
}

func (r *renderer) markStack(mark string) stack {
	f := r.th.head
	f.size += 2
	f.red = r.th.colour
	return stack{{f: f, text: mark}}
}

// a4Header draws the office, the title and the number, the photo at the
// top right, and a rule beneath; it returns where the body starts.
func (r *renderer) a4Header(h *Header, x, y, w, photoW, photoH float64) float64 {
	pdf, th := r.pdf, r.th
	hw := w
	var photoBottom float64
	if photoW > 0 {
		pw, ph := photoMaxW, photoMaxW*photoH/photoW
		if ph > photoMaxH {
			ph, pw = photoMaxH, photoMaxH*photoW/photoH
		}
		pdf.RegisterImageOptionsReader("photo", gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(h.Photo))
		pdf.ImageOptions("photo", x+w-pw, y, pw, ph, false, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		pdf.SetDrawColor(150, 150, 150)
		pdf.SetLineWidth(0.2)
		pdf.Rect(x+w-pw, y, pw, ph, "D")
		photoBottom = y + ph
		hw = w - pw - 6
	}
	office := font{"Helvetica", "B", 10.5, 60, false}
	y += r.drawStack(stack{{f: office, text: h.Office}}, x, y, hw, "L") + 1.5
	y += r.drawStack(bi(h.Title, font{"Helvetica", "B", 15, 0, false}, font{"Helvetica", "I", 10, greyA4, false}), x, y, hw, "L") + 2.5
	y += r.drawStack(r.pair(h.RefLabel, th.label, th.labelEN), x, y, hw, "L") + 0.3
	num := font{"Helvetica", "B", 20, 0, false}
	nh := r.drawStack(stack{{f: num, text: h.Ref}}, x, y, hw, "L")
	if h.Mark != "" {
		mark := r.markStack(h.Mark)
		mlh := r.lh(mark[0].f)
		mw := r.width(mark[0].f, h.Mark) + 4
		nw := r.width(num, h.Ref)
		mx, my := x+nw+6, y+(nh-mlh-2)/2
		if nw+6+mw > hw {
			mx, my = x, y+nh+1
			nh += mlh + 3
		}
		pdf.SetDrawColor(170, 20, 20)
		pdf.SetLineWidth(0.5)
		pdf.Rect(mx, my, mw, mlh+2, "D")
		r.drawStack(mark, mx, my+1, mw, "C")
	}
	y = max(y+nh, photoBottom) + 2.5
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.5)
	pdf.Line(x, y, x+w, y)
	return y + 3.5
}

// qrQuiet keeps text off the QR code's quiet zone (four modules).
const qrQuiet = 4

// footer draws the footer section at x, y with the QR code at the right,
// its caption to its left, and a rule above, and returns its height. With
// draw false it only measures.
func (r *renderer) footer(d *Document, foot *section, x, y, w float64, draw, rule bool) float64 {
	offW, h := w, 0.0
	var caption stack
	var capW, qrTop float64
	if d.qr != "" {
		caption = bi(d.qrCap, r.th.label, r.th.labelEN)
		for _, p := range caption {
			capW = max(capW, r.width(p.f, p.text)+0.5)
		}
		offW = w - r.th.qr - qrQuiet - capW - 5
		// The QR code keeps its quiet zone clear of the rule.
		qrTop = qrQuiet - footGap/2
		h = qrTop + r.th.qr
	}
	if foot != nil {
		h = max(h, foot.height(r, offW))
	}
	if !draw {
		return h
	}
	if rule {
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.5)
		r.pdf.Line(x, y-footGap/2, x+w, y-footGap/2)
	}
	if foot != nil {
		foot.draw(r, x, y, offW)
	}
	if d.qr != "" {
		qx := x + w - r.th.qr
		r.drawQR(d.qr, qx, y+qrTop, r.th.qr)
		ch := r.stackH(caption, capW)
		r.drawStack(caption, qx-qrQuiet-capW, y+qrTop+(r.th.qr-ch)/2, capW, "R")
	}
	return h
}

// flow lays sections down one column, breaking pages between rows.
type flow struct {
	r              *renderer
	y, top, bottom float64
	x, w           float64
	ref            string
}

// need starts a new page unless h fits in what is left of this one, and
// tells whether it did.
func (f *flow) need(h float64) bool {
	if f.y+h <= f.bottom {
		return false
	}
	f.r.pdf.AddPage()
	// Say whose page a loose page is.
	cont := font{"Helvetica", "B", 9, 0, false}
	f.y = f.top + f.r.drawStack(stack{{f: cont, text: f.ref + " (lanjutan / continued)"}}, f.x, f.top, f.w, "L") + 1
	f.r.pdf.SetDrawColor(0, 0, 0)
	f.r.pdf.SetLineWidth(0.5)
	f.r.pdf.Line(f.x, f.y, f.x+f.w, f.y)
	f.y += 4
	return true
}

func (f *flow) section(s section, x, w float64) {
	if s.newPage {
		f.need(f.bottom - f.top + 1) // more than a page: always a new one
	}
	h := s.height(f.r, w)
	if h <= f.bottom-f.top {
		f.need(h)
		f.y += s.draw(f.r, x, f.y, w) + f.r.th.sectionGap
		return
	}
	// Longer than a page: heading, then row by row, without the frame.
	s.alert = false
	f.need(s.titleH(f.r, w) + s.rows[0].height(f.r, w, s.labelW))
	head := section{title: s.title, alert: false}
	f.y += head.draw(f.r, x, f.y, w)
	for _, row := range s.rows {
		rh := row.height(f.r, w, s.labelW)
		if l, ok := row.(tableLine); ok {
			// A table goes on under its headings.
			hh := l.t.head.height(f.r, w, s.labelW)
			if f.need(hh + rh) {
				l.t.head.draw(f.r, x, f.y, w, s.labelW)
				f.y += hh
			}
		} else {
			f.need(rh)
		}
		row.draw(f.r, x, f.y, w, s.labelW)
		f.y += rh
	}
	f.y += f.r.th.sectionGap
}

// roll lays the document out on one page of thermal roll as long as it
// needs: the header centred, the body and the footer in one column, the
// QR code centred at the end.
func (r *renderer) roll(d *Document) {
	pdf, th := r.pdf, r.th
	x := th.margin
	w := th.pageW - 2*th.margin
	b := r.layBody(d)
	secs := column(b.flat)
	if b.foot != nil {
		secs = append(secs, *b.foot)
	}

	h := &d.head
	office := font{"Helvetica", "B", 8.5, 0, false}
	titleS := bi(h.Title, font{"Helvetica", "B", 10, 0, false}, font{"Helvetica", "I", 7.5, greyRoll, false})
	numL := bi(h.RefLabel, th.label, th.labelEN)
	num := stack{{f: font{"Helvetica", "B", 14, 0, false}, text: h.Ref}}
	var mark stack
	markH := 0.0
	if h.Mark != "" {
		mark = r.markStack(h.Mark)
		markH = r.stackH(mark, w-12) + 2 + 2
	}
	headH := r.stackH(stack{{f: office, text: h.Office}}, w) + 1.5 + r.stackH(titleS, w) + 2.5 +
		r.stackH(numL, w) + 0.5 + r.stackH(num, w) + markH + 2.5
	qrH := r.qrBlock(d, 0, 0, w, false)
	bodyH := secs.height(r, w)
	pageH := th.margin + headH + 3 + bodyH + th.sectionGap + 3 + qrH + th.margin + 6
	pdf.AddPageFormat("P", gofpdf.SizeType{Wd: th.pageW, Ht: pageH})

	y := th.margin
	y += r.drawStack(stack{{f: office, text: h.Office}}, x, y, w, "C") + 1.5
	y += r.drawStack(titleS, x, y, w, "C") + 2.5
	y += r.drawStack(numL, x, y, w, "C") + 0.5
	y += r.drawStack(num, x, y, w, "C")
	if h.Mark != "" {
		y += 2
		mh := r.stackH(mark, w-4)
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.6)
		pdf.Rect(x+6, y, w-12, mh+2, "D")
		r.drawStack(mark, x+6, y+1, w-12, "C")
		y += mh + 2
	}
	y += 2.5
	r.dashed(x, y, w)
	y += 3
	y += secs.draw(r, x, y, w) + th.sectionGap
	r.dashed(x, y, w)
	y += 3
	r.qrBlock(d, x, y, w, true)
}

func (r *renderer) dashed(x, y, w float64) {
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.SetLineWidth(0.3)
	r.pdf.SetDashPattern([]float64{1, 1}, 0)
	r.pdf.Line(x, y, x+w, y)
	r.pdf.SetDashPattern(nil, 0)
}

// qrBlock draws the QR code with its caption centred in w and returns the
// height used. Without a QR code it draws nothing.
func (r *renderer) qrBlock(d *Document, x, y, w float64, draw bool) float64 {
	if d.qr == "" {
		return 0
	}
	caption := bi(d.qrCap, r.th.label, r.th.labelEN)
	h := r.th.qr + qrQuiet + r.stackH(caption, w)
	if !draw {
		return h
	}
	r.drawQR(d.qr, x+(w-r.th.qr)/2, y, r.th.qr)
	r.drawStack(caption, x, y+r.th.qr+qrQuiet, w, "C")
	return h
}

// drawQR draws the QR code as filled rectangles, one per run of dark
// modules. gofpdf's contrib/barcode embeds the code as a JPEG of one pixel
// per module, whose compression artefacts and resampling keep zbar from
// reading an A4 page rendered at 150 dpi; vector modules read at any
// resolution down to 72 dpi and print sharp on a thermal head.
//
// The rectangles are the bytes gofpdf's Rect writes ("x y w h re f", in
// points, two decimals) in one buffer: the hundreds of Rect calls of a
// receipt's code cost more than encoding it, most of it formatting
// numbers, and a code has only as many distinct columns, rows and run
// lengths as it has modules a side (TestDrawQRAsRect compares the two).
func (r *renderer) drawQR(text string, x, y, side float64) {
	code, ok := encodeQR([]byte(text))
	if !ok {
		r.pdf.SetError(fmt.Errorf("%w: %d bytes", ErrQR, len(text)))
		return
	}
	r.pdf.SetFillColor(0, 0, 0)
	k := r.pdf.GetConversionRatio()
	_, pageH := r.pdf.GetPageSize()
	n := code.size
	m := side / float64(n)
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	// The same sums as runs, each formatted once.
	xs, ys, ws := make([]string, n), make([]string, n), make([]string, n+1)
	h := num(-(m + 0.01) * k)
	b := make([]byte, 0, 8*n*n) // a run is about 30 bytes, a module in four starts one
	code.runsAt(func(i, j, l int) {
		if xs[i] == "" {
			xs[i] = num((x + float64(i)*m) * k)
		}
		if ys[j] == "" {
			ys[j] = num((pageH - (y + float64(j)*m)) * k)
		}
		if ws[l] == "" {
			ws[l] = num(float64(l) * m * k)
		}
		b = append(append(append(append(append(append(append(append(b,
			xs[i]...), ' '), ys[j]...), ' '), ws[l]...), ' '), h...), " re f\n"...)
	})
	if len(b) > 0 {
		r.pdf.RawWriteStr(string(b[:len(b)-1])) // gofpdf ends the line
	}
}

// runsAt gives the runs of dark modules of each row: the row j, the first
// module i and the length l.
func (q *qrCode) runsAt(run func(i, j, l int)) {
	n := q.size
	for j := range n {
		for i := 0; i < n; {
			if !q.dark(i, j) {
				i++
				continue
			}
			k := i + 1
			for k < n && q.dark(k, j) {
				k++
			}
			run(i, j, k-i)
			i = k
		}
	}
}

// runs gives the rectangles of the code drawn at x, y with a side of side:
// one per run of dark modules in a row, a hair taller than a module so
// that no seam shows between rows.
func (q *qrCode) runs(x, y, side float64, rect func(x, y, w, h float64)) {
	m := side / float64(q.size)
	q.runsAt(func(i, j, l int) {
		rect(x+float64(i)*m, y+float64(j)*m, float64(l)*m, m+0.01)
	})
}
