package pdf

import (
	"strings"
	"testing"

	"github.com/jemput/jemput/lang"
)

// A section with NewPage starts a page of its own; the others follow on.
func TestNewPage(t *testing.T) {
	d := New(A4, Options{Created: created})
	d.Head(Header{Office: "Kantor", Title: lang.Text{ID: "KAJIAN", EN: "Study"}, Ref: "2026"})
	for i, title := range []string{"Satu", "Dua", "Tiga", "Empat"} {
		s := NewSection(lang.Text{ID: title, EN: title})
		s.NewPage = i == 1 || i == 2
		s.Row(lang.Text{ID: "Baris", EN: "Row"}, title)
		d.Section(s)
	}
	pages := strings.Split(strings.TrimSuffix(pdfText(t, write(t, d)), "\f"), "\f")
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, want := range [][]string{{"SATU"}, {"DUA"}, {"TIGA", "EMPAT"}} {
		for _, w := range want {
			if !strings.Contains(pages[i], w) {
				t.Errorf("page %d lacks %s:\n%s", i+1, w, pages[i])
			}
		}
	}
}

// A line chart draws one dot per value of each series, higher for more.
func TestLines(t *testing.T) {
	d := New(A4, Options{Created: created})
	s := NewSection(lang.Text{ID: "Per bulan", EN: "By month"})
	s.Lines(60, []string{"2026-01", "2026-02", "2026-03"}, []Series{
		{Label: lang.Text{ID: "Pemohon", EN: "Applicants"}, Values: []float64{10, 40, 20}, Grey: 0},
		{Label: lang.Text{ID: "Tidak terlayani", EN: "Turned away"}, Values: []float64{0, 5, 30}, Grey: 128, Dashed: true},
	})
	d.Section(s)
	b := write(t, d)
	dots := rects(b, "0.000")
	if len(dots) != 3 {
		t.Fatalf("%d black dots, want 3: %v", len(dots), dots)
	}
	// PDF y grows upwards: 40 is the highest of the first series.
	if !(dots[1][1] > dots[2][1] && dots[2][1] > dots[0][1]) {
		t.Errorf("dots at heights %.1f %.1f %.1f, want the second highest, then the third", dots[0][1], dots[1][1], dots[2][1])
	}
	if grey := rects(b, "0.502"); len(grey) != 3 {
		t.Errorf("%d grey dots, want 3", len(grey))
	}
	txt := pdfText(t, b)
	for _, w := range []string{"2026-01", "2026-03", "Pemohon / Applicants", "Tidak terlayani / Turned away", "40"} {
		if !strings.Contains(txt, w) {
			t.Errorf("the chart lacks %q", w)
		}
	}
}
