package receipt

import (
	"bytes"
	"image/jpeg"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jemput/jemput/lang"
	"github.com/jung-kurt/gofpdf"
)

// Options control how a receipt is written.
type Options struct {
	// Compress deflates the page content. Render compresses; tests turn it
	// off so that a golden comparison of bytes means something.
	Compress bool
}

// Render writes the receipt for d as a PDF laid out for f.
func Render(w io.Writer, d Data, f Format) error {
	return RenderWith(w, d, f, Options{Compress: true})
}

// RenderWith is Render with options. The output depends only on d, f and o:
// the PDF's dates are d.Issued, its catalog is sorted.
func RenderWith(w io.Writer, d Data, f Format, o Options) error {
	if err := d.validate(f); err != nil {
		return err
	}
	var photoW, photoH float64
	if len(d.Photo) > 0 {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(d.Photo))
		if err != nil || cfg.Width == 0 || cfg.Height == 0 {
			return errorf(CodeInvalid, "photo is not a JPEG image")
		}
		photoW, photoH = float64(cfg.Width), float64(cfg.Height)
	}
	r := newRenderer(f, o)
	defer translators.Put(r.tr)
	r.pdf.SetCreationDate(d.Issued.UTC()) // gofpdf writes no zone
	r.pdf.SetModificationDate(d.Issued.UTC())
	r.pdf.SetTitle(r.tr(clean(d.Number)), false)
	r.pdf.SetCreator("jemput", false)
	r.pdf.SetProducer("jemput", false)
	switch f {
	case A4:
		r.a4(&d, photoW, photoH)
	case Roll80:
		r.roll(&d)
	}
	if err := r.pdf.Error(); err != nil {
		return err
	}
	return r.pdf.Output(w)
}

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
	mono                 font // MRZ name
	head, headEN         font // section headings
	rowPad, sectionGap   float64
	labelW               float64 // label column; A4 fits it to the labels
	qr                   float64 // QR side
	lead                 float64 // line height as a multiple of the font size
	inline               bool    // English beside Indonesian where both fit a line
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
		labelW: 36, qr: 36, lead: 1.15, inline: true,
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
		labelW: 25, qr: 46, lead: 1.2,
	}
)

type renderer struct {
	pdf *gofpdf.Fpdf
	tr  func(string) string
	th  theme
	f   Format

	cur    font // the font set last; gofpdf writes every SetFont to the page
	curSet bool
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

func newRenderer(f Format, o Options) *renderer {
	th := themeA4
	if f == Roll80 {
		th = themeRoll
	}
	pdf := gofpdf.NewCustom(&gofpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           gofpdf.SizeType{Wd: th.pageW, Ht: th.pageH},
	})
	pdf.SetCompression(o.Compress)
	pdf.SetCatalogSort(true)
	pdf.SetMargins(th.margin, th.margin, th.margin)
	pdf.SetAutoPageBreak(false, th.margin)
	pdf.SetCellMargin(0)
	return &renderer{
		pdf:   pdf,
		tr:    translators.Get().(func(string) string), // cp1252
		th:    th,
		f:     f,
		wraps: make(map[wrapKey][]string),
		pairs: make(map[pairKey]float64),
	}
}

// clean turns user text into one plain line: control characters become
// spaces. Nothing is interpreted; gofpdf escapes what PDF syntax needs.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s))
}

func (r *renderer) use(f font) {
	if r.curSet && f == r.cur {
		return
	}
	r.cur, r.curSet = f, true
	r.pdf.SetFont(f.family, f.style, f.size)
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
	r.use(f)
	return r.pdf.GetStringWidth(r.tr(clean(text)))
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
	r.use(p.f)
	var out []string
	if txt := r.tr(clean(p.text)); txt != "" {
		ls := r.pdf.SplitLines([]byte(txt), w)
		out = make([]string, len(ls))
		for i, l := range ls {
			out[i] = string(l)
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
		r.use(p.f)
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
	r.pdf.CellFormat(idW, r.lh(p.f), r.tr(clean(p.text)), "", 0, "L", false, 0, "")
	r.use(p.enF)
	r.pdf.SetXY(x+idW+pairGap, base-r.lh(p.enF)/2-0.3*p.enF.mm())
	r.pdf.CellFormat(w-idW-pairGap, r.lh(p.enF), r.tr(clean(p.en)), "", 0, "L", false, 0, "")
	return h
}

// row is one entry of a section.
type row interface {
	height(r *renderer, w, labelW float64) float64
	draw(r *renderer, x, y, w, labelW float64)
}

// kv is a label with a value beside it, or beneath it when wide.
type kv struct {
	label lang.Text
	value stack
	wide  bool
}

func (r *renderer) kv(label lang.Text, value string) kv {
	if clean(value) == "" {
		value = "-"
	}
	return kv{label: label, value: stack{{f: r.th.value, text: value}}}
}

func (r *renderer) kvText(label lang.Text, t lang.Text) kv {
	if clean(t.ID) == "" && clean(t.EN) == "" {
		return r.kv(label, "")
	}
	return kv{label: label, value: bi(t, r.th.value, r.th.valueEN)}
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
	l, v := k.labelStack(r)[0].f, k.value[0].f
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
	r.use(r.th.value)
	r.pdf.SetXY(x+0.5, y)
	r.pdf.CellFormat(bulletW, r.lh(r.th.value), r.tr("•"), "", 0, "L", false, 0, "")
	r.drawStack(it.stack(r), x+bulletW, y, w-bulletW, "L")
}

// note is a remark in both languages without a label, such as the warning
// that the MRZ name was cut.
type note struct {
	text lang.Text
}

func (n note) stack(r *renderer) stack {
	id, en := r.th.value, r.th.valueEN
	id.style, id.size, id.red = "B", id.size-1, r.f == A4
	return bi(n.text, id, en)
}

func (n note) height(r *renderer, w, _ float64) float64 {
	return r.stackH(n.stack(r), w) + r.th.rowPad
}

func (n note) draw(r *renderer, x, y, w, _ float64) { r.drawStack(n.stack(r), x, y, w, "L") }

// amount is a fee line: label on the left, rupiah on the right.
type amount struct {
	label lang.Text
	n     int64
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
	r.drawStack(stack{{f: v, text: rupiah(a.n)}}, x+w-amountW, y, amountW, "R")
}

// section is a heading and its rows.
type section struct {
	title  lang.Text
	rows   []row
	alert  bool    // framed, to be seen
	labelW float64 // 0: labels above values
}

const alertPad = 2

func (s section) titleStack(r *renderer) stack {
	id, en := r.th.head, r.th.headEN
	id.red = s.alert && r.f == A4
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
		if r.f == A4 {
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
	if s.alert && r.f == A4 {
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

// Labels. Indonesian first; English beneath, or beside it on A4 where the
// line has room.
var (
	tTitle       = lang.Text{ID: "TANDA TERIMA PERMOHONAN PASPOR", EN: "Passport application receipt"}
	tNumber      = lang.Text{ID: "Nomor permohonan", EN: "Application number"}
	tApplicant   = lang.Text{ID: "Pemohon", EN: "Applicant"}
	tFullName    = lang.Text{ID: "Nama lengkap", EN: "Full name"}
	tPassName    = lang.Text{ID: "Nama di paspor", EN: "Name in the passport"}
	tMRZName     = lang.Text{ID: "Nama di zona baca mesin", EN: "Machine-readable name"}
	tTruncated   = lang.Text{ID: "Nama terlalu panjang: di zona baca mesin paspor nama dipotong pada 39 karakter seperti di atas.", EN: "The name is too long: the passport's machine-readable zone cuts it at 39 characters, as shown above."}
	tNIK         = lang.Text{ID: "NIK", EN: "National identity number"}
	tApplication = lang.Text{ID: "Permohonan", EN: "Application"}
	tService     = lang.Text{ID: "Layanan", EN: "Service"}
	tStatus      = lang.Text{ID: "Status", EN: "Status"}
	tFee         = lang.Text{ID: "Biaya", EN: "Fee"}
	tFeeTotal    = lang.Text{ID: "Perkiraan biaya", EN: "Estimated fee"}
	tReceived    = lang.Text{ID: "Dokumen diterima", EN: "Documents received"}
	tMissing     = lang.Text{ID: "Dokumen belum lengkap", EN: "Documents still missing"}
	tNone        = lang.Text{ID: "Tidak ada", EN: "None"}
	tNextSteps   = lang.Text{ID: "Langkah berikutnya", EN: "Next steps"}
	tNotes       = lang.Text{ID: "Catatan", EN: "Notes"}
	tOfficer     = lang.Text{ID: "Petugas & acara", EN: "Officer & event"}
	tOfficerName = lang.Text{ID: "Petugas", EN: "Officer"}
	tNIP         = lang.Text{ID: "NIP", EN: "Civil servant number"}
	tEvent       = lang.Text{ID: "Acara", EN: "Event"}
	tPlace       = lang.Text{ID: "Tempat", EN: "Place"}
	tTime        = lang.Text{ID: "Waktu", EN: "Time"}
	tKit         = lang.Text{ID: "Kode kit", EN: "Kit code"}
	tScan        = lang.Text{ID: "Pindai untuk memeriksa keaslian", EN: "Scan to verify"}
)

func copyLabel(n int) string { return "SALINAN / COPY " + strconv.Itoa(n) }

// sections builds the content shared by both formats.
type content struct {
	applicant, application, fee, received, missing, next, notes, officer section
}

func (r *renderer) content(d *Data) content {
	var c content
	lw := r.th.labelW
	mrz := kv{label: tMRZName, value: stack{{f: r.th.mono, text: d.MRZName}}, wide: r.f == Roll80}
	if clean(d.MRZName) == "" {
		mrz = r.kv(tMRZName, "")
	}
	c.applicant = section{title: tApplicant, labelW: lw, rows: []row{
		r.kv(tFullName, d.FullName),
		r.kv(tPassName, d.PassportName),
		mrz,
	}}
	if d.NameTruncated {
		c.applicant.rows = append(c.applicant.rows, note{tTruncated})
	}
	if d.NIKMasked != "" {
		c.applicant.rows = append(c.applicant.rows, r.kv(tNIK, d.NIKMasked))
	}

	c.application = section{title: tApplication, labelW: lw, rows: []row{
		r.kvText(tService, d.Service),
		r.kvText(tStatus, d.Status),
	}}
	for _, l := range d.Details {
		c.application.rows = append(c.application.rows, r.kv(l.Label, l.Value))
	}

	c.fee = section{title: tFee}
	for _, l := range d.FeeLines {
		c.fee.rows = append(c.fee.rows, amount{label: l.Label, n: l.Amount})
	}
	c.fee.rows = append(c.fee.rows, amount{label: tFeeTotal, n: d.Fee, total: len(d.FeeLines) > 0})

	c.received = section{title: tReceived, rows: items(d.Received, false)}
	c.missing = section{title: tMissing, rows: items(d.Missing, false), alert: len(d.Missing) > 0}
	if r.f == A4 {
		for i := range d.Missing {
			c.missing.rows[i] = item{text: d.Missing[i], strong: true}
		}
	}
	c.next = section{title: tNextSteps, rows: items(d.NextSteps, true)}
	if len(d.Warnings) > 0 {
		c.notes = section{title: tNotes, rows: items(d.Warnings, true)}
	}

	event := d.EventName
	if t := clean(d.EventType); t != "" {
		event += " (" + t + ")"
	}
	c.officer = section{title: tOfficer, labelW: lw, rows: []row{
		r.kv(tOfficerName, d.OfficerName),
		r.kv(tNIP, d.OfficerNIP),
		r.kv(tEvent, event),
		r.kv(tPlace, d.Place),
		r.kv(tTime, issued(d.Issued)),
		r.kv(tKit, d.KitCode),
	}}
	if r.f == A4 {
		// Label columns as wide as their labels on one line, within
		// reason: the applicant spans the page, the officer block sits
		// beside the QR code, the application fills half the page.
		c.applicant.labelW = r.fitLabels(c.applicant.rows, 64)
		c.application.labelW = r.fitLabels(c.application.rows, 38)
		c.officer.labelW = r.fitLabels(c.officer.rows, 48)
	}
	return c
}

// fitLabels is the width of a label column that holds the widest label of
// rows on one line, Indonesian and English, or most when that is wider.
func (r *renderer) fitLabels(rows []row, most float64) float64 {
	wd := 0.0
	for _, row := range rows {
		k, ok := row.(kv)
		if !ok {
			continue
		}
		s := k.labelStack(r)
		if s[0].en != "" {
			wd = max(wd, r.inlineW(s[0]))
		} else {
			wd = max(wd, r.width(s[0].f, s[0].text))
		}
	}
	return min(wd+labelGap+0.5, most)
}

// labelGap separates a label from its value.
const labelGap = 2

// issued is the time of issue in its own zone, 27-11-2026 09:56 WITA, with
// the Indonesian names of the country's three zones.
func issued(t time.Time) string {
	zone, _ := t.Zone()
	switch t.Location().String() {
	case "Asia/Jakarta", "Asia/Pontianak":
		zone = "WIB"
	case "Asia/Makassar", "Asia/Ujung_Pandang":
		zone = "WITA"
	case "Asia/Jayapura":
		zone = "WIT"
	}
	return strings.TrimSpace(t.Format("02-01-2006 15:04") + " " + zone)
}

func items(ts []lang.Text, beneath bool) []row {
	if len(ts) == 0 {
		return []row{item{text: tNone}}
	}
	rows := make([]row, len(ts))
	for i, t := range ts {
		rows[i] = item{text: t, beneath: beneath}
	}
	return rows
}

func title(d *Data) lang.Text {
	if d.Title.ID == "" {
		return tTitle
	}
	return d.Title
}

// qrQuiet keeps text off the QR code's quiet zone (four modules).
const qrQuiet = 4

// qrBlock draws the QR code with its caption centred in w and returns the
// height used. Without a payload it draws nothing.
func (r *renderer) qrBlock(d *Data, x, y, w float64, draw bool) float64 {
	if d.QR == "" {
		return 0
	}
	caption := bi(tScan, r.th.label, r.th.labelEN)
	h := r.th.qr + qrQuiet + r.stackH(caption, w)
	if !draw {
		return h
	}
	r.drawQR(d.QR, x+(w-r.th.qr)/2, y, r.th.qr)
	r.drawStack(caption, x, y+r.th.qr+qrQuiet, w, "C")
	return h
}

// drawQR draws the QR code as filled rectangles, one per run of dark
// modules. gofpdf's contrib/barcode embeds the code as a JPEG of one pixel
// per module, whose compression artefacts and resampling keep zbar from
// reading the A4 receipt rendered at 150 dpi; vector modules read at any
// resolution down to 72 dpi and print sharp on a thermal head.
func (r *renderer) drawQR(text string, x, y, side float64) {
	code, ok := encodeQR([]byte(text))
	if !ok {
		r.pdf.SetError(errorf(CodeInvalid, "QR payload of %d bytes is too long for a QR code", len(text)))
		return
	}
	n := code.size
	m := side / float64(n)
	r.pdf.SetFillColor(0, 0, 0)
	for j := range n {
		for i := 0; i < n; {
			if !code.dark(i, j) {
				i++
				continue
			}
			k := i + 1
			for k < n && code.dark(k, j) {
				k++
			}
			// A hair taller than a module, so that no seam shows
			// between rows.
			r.pdf.Rect(x+float64(i)*m, y+float64(j)*m, float64(k-i)*m, m+0.01, "F")
			i = k
		}
	}
}

func (r *renderer) copyMark(n int) stack {
	f := r.th.head
	f.size += 2
	f.red = r.f == A4
	return stack{{f: f, text: copyLabel(n)}}
}

// A4 layout, in millimetres.
const (
	a4ColGap  = 8    // between the two columns of the body
	footGap   = 4    // above the footer's rule and the footer
	photoMaxW = 25.0 // the applicant's photo in the header
	photoMaxH = 33.0
)

// a4 lays the receipt out on one A4 page: a header with the number and the
// photo; the applicant across the page; the application on the left, the
// fee and the documents on the right; the next steps across; the officer
// and the event at the foot, beside the QR code. What does not fit one page
// flows down one column onto more.
func (r *renderer) a4(d *Data, photoW, photoH float64) {
	pdf, th := r.pdf, r.th
	pdf.AddPage()
	x, w := th.margin, th.pageW-2*th.margin
	bottom := th.pageH - th.margin
	y := r.a4Header(d, x, th.margin, w, photoW, photoH)

	c := r.content(d)
	gap := th.sectionGap
	colW := (w - a4ColGap) / 2
	left, right := column{c.application}, column{c.fee, c.missing, c.received}
	leftH, rightH := left.height(r, colW), right.height(r, colW)
	below := column{c.next}
	if c.notes.title.ID != "" {
		// Under the shorter column when that keeps the page shorter,
		// else across the page under the next steps.
		nh := gap + c.notes.height(r, colW)
		if min(leftH, rightH)+nh <= max(leftH, rightH)+gap+c.notes.height(r, w) {
			if leftH < rightH {
				left, leftH = append(left, c.notes), leftH+nh
			} else {
				right, rightH = append(right, c.notes), rightH+nh
			}
		} else {
			below = append(below, c.notes)
		}
	}
	footH := r.footer(d, &c, x, 0, w, false, false)
	bodyH := c.applicant.height(r, w) + gap + max(leftH, rightH) + gap + below.height(r, w)

	if y+bodyH+footGap+footH <= bottom {
		y += c.applicant.draw(r, x, y, w) + gap
		left.draw(r, x, y, colW)
		right.draw(r, x+colW+a4ColGap, y, colW)
		y += max(leftH, rightH) + gap
		below.draw(r, x, y, w)
		r.footer(d, &c, x, bottom-footH, w, true, true)
		return
	}

	// Too much for one page: one column, new pages as needed.
	flow := &flow{r: r, y: y, top: th.margin, bottom: bottom, x: x, w: w, number: d.Number}
	for _, s := range []section{c.applicant, c.application, c.fee, c.missing, c.received, c.next, c.notes} {
		if s.title.ID != "" {
			flow.section(s, x, w)
		}
	}
	// A new page has its rule under the number already.
	fresh := flow.need(footGap/2 + footH)
	r.footer(d, &c, x, flow.y+footGap/2, w, true, !fresh)
}

// a4Header draws the office, the title and the number, the photo at the
// top right, and a rule beneath; it returns where the body starts.
func (r *renderer) a4Header(d *Data, x, y, w, photoW, photoH float64) float64 {
	pdf, th := r.pdf, r.th
	hw := w
	var photoBottom float64
	if photoW > 0 {
		pw, ph := photoMaxW, photoMaxW*photoH/photoW
		if ph > photoMaxH {
			ph, pw = photoMaxH, photoMaxH*photoW/photoH
		}
		pdf.RegisterImageOptionsReader("photo", gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(d.Photo))
		pdf.ImageOptions("photo", x+w-pw, y, pw, ph, false, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		pdf.SetDrawColor(150, 150, 150)
		pdf.SetLineWidth(0.2)
		pdf.Rect(x+w-pw, y, pw, ph, "D")
		photoBottom = y + ph
		hw = w - pw - 6
	}
	office := font{"Helvetica", "B", 10.5, 60, false}
	y += r.drawStack(stack{{f: office, text: d.Office}}, x, y, hw, "L") + 1.5
	y += r.drawStack(bi(title(d), font{"Helvetica", "B", 15, 0, false}, font{"Helvetica", "I", 10, greyA4, false}), x, y, hw, "L") + 2.5
	y += r.drawStack(r.pair(tNumber, th.label, th.labelEN), x, y, hw, "L") + 0.3
	num := font{"Helvetica", "B", 20, 0, false}
	nh := r.drawStack(stack{{f: num, text: d.Number}}, x, y, hw, "L")
	if d.Copy > 0 {
		mark := r.copyMark(d.Copy)
		mlh := r.lh(mark[0].f)
		mw := r.width(mark[0].f, copyLabel(d.Copy)) + 4
		nw := r.width(num, d.Number)
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

// footer draws the officer and event block at x, y with the QR code at the
// right, its caption to its left, and a rule above, and returns its
// height. With draw false it only measures.
func (r *renderer) footer(d *Data, c *content, x, y, w float64, draw, rule bool) float64 {
	offW, h := w, 0.0
	var caption stack
	var capW, qrTop float64
	if d.QR != "" {
		caption = bi(tScan, r.th.label, r.th.labelEN)
		for _, p := range caption {
			capW = max(capW, r.width(p.f, p.text)+0.5)
		}
		offW = w - r.th.qr - qrQuiet - capW - 5
		// The QR code keeps its quiet zone clear of the rule.
		qrTop = qrQuiet - footGap/2
		h = qrTop + r.th.qr
	}
	h = max(h, c.officer.height(r, offW))
	if !draw {
		return h
	}
	if rule {
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.5)
		r.pdf.Line(x, y-footGap/2, x+w, y-footGap/2)
	}
	c.officer.draw(r, x, y, offW)
	if d.QR != "" {
		qx := x + w - r.th.qr
		r.drawQR(d.QR, qx, y+qrTop, r.th.qr)
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
	number         string
}

// need starts a new page unless h fits in what is left of this one, and
// tells whether it did.
func (f *flow) need(h float64) bool {
	if f.y+h <= f.bottom {
		return false
	}
	f.r.pdf.AddPage()
	// Say whose receipt a loose page belongs to.
	cont := font{"Helvetica", "B", 9, 0, false}
	f.y = f.top + f.r.drawStack(stack{{f: cont, text: f.number + " (lanjutan / continued)"}}, f.x, f.top, f.w, "L") + 1
	f.r.pdf.SetDrawColor(0, 0, 0)
	f.r.pdf.SetLineWidth(0.5)
	f.r.pdf.Line(f.x, f.y, f.x+f.w, f.y)
	f.y += 4
	return true
}

func (f *flow) section(s section, x, w float64) {
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
		f.need(rh)
		row.draw(f.r, x, f.y, w, s.labelW)
		f.y += rh
	}
	f.y += f.r.th.sectionGap
}

func (r *renderer) roll(d *Data) {
	pdf, th := r.pdf, r.th
	x := th.margin
	w := th.pageW - 2*th.margin
	c := r.content(d)
	secs := column{c.applicant, c.application, c.fee}
	if len(d.Missing) > 0 {
		secs = append(secs, c.missing)
	}
	secs = append(secs, c.received, c.next)
	if c.notes.title.ID != "" {
		secs = append(secs, c.notes)
	}
	secs = append(secs, c.officer)

	office := font{"Helvetica", "B", 8.5, 0, false}
	titleS := bi(title(d), font{"Helvetica", "B", 10, 0, false}, font{"Helvetica", "I", 7.5, greyRoll, false})
	numL := bi(tNumber, th.label, th.labelEN)
	num := stack{{f: font{"Helvetica", "B", 14, 0, false}, text: d.Number}}
	var mark stack
	markH := 0.0
	if d.Copy > 0 {
		mark = r.copyMark(d.Copy)
		markH = r.stackH(mark, w-12) + 2 + 2
	}
	headH := r.stackH(stack{{f: office, text: d.Office}}, w) + 1.5 + r.stackH(titleS, w) + 2.5 +
		r.stackH(numL, w) + 0.5 + r.stackH(num, w) + markH + 2.5
	qrH := r.qrBlock(d, 0, 0, w, false)
	bodyH := secs.height(r, w)
	pageH := th.margin + headH + 3 + bodyH + th.sectionGap + 3 + qrH + th.margin + 6
	pdf.AddPageFormat("P", gofpdf.SizeType{Wd: th.pageW, Ht: pageH})

	y := th.margin
	y += r.drawStack(stack{{f: office, text: d.Office}}, x, y, w, "C") + 1.5
	y += r.drawStack(titleS, x, y, w, "C") + 2.5
	y += r.drawStack(numL, x, y, w, "C") + 0.5
	y += r.drawStack(num, x, y, w, "C")
	if d.Copy > 0 {
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
