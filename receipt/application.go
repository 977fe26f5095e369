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
// it, and signs its QR payload with the kit's device key. What it says
// beyond the answers (the title, the details shown, the next steps) comes
// from the form's definition, and the fields it needs by their roles. The
// full identity number never reaches the receipt: it is masked here.
func ForApplication(r intake.ReceiptIssue, photo []byte, key ed25519.PrivateKey) (Data, error) {
	app := r.App
	f, err := forms.Get(app.FormID)
	if err != nil {
		return Data{}, err
	}
	v := app.Doc.Values
	d := Data{
		Number: app.Number, Copy: r.Copy, Office: r.Kit.Office, KitCode: r.Kit.Code,
		Service: f.Title, FullName: f.RoleValue(forms.RoleName, v),
		Status:      statusText(app.Status),
		Fee:         app.Doc.Fee.Total,
		OfficerName: r.Officer.Name, OfficerNIP: r.Officer.NIP,
		EventName: r.Event.Name, EventType: string(r.Event.Type), Place: r.Event.Place,
		Issued: app.UpdatedAt.In(r.Kit.Location()), Photo: photo, // the kit's zone, not the laptop's
	}
	if f.Receipt != nil {
		d.Title = f.Receipt.Title
	}
	if nik := f.RoleValue(forms.RoleIdentityNumber, v); len(nik) == 16 {
		d.NIKMasked = nik[:6] + "******" + nik[12:]
	}
	d.MRZName, _ = app.Doc.Derived["mrz_name"].(string)
	d.PassportName, _ = app.Doc.Derived["name_as_printed"].(string)
	d.NameTruncated, _ = app.Doc.Derived["mrz_truncated"].(bool)
	for _, l := range app.Doc.Fee.Lines {
		d.FeeLines = append(d.FeeLines, FeeLine{Label: l.Label, Amount: l.Amount})
	}
	d.Details = details(f, v)
	for _, id := range app.Doc.Received {
		d.Received = append(d.Received, DocumentLabel(f, id))
	}
	for _, id := range app.Doc.Missing {
		d.Missing = append(d.Missing, DocumentLabel(f, id))
	}
	nameField, hasName := f.Roles[forms.RoleName]
	for _, w := range app.Doc.Warnings {
		// Only the name's warnings are the applicant's (a NIK already in
		// the kit is the officer's business), and the name block says it
		// already when the MRZ name is cut.
		if hasName && w.Field == nameField && !d.NameTruncated {
			d.Warnings = append(d.Warnings, w.Message)
		}
	}
	d.NextSteps = nextSteps(f, app, r.Event, r.Kit)
	if v := r.NextVisit; v != nil {
		d.NextSteps = append(d.NextSteps, lang.Text{
			ID: "Pengambilan paspor: kunjungan berikutnya di " + v.Place + " pada " + v.Date + ".",
			EN: "Passport pickup: the next visit to " + v.Place + " on " + v.Date + "."})
	}
	d.QR, err = Sign(Payload{Kit: r.Kit.Code, Number: app.Number, NIKMasked: d.NIKMasked, Name: qrName(f, d, v),
		Issued: d.Issued, Fee: d.Fee, Version: app.Version, Copy: r.Copy}, key)
	return d, err
}

// details are the answers the receipt shows: those the form lists, or,
// for a form that lists none, its choices, numbers and dates.
func details(f *forms.Form, v map[string]any) []Line {
	var out []Line
	add := func(fd *forms.Field, unit *lang.Text) {
		if val, ok := v[fd.ID]; ok {
			out = append(out, Line{Label: fd.Label, Value: receiptValue(fd, val, unit)})
		}
	}
	if f.Receipt != nil && len(f.Receipt.Details) > 0 {
		for _, dt := range f.Receipt.Details {
			if fd, ok := f.Field(dt.Field); ok {
				add(fd, dt.Unit)
			}
		}
		return out
	}
	for i := range f.Fields {
		switch fd := &f.Fields[i]; fd.Type {
		case forms.TypeEnum, forms.TypeInt, forms.TypeDate, forms.TypeCountry:
			add(fd, nil)
		}
	}
	return out
}

func receiptValue(fd *forms.Field, v any, unit *lang.Text) string {
	s := valueText(v)
	if c, ok := fd.Choice(s); ok && len(fd.Values) > 0 {
		return both(c.Label)
	}
	if unit != nil {
		return s + " " + both(*unit)
	}
	return s
}

// both is a short text in both languages on one line: "Baru / New".
func both(t lang.Text) string {
	if t.EN != "" && t.EN != t.ID {
		return t.ID + " / " + t.EN
	}
	return t.ID
}

// DocumentLabel names a document (or a group of documents) of a form.
func DocumentLabel(f *forms.Form, id string) lang.Text {
	if t, ok := f.Documents.Label(id); ok {
		return t
	}
	return lang.Text{ID: id, EN: id}
}

// qrName is the name the QR code vouches for, transliterated as ICAO 9303
// says: the passport's machine-readable name where the form derives one,
// else the same transliteration of the name and surname (a foreigner's
// stay permit), so that "Łukasz Wałęsa" is WALESA<<LUKASZ, not "UKASZ WASA".
func qrName(f *forms.Form, d Data, v map[string]any) string {
	name := d.MRZName
	if name == "" {
		name = forms.NameToMRZ(d.FullName, f.RoleValue(forms.RoleSurname, v)).Field
	}
	return asciiName(name)
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

// nextSteps tells the applicant what happens now: complete the documents
// when some are missing, then the form's own steps (pay, come for an
// interview, collect) with the fee, the office and the place filled in.
func nextSteps(f *forms.Form, app intake.Application, ev intake.Event, kit intake.Kit) []lang.Text {
	var steps []lang.Text
	if len(app.Doc.Missing) > 0 {
		steps = append(steps, lang.Text{
			ID: "Lengkapi dokumen yang kurang di meja petugas hari ini, atau di " + kit.Office + ", sebelum permohonan dapat disetujui.",
			EN: "Bring the missing documents to the desk today, or to " + kit.Office + ", before the application can be approved."})
	}
	fill := strings.NewReplacer("{fee}", rupiah(app.Doc.Fee.Total), "{office}", kit.Office, "{place}", ev.Place)
	for _, t := range f.Receipt.NextSteps(app.Doc.Values, app.Doc.Derived, string(ev.Type)) {
		steps = append(steps, lang.Text{ID: fill.Replace(t.ID), EN: fill.Replace(t.EN)})
	}
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
