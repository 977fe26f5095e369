package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
	"github.com/jemput/jemput/pdf"
)

// Line is one application as the day report prints it and its CSV holds
// it: one value per field, the same in both.
type Line struct {
	Number          string
	Status          intake.Status
	Form            string
	FormTitle       lang.Text
	ApplicationType string // the form's value ("new"); "" when the form has none
	PassportKind    string
	ValidityYears   string
	TravelPurpose   string
	Name            string
	NIKMasked       string
	OfficerNIP      string
	OfficerName     string
	Created         time.Time // in the kit's zone
	Fee             int64
	Missing         []string
	Warnings        []forms.Issue
	Overrides       []forms.Issue // with the officer's reason
	Reason          string        // why it was voided or returned
	Sync            intake.SyncMark
}

// Lines reads the report's applications.
func Lines(r intake.DayReport) []Line {
	out := make([]Line, 0, len(r.Apps))
	for _, d := range r.Apps {
		a := d.App
		l := Line{Number: a.Number, Status: a.Status, Form: a.FormID, OfficerNIP: d.Officer.NIP, OfficerName: d.Officer.Name,
			Created: a.CreatedAt, Fee: a.Doc.Fee.Total, Missing: a.Doc.Missing, Warnings: a.Doc.Warnings,
			Overrides: a.Doc.Overridden, Reason: d.Reason, Sync: d.Sync}
		v := a.Doc.Values
		l.ApplicationType = str(v["application_type"])
		l.PassportKind = str(v["passport_kind"])
		l.ValidityYears = str(v["validity_years"])
		l.TravelPurpose = str(v["travel_purpose"])
		if f, err := forms.Get(a.FormID); err == nil {
			l.FormTitle = f.Title
			l.Name = f.RoleValue(forms.RoleName, v)
			l.NIKMasked = MaskNIK(f.RoleValue(forms.RoleIdentityNumber, v))
		} else {
			l.FormTitle = lang.Text{ID: a.FormID, EN: a.FormID}
		}
		out = append(out, l)
	}
	return out
}

// MaskNIK keeps a NIK's first 6 and last 4 digits, as the receipt does.
func MaskNIK(nik string) string {
	if len(nik) != 16 {
		return ""
	}
	return nik[:6] + "******" + nik[12:]
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// CSVHeader is the first line of the day report's CSV.
var CSVHeader = []string{"number", "status", "form", "application_type", "passport_kind", "validity_years", "travel_purpose",
	"name", "nik_masked", "officer_nip", "officer_name", "date", "time", "fee", "missing", "warnings", "overrides", "reason", "sync", "event", "event_date"}

// WriteCSV writes one line per application: UTF-8, a header, dates as
// YYYY-MM-DD and times in the kit's zone, a column per field; lists inside
// a cell are separated by "; ", an override as "field: reason".
func WriteCSV(w io.Writer, r intake.DayReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, l := range Lines(r) {
		var warns, overs []string
		for _, is := range l.Warnings {
			warns = append(warns, is.Field+": "+is.Code)
		}
		for _, is := range l.Overrides {
			overs = append(overs, is.Field+": "+is.Reason)
		}
		rec := []string{l.Number, string(l.Status), l.Form, l.ApplicationType, l.PassportKind, l.ValidityYears, l.TravelPurpose,
			cell(l.Name), l.NIKMasked, l.OfficerNIP, cell(l.OfficerName), l.Created.Format(time.DateOnly), l.Created.Format("15:04"),
			strconv.FormatInt(l.Fee, 10), strings.Join(l.Missing, "; "), strings.Join(warns, "; "), cell(strings.Join(overs, "; ")),
			cell(l.Reason), string(l.Sync), cell(r.Event.Name), r.Event.Date}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from reading typed text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Day report labels, Indonesian first.
var (
	tDayTitle    = lang.Text{ID: "LAPORAN HARIAN PENERIMAAN PERMOHONAN", EN: "Day report of applications taken"}
	tDayRef      = lang.Text{ID: "Acara", EN: "Event"}
	tEventSec    = lang.Text{ID: "Acara", EN: "Event"}
	tEventName   = lang.Text{ID: "Nama acara", EN: "Event name"}
	tPlace       = lang.Text{ID: "Tempat", EN: "Place"}
	tDate        = lang.Text{ID: "Tanggal", EN: "Date"}
	tType        = lang.Text{ID: "Jenis layanan", EN: "Kind of service"}
	tCapacity    = lang.Text{ID: "Kuota hari ini", EN: "The day's capacity"}
	tMade        = lang.Text{ID: "Dibuat", EN: "Made"}
	tTotals      = lang.Text{ID: "Jumlah", EN: "Totals"}
	tApplicants  = lang.Text{ID: "Permohonan tersimpan", EN: "Applications saved"}
	tDrafts      = lang.Text{ID: "Draf belum selesai", EN: "Drafts not finished"}
	tTurned      = lang.Text{ID: "Tidak terlayani", EN: "Turned away"}
	tFees        = lang.Text{ID: "Perkiraan biaya (tanpa yang dibatalkan)", EN: "Estimated fees (voided left out)"}
	tByService   = lang.Text{ID: "Menurut layanan", EN: "By service"}
	tByAppType   = lang.Text{ID: "Menurut jenis permohonan", EN: "By application type"}
	tByKind      = lang.Text{ID: "Menurut jenis paspor", EN: "By passport kind"}
	tByStatus    = lang.Text{ID: "Menurut status", EN: "By status"}
	tByOfficer   = lang.Text{ID: "Menurut petugas", EN: "By officer"}
	tList        = lang.Text{ID: "Daftar permohonan", EN: "Applications"}
	tVoided      = lang.Text{ID: "Dibatalkan dan dikembalikan", EN: "Voided and returned"}
	tSync        = lang.Text{ID: "Pengiriman ke kantor", EN: "Sent to the office"}
	tSign        = lang.Text{ID: "Pengesahan pengawas", EN: "Supervisor's approval"}
	tSupervisor  = lang.Text{ID: "Pengawas", EN: "Supervisor"}
	tNIP         = lang.Text{ID: "NIP", EN: "Civil servant number"}
	tSignature   = lang.Text{ID: "Tanda tangan", EN: "Signature"}
	tNone        = lang.Text{ID: "Tidak ada", EN: "None"}
	tAllDays     = lang.Text{ID: "semua hari acara", EN: "every day of the event"}
	tReasonQuota = lang.Text{ID: "kuota penuh", EN: "quota reached"}
	tReasonDocs  = lang.Text{ID: "dokumen kurang", EN: "documents lacking"}
	tReasonOther = lang.Text{ID: "lainnya", EN: "other"}
)

var syncLabels = map[intake.SyncMark]lang.Text{
	intake.SyncNotYet:   {ID: "belum disetujui", EN: "not approved"},
	intake.SyncWaiting:  {ID: "menunggu dikirim", EN: "waiting to be sent"},
	intake.SyncExported: {ID: "diekspor (USB), belum dijawab", EN: "exported (USB), not answered"},
	intake.SyncHeld:     {ID: "sudah di kantor", EN: "at the office"},
	intake.SyncConflict: {ID: "konflik", EN: "conflict"},
}

var statusLabels = map[intake.Status]lang.Text{
	intake.StatusCaptured:   {ID: "diterima", EN: "captured"},
	intake.StatusIncomplete: {ID: "belum lengkap", EN: "incomplete"},
	intake.StatusApproved:   {ID: "disetujui", EN: "approved"},
	intake.StatusReturned:   {ID: "dikembalikan", EN: "returned"},
	intake.StatusSynced:     {ID: "terkirim", EN: "synced"},
	intake.StatusAccepted:   {ID: "diterima kantor", EN: "accepted"},
	intake.StatusRejected:   {ID: "ditolak kantor", EN: "rejected"},
	intake.StatusReady:      {ID: "siap diambil", EN: "ready"},
	intake.StatusHandedOver: {ID: "sudah diserahkan", EN: "handed over"},
	intake.StatusVoided:     {ID: "dibatalkan", EN: "voided"},
}

func labelOr(m map[intake.Status]lang.Text, s intake.Status) lang.Text {
	if t, ok := m[s]; ok {
		return t
	}
	return lang.Text{ID: string(s), EN: string(s)}
}

// Rupiah writes an amount as Rp1.234.500.
func Rupiah(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(s[i])
	}
	if neg {
		return "-Rp" + b.String()
	}
	return "Rp" + b.String()
}

// count is one line of a tally.
type count struct {
	label lang.Text
	n     int
}

// tally counts lines by key, in the order keys first appear unless order
// gives one.
func tally(lines []Line, key func(Line) (string, lang.Text), order []string) []count {
	idx := map[string]int{}
	var out []count
	var keys []string
	for _, l := range lines {
		k, lbl := key(l)
		if k == "" {
			continue
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, count{label: lbl})
			keys = append(keys, k)
		}
		out[i].n++
	}
	if order != nil {
		pos := map[string]int{}
		for i, k := range order {
			pos[k] = i
		}
		perm := make([]int, len(out))
		for i := range perm {
			perm[i] = i
		}
		sort.SliceStable(perm, func(a, b int) bool { return pos[keys[perm[a]]] < pos[keys[perm[b]]] })
		sorted := make([]count, len(out))
		for i, p := range perm {
			sorted[i] = out[p]
		}
		out = sorted
	}
	return out
}

func choiceLabel(form, field, value string) lang.Text {
	if f, err := forms.Get(form); err == nil {
		if fd, ok := f.Field(field); ok {
			if c, ok := fd.Choice(value); ok {
				return c.Label
			}
		}
	}
	return lang.Text{ID: value, EN: value}
}

// WriteDayPDF writes the day report on A4: Indonesian first, English
// beneath, as the receipt. Its bytes depend on r only (r.Made is its date).
func WriteDayPDF(w io.Writer, r intake.DayReport, compress bool) error {
	lines := Lines(r)
	doc := pdf.New(pdf.A4, pdf.Options{Compress: compress, Title: "Laporan harian " + r.Event.Name, Created: r.Made})
	doc.Head(pdf.Header{Office: r.Kit.Office + " — kit " + r.Kit.Code, Title: tDayTitle, RefLabel: tDayRef, Ref: r.Event.Date + " " + r.Event.Name})

	ev := pdf.NewSection(tEventSec)
	ev.Row(tEventName, r.Event.Name)
	ev.Row(tPlace, r.Event.Place)
	ev.Row(tType, string(r.Event.Type))
	if r.Date != "" {
		ev.Row(tDate, r.Date)
	} else {
		ev.Row(tDate, r.Event.Date+" ("+tAllDays.ID+" / "+tAllDays.EN+")")
	}
	if r.Event.Capacity > 0 {
		ev.Row(tCapacity, strconv.Itoa(r.Event.Capacity))
	}
	ev.Row(tMade, r.Made.Format("2006-01-02 15:04")+" — "+r.By.Name)

	tot := pdf.NewSection(tTotals)
	tot.Row(tApplicants, strconv.Itoa(len(lines)))
	tot.Row(tDrafts, strconv.Itoa(r.Drafts))
	turned := 0
	for _, t := range r.TurnedAway {
		turned += t.Count
	}
	tot.Row(tTurned, strconv.Itoa(turned))
	var fees int64
	for _, l := range lines {
		if l.Status != intake.StatusVoided {
			fees += l.Fee
		}
	}
	tot.Total(tFees, Rupiah(fees))
	doc.Columns(pdf.Columns{Left: []*pdf.Section{ev}, Right: []*pdf.Section{tot}})

	tallySection := func(title lang.Text, cs []count) *pdf.Section {
		s := pdf.NewSection(title)
		if len(cs) == 0 {
			s.Item(tNone)
		}
		for _, c := range cs {
			s.Row(c.label, strconv.Itoa(c.n))
		}
		return s
	}
	byService := tally(lines, func(l Line) (string, lang.Text) { return l.Form, l.FormTitle }, nil)
	byType := tally(lines, func(l Line) (string, lang.Text) {
		return l.ApplicationType, choiceLabel(l.Form, "application_type", l.ApplicationType)
	}, nil)
	byKind := tally(lines, func(l Line) (string, lang.Text) {
		if l.PassportKind == "" {
			return "", lang.Text{}
		}
		k := l.PassportKind + "/" + l.ValidityYears
		lbl := choiceLabel(l.Form, "passport_kind", l.PassportKind)
		if l.ValidityYears != "" {
			lbl = lang.Text{ID: lbl.ID + ", " + l.ValidityYears + " tahun", EN: lbl.EN + ", " + l.ValidityYears + " years"}
		}
		return k, lbl
	}, nil)
	var order []string
	for _, s := range intake.Statuses {
		order = append(order, string(s))
	}
	byStatus := tally(lines, func(l Line) (string, lang.Text) { return string(l.Status), labelOr(statusLabels, l.Status) }, order)
	byOfficer := tally(lines, func(l Line) (string, lang.Text) {
		return l.OfficerNIP, lang.Text{ID: l.OfficerName + " (" + l.OfficerNIP + ")"}
	}, nil)
	doc.Columns(pdf.Columns{
		Left:  []*pdf.Section{tallySection(tByService, byService), tallySection(tByAppType, byType), tallySection(tByKind, byKind)},
		Right: []*pdf.Section{tallySection(tByStatus, byStatus), tallySection(tByOfficer, byOfficer)},
	})

	list := pdf.NewSection(tList)
	cols := []pdf.Col{
		{Head: lang.Text{ID: "Nomor", EN: "Number"}, Width: 4.3},
		{Head: lang.Text{ID: "Nama", EN: "Name"}, Width: 3.8},
		{Head: lang.Text{ID: "NIK", EN: "NIK"}, Width: 3.9},
		{Head: lang.Text{ID: "Status", EN: "Status"}, Width: 2.3},
		{Head: lang.Text{ID: "Biaya", EN: "Fee"}, Width: 2.3, Right: true},
		{Head: lang.Text{ID: "Catatan", EN: "Notes"}, Width: 5.4},
	}
	var rows [][]string
	for _, l := range lines {
		var notes []string
		if len(l.Missing) > 0 {
			notes = append(notes, "kurang / missing: "+strings.Join(documentLabels(l.Form, l.Missing), ", "))
		}
		for _, is := range l.Warnings {
			notes = append(notes, "peringatan / warning "+is.Field+": "+is.Message.ID)
		}
		for _, is := range l.Overrides {
			notes = append(notes, "diterima dengan alasan / override "+is.Field+": "+is.Reason)
		}
		if l.Reason != "" {
			notes = append(notes, "alasan / reason: "+l.Reason)
		}
		rows = append(rows, []string{l.Number, l.Name, l.NIKMasked, string(l.Status), Rupiah(l.Fee), strings.Join(notes, "; ")})
	}
	if len(rows) == 0 {
		list.Item(tNone)
	} else {
		list.Table(cols, rows)
	}
	doc.Section(list)

	vr := pdf.NewSection(tVoided)
	any := false
	for _, l := range lines {
		if l.Status == intake.StatusVoided || l.Status == intake.StatusReturned {
			any = true
			st := labelOr(statusLabels, l.Status)
			vr.Row(lang.Text{ID: l.Number + " " + st.ID, EN: st.EN}, l.Name+" — "+l.Reason)
		}
	}
	if !any {
		vr.Item(tNone)
	}
	turnedSec := pdf.NewSection(tTurned)
	if len(r.TurnedAway) == 0 {
		turnedSec.Item(tNone)
	}
	for _, t := range r.TurnedAway {
		reason := map[string]lang.Text{intake.TurnedAwayQuota: tReasonQuota, intake.TurnedAwayDocuments: tReasonDocs}[t.Reason]
		if reason.ID == "" {
			reason = tReasonOther
		}
		v := strconv.Itoa(t.Count)
		if t.Note != "" {
			v += " — " + t.Note
		}
		turnedSec.Row(lang.Text{ID: t.At.Format("15:04") + " " + reason.ID, EN: reason.EN}, v)
	}
	doc.Columns(pdf.Columns{Left: []*pdf.Section{vr}, Right: []*pdf.Section{turnedSec}})

	sy := pdf.NewSection(tSync)
	bySync := map[intake.SyncMark][]string{}
	for _, l := range lines {
		bySync[l.Sync] = append(bySync[l.Sync], l.Number)
	}
	for _, m := range []intake.SyncMark{intake.SyncHeld, intake.SyncExported, intake.SyncWaiting, intake.SyncConflict, intake.SyncNotYet} {
		if n := len(bySync[m]); n > 0 {
			sy.Row(syncLabels[m], strconv.Itoa(n)+": "+strings.Join(bySync[m], ", "))
		}
	}
	if len(lines) == 0 {
		sy.Item(tNone)
	}
	doc.Section(sy)

	sign := pdf.NewSection(tSign)
	sign.Row(tSupervisor, r.By.Name)
	sign.Row(tNIP, r.By.NIP)
	sign.Row(tDate, r.Made.Format(time.DateOnly))
	sign.Row(tSignature, " ")
	sign.Draw(14, func(c *pdf.Canvas) { c.Line(c.W*0.35, c.H-1, c.W, c.H-1, 0) })
	doc.Section(sign)
	return doc.Write(w)
}

func documentLabels(form string, ids []string) []string {
	f, err := forms.Get(form)
	var out []string
	for _, id := range ids {
		if err == nil {
			if t, ok := f.Documents.Label(id); ok {
				out = append(out, t.ID)
				continue
			}
		}
		out = append(out, id)
	}
	return out
}
