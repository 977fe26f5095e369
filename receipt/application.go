package receipt

import (
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
)

// ForApplication builds the receipt of an application, as the kit stores
// it, and signs its QR payload with the kit's device key. The full NIK
// never reaches the receipt: it is masked here.
func ForApplication(r intake.ReceiptIssue, photo []byte, key ed25519.PrivateKey) (Data, error) {
	app := r.App
	f, err := forms.Get(app.FormID)
	if err != nil {
		return Data{}, err
	}
	v := app.Doc.Values
	str := func(k string) string { s, _ := v[k].(string); return s }
	d := Data{
		Number: app.Number, Copy: r.Copy, Office: r.Kit.Office, KitCode: r.Kit.Code,
		Service: f.Title, FullName: str("full_name"),
		Status:      statusText(app.Status),
		Fee:         app.Doc.Fee.Total,
		OfficerName: r.Officer.Name, OfficerNIP: r.Officer.NIP,
		EventName: r.Event.Name, EventType: string(r.Event.Type), Place: r.Event.Place,
		Issued: app.UpdatedAt, Photo: photo,
	}
	if app.FormID == "stay-permit" {
		d.Title = lang.Text{ID: "TANDA TERIMA PERMOHONAN IZIN TINGGAL", EN: "Stay permit application receipt"}
	}
	if nik := str("nik"); len(nik) == 16 {
		d.NIKMasked = nik[:6] + "******" + nik[12:]
	}
	d.MRZName, _ = app.Doc.Derived["mrz_name"].(string)
	d.PassportName, _ = app.Doc.Derived["name_as_printed"].(string)
	d.NameTruncated, _ = app.Doc.Derived["mrz_truncated"].(bool)
	for _, l := range app.Doc.Fee.Lines {
		d.FeeLines = append(d.FeeLines, FeeLine{Label: l.Label, Amount: l.Amount})
	}
	for _, fd := range f.Fields {
		val, ok := v[fd.ID]
		if !ok || !onReceipt(fd) {
			continue
		}
		d.Details = append(d.Details, Line{Label: fd.Label, Value: receiptValue(&fd, val)})
	}
	for _, id := range app.Doc.Received {
		d.Received = append(d.Received, DocumentLabel(f, id))
	}
	for _, id := range app.Doc.Missing {
		d.Missing = append(d.Missing, DocumentLabel(f, id))
	}
	for _, w := range app.Doc.Warnings {
		// The name block says it already when the MRZ name is cut.
		if w.Field == "full_name" && !d.NameTruncated {
			d.Warnings = append(d.Warnings, w.Message)
		}
	}
	d.NextSteps = nextSteps(app, r.Event, r.Kit)
	name := d.MRZName
	if name == "" {
		name = strings.ToUpper(d.FullName)
	}
	d.QR, err = Sign(Payload{Kit: r.Kit.Code, Number: app.Number, NIKMasked: d.NIKMasked, Name: asciiName(name),
		Issued: d.Issued, Fee: d.Fee, Version: app.Version, Copy: r.Copy}, key)
	return d, err
}

// onReceipt picks the fields an applicant needs to see on the receipt: the
// choices made and the dates, not every personal detail.
func onReceipt(fd forms.Field) bool {
	switch fd.ID {
	case "sex", "marital_status":
		return false // on the applicant's own documents already
	}
	switch fd.Type {
	case forms.TypeEnum, forms.TypeInt, forms.TypeDate, forms.TypeCountry:
		return true
	}
	return fd.ID == "old_passport_number" || fd.ID == "passport_number" || fd.ID == "permit_number"
}

func receiptValue(fd *forms.Field, v any) string {
	s := valueText(v)
	if c, ok := fd.Choice(s); ok && len(fd.Values) > 0 {
		if c.Label.EN != "" && c.Label.EN != c.Label.ID {
			return c.Label.ID + " / " + c.Label.EN
		}
		return c.Label.ID
	}
	if fd.ID == "validity_years" {
		return s + " tahun / years"
	}
	return s
}

// DocumentLabel names a document (or a group of documents) of a form.
func DocumentLabel(f *forms.Form, id string) lang.Text {
	if t, ok := f.Documents.Label(id); ok {
		return t
	}
	return lang.Text{ID: id, EN: id}
}

// asciiName keeps the payload's name in printable ASCII without '|'.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r < 0x7f && r != '|' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func statusText(s intake.Status) lang.Text {
	switch s {
	case intake.StatusCaptured:
		return lang.Text{ID: "Diterima lengkap", EN: "Received, complete"}
	case intake.StatusIncomplete:
		return lang.Text{ID: "Diterima, dokumen belum lengkap", EN: "Received, documents incomplete"}
	case intake.StatusApproved:
		return lang.Text{ID: "Disetujui pengawas", EN: "Approved by the supervisor"}
	}
	return lang.Text{ID: string(s), EN: string(s)}
}

// nextSteps tells the applicant what happens now: complete documents, pay,
// come for an interview, collect.
func nextSteps(app intake.Application, ev intake.Event, kit intake.Kit) []lang.Text {
	var steps []lang.Text
	add := func(id, en string, args ...any) {
		steps = append(steps, lang.Text{ID: fmt.Sprintf(id, args...), EN: fmt.Sprintf(en, args...)})
	}
	if len(app.Doc.Missing) > 0 {
		add("Lengkapi dokumen yang kurang di meja petugas hari ini, atau di %s, sebelum permohonan dapat disetujui.",
			"Bring the missing documents to the desk today, or to %s, before the application can be approved.", kit.Office)
	}
	fee := rupiah(app.Doc.Fee.Total)
	if app.FormID == "stay-permit" {
		add("Bayar PNBP %s setelah menerima kode billing, lalu simpan bukti bayar.", "Pay the fee of %s once you receive the billing code, and keep the proof.", fee)
		add("Kantor memproses perpanjangan izin tinggal; ambil kartu di %s dengan membawa tanda terima ini dan paspor Anda.",
			"The office processes the extension; collect the card at %s with this receipt and your passport.", kit.Office)
		return steps
	}
	if t, _ := app.Doc.Values["application_type"].(string); t == "replace-lost" {
		add("Paspor hilang: wawancara diperlukan; bawa surat keterangan hilang dari kepolisian.",
			"Lost passport: an interview is required; bring the police loss report.")
	}
	add("Bayar %s setelah menerima kode billing (SMS/WhatsApp), di bank, kantor pos, atau aplikasi pembayaran.",
		"Pay %s once you receive the billing code (SMS/WhatsApp), at a bank, post office or payment app.", fee)
	if ev.Type == intake.EventEazyPaspor {
		add("Paspor siap sekitar 4 hari kerja setelah pembayaran; diambil pada kunjungan berikutnya di %s atau di %s.",
			"The passport is ready about 4 working days after payment; collect it at the next visit to %s or at %s.", ev.Place, kit.Office)
	} else {
		add("Paspor diambil di %s atau pada kunjungan berikutnya di %s; kantor memberi tahu bila sudah siap.",
			"Collect the passport at %s or at the next visit to %s; the office tells you when it is ready.", kit.Office, ev.Place)
	}
	add("Bawa tanda terima ini dan e-KTP saat mengambil paspor.", "Bring this receipt and your e-KTP when you collect the passport.")
	return steps
}

// valueText shows a stored value as text.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []string:
		return strings.Join(x, ", ")
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
