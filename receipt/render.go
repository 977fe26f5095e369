package receipt

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jemput/jemput/lang"
	"github.com/jemput/jemput/pdf"
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
	doc := pdf.New(pdf.Paper(f), pdf.Options{Compress: o.Compress, Title: d.Number, Created: d.Issued})
	d.compose(doc, f)
	err := doc.Write(w)
	switch {
	case errors.Is(err, pdf.ErrImage):
		return errorf(CodeInvalid, "photo is not a JPEG image")
	case errors.Is(err, pdf.ErrQR):
		return errorf(CodeInvalid, "QR payload of %d bytes is too long for a QR code", len(d.QR))
	}
	return err
}

// Labels. Indonesian first; English beneath, or beside it on A4 where the
// line has room.
var (
	tTitle       = lang.Text{ID: "TANDA TERIMA PERMOHONAN", EN: "Application receipt"} // a form without its own
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

// compose says what the receipt holds: the applicant across the page; the
// application beside the fee and the documents; the next steps; the
// officer and the event in the footer, with the QR code.
func (d *Data) compose(doc *pdf.Document, f Format) {
	h := pdf.Header{Office: d.Office, Title: title(d), RefLabel: tNumber, Ref: d.Number, Photo: d.Photo}
	if d.Copy > 0 {
		h.Mark = copyLabel(d.Copy)
	}
	doc.Head(h)

	applicant := pdf.NewSection(tApplicant)
	applicant.Row(tFullName, d.FullName)
	applicant.Row(tPassName, d.PassportName)
	applicant.RowCode(tMRZName, d.MRZName)
	if d.NameTruncated {
		applicant.Note(tTruncated)
	}
	if d.NIKMasked != "" {
		applicant.Row(tNIK, d.NIKMasked)
	}

	application := pdf.NewSection(tApplication)
	application.RowText(tService, d.Service)
	application.RowText(tStatus, d.Status)
	for _, l := range d.Details {
		application.Row(l.Label, l.Value)
	}

	fee := pdf.NewSection(tFee)
	for _, l := range d.FeeLines {
		fee.Amount(l.Label, rupiah(l.Amount))
	}
	if len(d.FeeLines) > 0 {
		fee.Total(tFeeTotal, rupiah(d.Fee))
	} else {
		fee.Amount(tFeeTotal, rupiah(d.Fee))
	}

	right := []*pdf.Section{fee}
	// The roll, paid for by the centimetre, leaves out an empty list of
	// missing documents; the A4 page has the room to say "none".
	if len(d.Missing) > 0 || f == A4 {
		missing := list(tMissing, d.Missing, (*pdf.Section).StrongItem)
		missing.Alert = len(d.Missing) > 0
		right = append(right, missing)
	}
	right = append(right, list(tReceived, d.Received, (*pdf.Section).Item))
	var notes *pdf.Section
	if len(d.Warnings) > 0 {
		notes = list(tNotes, d.Warnings, (*pdf.Section).Sentence)
	}

	event := d.EventName
	if t := strings.TrimSpace(d.EventType); t != "" {
		event += " (" + t + ")"
	}
	officer := pdf.NewSection(tOfficer)
	officer.Row(tOfficerName, d.OfficerName)
	officer.Row(tNIP, d.OfficerNIP)
	officer.Row(tEvent, event)
	officer.Row(tPlace, d.Place)
	officer.Row(tTime, issued(d.Issued))
	officer.Row(tKit, d.KitCode)

	doc.Section(applicant)
	doc.Columns(pdf.Columns{Left: []*pdf.Section{application}, Right: right, Balance: notes})
	doc.Section(list(tNextSteps, d.NextSteps, (*pdf.Section).Sentence))
	doc.Footer(officer)
	if d.QR != "" {
		doc.QR(d.QR, tScan)
	}
}

// list is a section of entries, or of "none".
func list(title lang.Text, ts []lang.Text, add func(*pdf.Section, lang.Text)) *pdf.Section {
	s := pdf.NewSection(title)
	if len(ts) == 0 {
		s.Item(tNone)
	}
	for _, t := range ts {
		add(s, t)
	}
	return s
}

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

func title(d *Data) lang.Text {
	if d.Title.ID == "" {
		return tTitle
	}
	return d.Title
}
