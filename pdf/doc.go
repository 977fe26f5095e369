// Package pdf lays out the kit's printed documents, the receipt and the
// reports, on A4 or on an 80 mm thermal roll: a header with the office,
// the title and the document's number; sections of bilingual rows
// (Indonesian first, English beside or beneath), lists, amounts, tables
// and bar charts; a footer with a QR code drawn as vector modules. A
// document says what it holds; this package decides where it goes,
// breaks pages, and writes the same bytes for the same document.
//
// Text is printed as plain text, never interpreted: in the PDF core fonts
// where it is in their encoding (Windows-1252), else in the embedded
// DejaVu Sans, which prints every Latin-script name (font.go).
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"time"

	"github.com/jemput/jemput/lang"
)

// Paper is what a document is laid out for.
type Paper string

// The papers a document can be laid out for.
const (
	A4     Paper = "a4"
	Roll80 Paper = "80mm" // thermal roll, 72 mm printable, one page as long as the document
)

var themes = map[Paper]theme{A4: themeA4, Roll80: themeRoll}

// Errors of Write, for errors.Is.
var (
	ErrPaper = errors.New("pdf: unknown paper")
	ErrImage = errors.New("pdf: image is not a JPEG image")
	ErrQR    = errors.New("pdf: text too long for a QR code")
)

// Options control how a document is written.
type Options struct {
	// Compress deflates the page content; golden tests turn it off so
	// that a comparison of bytes means something.
	Compress bool
	// Title is the document's title in the PDF's information.
	Title string
	// Created is the document's creation and modification date; the zero
	// time is the time of Write. A fixed date and a sorted catalog make
	// the output depend on the document only.
	Created time.Time
}

// Header is the top of a document's first page.
type Header struct {
	Office   string    // above the title
	Title    lang.Text // in both languages
	RefLabel lang.Text // what Ref is, e.g. "Nomor permohonan"
	Ref      string    // the document's number, printed large and on every page
	Mark     string    // boxed beside Ref, e.g. "SALINAN / COPY 2"
	Photo    []byte    // JPEG at the top right; A4 only
}

// Columns is two columns of sections side by side on A4, one after the
// other on a roll. Balance, if set, goes under the shorter column when
// that keeps the page shorter, else across the page at the end of the
// body; on a roll and across pages it comes at the end of the body.
type Columns struct {
	Left, Right []*Section
	Balance     *Section
}

// Document is a printed document being put together: a header, a body of
// sections, a footer and a QR code, laid out by Write.
type Document struct {
	paper Paper
	opt   Options
	head  Header
	body  []block
	foot  *Section
	qr    string
	qrCap lang.Text
}

// block is one part of the body: a section across, or columns.
type block struct {
	across *Section
	cols   *Columns
}

// New starts a document for a paper.
func New(p Paper, o Options) *Document { return &Document{paper: p, opt: o} }

// Head sets the header.
func (d *Document) Head(h Header) { d.head = h }

// Section adds a section across the page.
func (d *Document) Section(s *Section) { d.body = append(d.body, block{across: s}) }

// Columns adds two columns of sections.
func (d *Document) Columns(c Columns) { d.body = append(d.body, block{cols: &c}) }

// Footer sets the section that closes the document: on A4 at the foot of
// the last page, beside the QR code; on a roll after the body.
func (d *Document) Footer(s *Section) { d.foot = s }

// QR sets the text of the QR code, with a caption: on A4 beside it in the
// footer, on a roll centred at the end.
func (d *Document) QR(text string, caption lang.Text) { d.qr, d.qrCap = text, caption }

// Write lays the document out and writes the PDF. Nothing is written when
// it fails.
func (d *Document) Write(w io.Writer) error {
	th, ok := themes[d.paper]
	if !ok {
		return fmt.Errorf("%w %q (want %q or %q)", ErrPaper, d.paper, A4, Roll80)
	}
	var photoW, photoH float64
	if len(d.head.Photo) > 0 {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(d.head.Photo))
		if err != nil || cfg.Width == 0 || cfg.Height == 0 {
			return ErrImage
		}
		photoW, photoH = float64(cfg.Width), float64(cfg.Height)
	}
	r := d.render(th, photoW, photoH, true)
	if r.missed || (r.codes != nil && r.pdf.Error() != nil) {
		// A letter outside the document's encoding (font.go), or a
		// simple font gofpdf refused: the old way.
		r.release()
		r = d.render(th, photoW, photoH, false)
	}
	defer r.release()
	if err := r.pdf.Error(); err != nil {
		return err
	}
	return r.pdf.Output(w)
}

// render lays the document out on gofpdf's pages; with simple, its
// letters outside Windows-1252 in simple fonts where they fit one
// encoding (font.go), else in CID fonts.
func (d *Document) render(th theme, photoW, photoH float64, simple bool) *renderer {
	r := newRenderer(th, d.opt.Compress)
	if simple {
		if texts := d.foreignTexts(r); len(texts) > 0 {
			r.codes = newCodes(texts)
		}
	}
	created := d.opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	r.pdf.SetCreationDate(created.UTC()) // gofpdf writes no zone
	r.pdf.SetModificationDate(created.UTC())
	if title := clean(d.opt.Title); winAnsi(title) {
		r.pdf.SetTitle(r.tr(title), false)
	} else {
		r.pdf.SetTitle(title, true)
	}
	r.pdf.SetCreator("jemput", false)
	r.pdf.SetProducer("jemput", false)
	switch d.paper {
	case A4:
		r.a4(d, photoW, photoH)
	case Roll80:
		r.roll(d)
	}
	return r
}
