// Package report prints the office's demand study (jemput-central report
// demand): applications and people turned away by district, by visit, by
// month and by purpose, each view on a page of its own with its chart,
// and a page that sets the demand against what a passport service unit
// (ULP) serves. Laid out by the same pdf package as the kit's receipts.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
	"github.com/jemput/jemput/pdf"
)

// Views' titles: each is also the heading of its page.
var (
	TitleDistrict = lang.Text{ID: "Pemohon menurut kecamatan", EN: "Applicants by district"}
	TitleEvent    = lang.Text{ID: "Pemohon menurut kunjungan", EN: "Applicants by visit"}
	TitleMonth    = lang.Text{ID: "Pemohon dan yang tidak terlayani menurut bulan", EN: "Applicants and people turned away by month"}
	TitlePurpose  = lang.Text{ID: "Pemohon menurut tujuan perjalanan", EN: "Applicants by purpose of travel"}
	TitleULP      = lang.Text{ID: "Kebutuhan dibandingkan dengan ULP", EN: "Demand against a passport service unit"}
	tUnknown      = lang.Text{ID: "tidak diketahui", EN: "unknown"}
	tNotGiven     = lang.Text{ID: "tidak disebut", EN: "not given"}
)

// Titles are the pages of the PDF, in order.
var Titles = []lang.Text{TitleDistrict, TitleEvent, TitleMonth, TitlePurpose, TitleULP}

// maxRows keeps each view on one page: the rest are added up in one line.
const (
	maxRows   = 24
	maxEvents = 30
)

// DistrictLabel names a district for a person: "Pulau Sembilan, Kotabaru".
func DistrictLabel(d central.DistrictDemand) string {
	switch {
	case d.Code == "":
		return tUnknown.ID + " / " + tUnknown.EN
	case d.District != "" && d.Regency != "":
		return d.District + ", " + d.Regency
	case d.Regency != "":
		return d.Code + ", " + d.Regency
	}
	return d.Code
}

// EventLabel names a visit: "Eazy Paspor Kotabaru — Aula Kantor Bupati, 2026-11-27".
func EventLabel(e central.EventDemand) string {
	name := e.Name
	if name == "" {
		name = e.EventID
	}
	return name + " — " + e.Place + ", " + e.Date
}

// PurposeLabel names a purpose of travel from the passport form.
func PurposeLabel(p string) lang.Text {
	if p == "" {
		return tNotGiven
	}
	if f, err := forms.Get("passport"); err == nil {
		if fd, ok := f.Field("travel_purpose"); ok {
			if c, ok := fd.Choice(p); ok {
				return c.Label
			}
		}
	}
	return lang.Text{ID: p, EN: p}
}

func both(t lang.Text) string {
	if t.EN == "" || t.EN == t.ID {
		return t.ID
	}
	return t.ID + " / " + t.EN
}

// WriteCSV writes one view of the study: UTF-8, a header, a column per
// field.
func WriteCSV(w io.Writer, s central.Study, by string) error {
	cw := csv.NewWriter(w)
	itoa := strconv.Itoa
	var err error
	write := func(rec ...string) {
		if err == nil {
			err = cw.Write(rec)
		}
	}
	switch by {
	case central.ByDistrict:
		write("district_code", "district", "regency", "province", "applications")
		for _, d := range s.Districts {
			write(d.Code, d.District, d.Regency, d.Province, itoa(d.Applications))
		}
	case central.ByEvent:
		write("kit", "event_id", "visit_id", "name", "type", "place", "date", "capacity", "applications", "turned_away", "below_group", "over_capacity")
		for _, e := range s.Events {
			write(e.Kit, e.EventID, e.Visit, e.Name, e.Type, e.Place, e.Date, itoa(e.Capacity), itoa(e.Applications), itoa(e.TurnedAway),
				strconv.FormatBool(e.BelowGroup), strconv.FormatBool(e.CapacityExceeded))
		}
	case central.ByMonth:
		write("month", "applications", "turned_away")
		for _, m := range s.Months {
			write(m.Month, itoa(m.Applications), itoa(m.TurnedAway))
		}
	case central.ByPurpose:
		write("purpose", "label", "applications")
		for _, p := range s.Purposes {
			write(p.Purpose, PurposeLabel(p.Purpose).EN, itoa(p.Applications))
		}
	default:
		return fmt.Errorf("demand by %q: want district, event, month or purpose", by)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WritePDF writes the study on A4, one page per view with its chart and a
// page that sets demand against a ULP. Its bytes depend on the study,
// office and made only.
func WritePDF(w io.Writer, s central.Study, office string, made time.Time, compress bool) error {
	period := s.Query.From + " – " + s.Query.To
	if s.Query.From == "" && s.Query.To == "" {
		period = "semua / all"
	}
	doc := pdf.New(pdf.A4, pdf.Options{Compress: compress, Title: "Kajian kebutuhan layanan paspor", Created: made})
	doc.Head(pdf.Header{Office: office, Title: lang.Text{ID: "KAJIAN KEBUTUHAN LAYANAN PASPOR", EN: "Study of the demand for passport services"},
		RefLabel: lang.Text{ID: "Periode", EN: "Period"}, Ref: period})
	itoa := strconv.Itoa

	// By district.
	sec := pdf.NewSection(TitleDistrict)
	sec.Row(lang.Text{ID: "Pemohon", EN: "Applicants"}, itoa(s.Applications))
	sec.Row(lang.Text{ID: "Tidak terlayani (tanpa NIK: tidak ada kecamatan)", EN: "Turned away (no NIK: no district)"}, itoa(s.TurnedAway))
	var bars []pdf.Bar
	rest := 0
	for i, d := range s.Districts {
		if i >= maxRows {
			rest += d.Applications
			continue
		}
		bars = append(bars, pdf.Bar{Label: lang.Text{ID: DistrictLabel(d)}, Value: float64(d.Applications)})
	}
	if rest > 0 {
		bars = append(bars, pdf.Bar{Label: lang.Text{ID: fmt.Sprintf("%d kecamatan lain", len(s.Districts)-maxRows), EN: "other districts"}, Value: float64(rest)})
	}
	sec.Bars(bars)
	doc.Section(sec)

	// By visit.
	sec = pdf.NewSection(TitleEvent)
	sec.NewPage = true
	sec.Note(lang.Text{ID: fmt.Sprintf("Kuota: kuota hari itu dari kit, atau kapasitas kunjungan yang direncanakan. Layanan Eazy Paspor memerlukan kelompok minimal %d pemohon.", central.EazyPasporGroup),
		EN: fmt.Sprintf("Capacity: the kit's quota for the day, or the planned visit's. An Eazy Paspor service needs a group of at least %d applicants.", central.EazyPasporGroup)})
	bars = nil
	for i, e := range s.Events {
		if i >= maxEvents {
			break
		}
		text := fmt.Sprintf("%d + %d", e.Applications, e.TurnedAway)
		if e.Capacity > 0 {
			text += fmt.Sprintf(" / %d", e.Capacity)
		}
		if e.CapacityExceeded {
			text += " !"
		}
		if e.BelowGroup {
			text += " <"
		}
		bars = append(bars, pdf.Bar{Label: lang.Text{ID: e.Date + " " + e.Place}, Value: float64(e.Applications + e.TurnedAway), Text: text})
	}
	sec.Note(lang.Text{
		ID: fmt.Sprintf("Setiap baris: pemohon + tidak terlayani / kuota; ! melebihi kuota; < di bawah kelompok Eazy Paspor %d.", central.EazyPasporGroup),
		EN: fmt.Sprintf("Each line: applicants + turned away / capacity; ! over capacity; < below an Eazy Paspor group of %d.", central.EazyPasporGroup)})
	if len(s.Events) > maxEvents {
		sec.Note(lang.Text{ID: fmt.Sprintf("%d kunjungan pertama dari %d; semuanya di CSV (--by event --csv).", maxEvents, len(s.Events)),
			EN: fmt.Sprintf("The first %d of %d visits; all of them in the CSV (--by event --csv).", maxEvents, len(s.Events))})
	}
	sec.Bars(bars)
	doc.Section(sec)

	// By month.
	sec = pdf.NewSection(TitleMonth)
	sec.NewPage = true
	var labels []string
	var apps, turned []float64
	var rows [][]string
	for _, m := range s.Months {
		labels = append(labels, m.Month)
		apps = append(apps, float64(m.Applications))
		turned = append(turned, float64(m.TurnedAway))
		rows = append(rows, []string{m.Month, itoa(m.Applications), itoa(m.TurnedAway)})
	}
	sec.Lines(80, labels, []pdf.Series{
		{Label: lang.Text{ID: "Pemohon", EN: "Applicants"}, Values: apps, Grey: 0},
		{Label: lang.Text{ID: "Tidak terlayani", EN: "Turned away"}, Values: turned, Grey: 110, Dashed: true},
	})
	sec.Table([]pdf.Col{{Head: lang.Text{ID: "Bulan", EN: "Month"}, Width: 2}, {Head: lang.Text{ID: "Pemohon", EN: "Applicants"}, Width: 2, Right: true},
		{Head: lang.Text{ID: "Tidak terlayani", EN: "Turned away"}, Width: 2, Right: true}}, rows)
	doc.Section(sec)

	// By purpose.
	sec = pdf.NewSection(TitlePurpose)
	sec.NewPage = true
	bars = nil
	for _, p := range s.Purposes {
		bars = append(bars, pdf.Bar{Label: PurposeLabel(p.Purpose), Value: float64(p.Applications)})
	}
	sec.Bars(bars)
	doc.Section(sec)

	// Against a ULP.
	sec = pdf.NewSection(TitleULP)
	sec.NewPage = true
	monthly := s.MonthlyDemand()
	supply := s.VisitSupply()
	low, high := float64(central.ULPDailyLow*central.WorkingDays), float64(central.ULPDailyHigh*central.WorkingDays)
	sec.Row(lang.Text{ID: "Bulan dalam kajian", EN: "Months studied"}, itoa(s.MonthsCovered()))
	sec.Row(lang.Text{ID: "Pemohon dan yang tidak terlayani", EN: "Applicants and people turned away"}, itoa(s.Applications+s.TurnedAway))
	sec.Row(lang.Text{ID: "Kebutuhan rata-rata sebulan", EN: "Average demand a month"}, fmt.Sprintf("%.0f", monthly))
	sec.Row(lang.Text{ID: fmt.Sprintf("Kunjungan berkala (%d sebulan)", central.VisitsPerMonth), EN: fmt.Sprintf("Periodic visits (%d a month)", central.VisitsPerMonth)},
		fmt.Sprintf("%.0f", supply))
	sec.Row(lang.Text{ID: fmt.Sprintf("ULP dengan %d loket (%d hari kerja)", central.ULPCounters, central.WorkingDays), EN: fmt.Sprintf("A ULP with %d counters (%d working days)", central.ULPCounters, central.WorkingDays)},
		fmt.Sprintf("%.0f – %.0f", low, high))
	if s.TurnedAway > 0 {
		sec.Row(lang.Text{ID: "Tidak terlayani karena kuota", EN: "Turned away for the quota"}, itoa(s.TurnedBy["quota"]))
	}
	sec.Bars([]pdf.Bar{
		{Label: lang.Text{ID: "Kebutuhan sebulan", EN: "Demand a month"}, Value: monthly, Text: fmt.Sprintf("%.0f", monthly)},
		{Label: lang.Text{ID: "Kunjungan berkala", EN: "Periodic visits"}, Value: supply, Text: fmt.Sprintf("%.0f", supply)},
		{Label: lang.Text{ID: "ULP (batas bawah)", EN: "ULP (low end)"}, Value: low, Text: fmt.Sprintf("%.0f", low)},
	})
	sec.Paragraph(Verdict(s))
	sec.Note(lang.Text{
		ID: fmt.Sprintf("Asumsi: ULP dengan %d loket melayani sekitar %d–%d pemohon sehari, seperti dilaporkan ULP sebanding; %d hari kerja sebulan. Kunjungan berkala: %d sebulan sesuai kesepakatan, masing-masing dengan kuota rata-rata acara dalam kajian (atau %d bila tidak ada kuota). Yang tidak terlayani dihitung sebagai kebutuhan.",
			central.ULPCounters, central.ULPDailyLow, central.ULPDailyHigh, central.WorkingDays, central.VisitsPerMonth, central.EazyPasporGroup),
		EN: fmt.Sprintf("Assumptions: a ULP with %d counters serves about %d–%d applicants a day, as comparable ULPs report; %d working days a month. Periodic visits: %d a month as agreed, each at the average capacity of the events studied (or %d when none had one). People turned away count as demand.",
			central.ULPCounters, central.ULPDailyLow, central.ULPDailyHigh, central.WorkingDays, central.VisitsPerMonth, central.EazyPasporGroup)})
	doc.Section(sec)
	return doc.Write(w)
}

// Verdict says, in both languages, what the figures mean for the choice
// between periodic visits and a ULP.
func Verdict(s central.Study) lang.Text {
	monthly, supply := s.MonthlyDemand(), s.VisitSupply()
	low := float64(central.ULPDailyLow * central.WorkingDays)
	use := math.Round(100 * monthly / low)
	switch {
	case monthly <= supply:
		return lang.Text{
			ID: fmt.Sprintf("Kunjungan berkala mencukupi: kebutuhan %.0f sebulan, kunjungan menampung %.0f. ULP akan terpakai sekitar %.0f%% dari kapasitas bawahnya.", monthly, supply, use),
			EN: fmt.Sprintf("Periodic visits suffice: a demand of %.0f a month, visits take %.0f. A ULP would run at about %.0f%% of its low-end capacity.", monthly, supply, use)}
	case monthly < low:
		return lang.Text{
			ID: fmt.Sprintf("Kunjungan berkala tidak mencukupi (kebutuhan %.0f sebulan, kunjungan menampung %.0f), tetapi ULP akan terpakai hanya sekitar %.0f%% dari kapasitas bawahnya: tambah kunjungan atau pos pelayanan terpadu.", monthly, supply, use),
			EN: fmt.Sprintf("Periodic visits do not suffice (a demand of %.0f a month, visits take %.0f), but a ULP would run at only about %.0f%% of its low-end capacity: add visits or an integrated service post.", monthly, supply, use)}
	}
	return lang.Text{
		ID: fmt.Sprintf("Kebutuhan %.0f sebulan melampaui kunjungan berkala (%.0f) dan mengisi ULP sekitar %.0f%% dari kapasitas bawahnya: ULP layak dipertimbangkan.", monthly, supply, use),
		EN: fmt.Sprintf("A demand of %.0f a month exceeds periodic visits (%.0f) and fills a ULP to about %.0f%% of its low-end capacity: a ULP is worth considering.", monthly, supply, use)}
}
