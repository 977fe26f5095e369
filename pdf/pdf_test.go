package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/internal/fixtures"
	"github.com/jemput/jemput/lang"
)

// tool finds an external program, or skips (fails on CI) without it.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (poppler-utils, zbar-tools)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

var created = time.Date(2026, 11, 27, 2, 15, 0, 0, time.UTC)

func write(t *testing.T, d *Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfText is what pdftotext reads off a PDF, pages separated by form feeds.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool(t, "pdftotext"), "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// report is a document of every kind of row, as a day report might be.
func report(p Paper, lines int) *Document {
	d := New(p, Options{Title: "Laporan", Created: created})
	d.Head(Header{Office: "Kantor Imigrasi Batulicin", Title: lang.Text{ID: "LAPORAN HARIAN", EN: "Day report"},
		RefLabel: lang.Text{ID: "Tanggal", EN: "Date"}, Ref: "27-11-2026", Mark: "DRAF / DRAFT"})
	sum := NewSection(lang.Text{ID: "Ringkasan", EN: "Summary"})
	sum.Row(lang.Text{ID: "Acara", EN: "Event"}, "Eazy Paspor Kotabaru")
	sum.Row(lang.Text{ID: "Kosong", EN: "Empty"}, "")
	sum.RowText(lang.Text{ID: "Status", EN: "Status"}, lang.Text{ID: "Ditutup", EN: "Closed"})
	sum.RowCode(lang.Text{ID: "Kode", EN: "Code"}, "KTB01<<2026")
	sum.Paragraph(lang.Text{ID: "Semua permohonan tersimpan.", EN: "Every application is saved."})
	sum.Note(lang.Text{ID: "Dua permohonan belum lengkap.", EN: "Two applications are incomplete."})
	fee := NewSection(lang.Text{ID: "Biaya", EN: "Fees"})
	fee.Amount(lang.Text{ID: "Paspor", EN: "Passports"}, "Rp1.900.000")
	fee.Total(lang.Text{ID: "Jumlah", EN: "Total"}, "Rp1.900.000")
	docs := NewSection(lang.Text{ID: "Dokumen", EN: "Documents"})
	docs.Item(lang.Text{ID: "e-KTP", EN: "Identity card"})
	docs.StrongItem(lang.Text{ID: "Kartu Keluarga", EN: "Family card"})
	docs.Sentence(lang.Text{ID: "Bawa dokumen asli.", EN: "Bring the originals."})
	docs.Alert = true
	chart := NewSection(lang.Text{ID: "Per kecamatan", EN: "By district"})
	chart.Bars([]Bar{
		{Label: lang.Text{ID: "Pulau Laut Utara", EN: "Pulau Laut Utara"}, Value: 10},
		{Label: lang.Text{ID: "Kelumpang", EN: "Kelumpang"}, Value: 5, Text: "5 (33 %)"},
		{Label: lang.Text{ID: "Sampanahan", EN: "Sampanahan"}, Value: 0},
	})
	chart.Draw(10, func(c *Canvas) {
		c.Line(0, c.H, c.W, c.H, 0)
		c.Rect(0, 2, c.W/4, c.H-2, 150)
		c.Text(c.W-c.TextWidth("akhir"), 0, "akhir")
	})
	list := NewSection(lang.Text{ID: "Permohonan", EN: "Applications"})
	var rows [][]string
	for i := range lines {
		rows = append(rows, []string{fmt.Sprintf("KTB01-261127-%04d", i+1), "Nama Pemohon " + strconv.Itoa(i+1), "Rp950.000"})
	}
	list.Table([]Col{
		{Head: lang.Text{ID: "Nomor", EN: "Number"}, Width: 3},
		{Head: lang.Text{ID: "Nama", EN: "Name"}, Width: 4},
		{Head: lang.Text{ID: "Biaya", EN: "Fee"}, Width: 2, Right: true},
	}, rows)
	d.Section(sum)
	d.Columns(Columns{Left: []*Section{fee}, Right: []*Section{docs}, Balance: chart})
	d.Section(list)
	foot := NewSection(lang.Text{ID: "Petugas", EN: "Officer"})
	foot.Row(lang.Text{ID: "Nama", EN: "Name"}, "Siti Aminah")
	d.Footer(foot)
	d.QR("JPR1|KTB01|laporan", lang.Text{ID: "Pindai", EN: "Scan"})
	return d
}

func TestWriteDeterministic(t *testing.T) {
	for _, p := range []Paper{A4, Roll80} {
		a, b := write(t, report(p, 5)), write(t, report(p, 5))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writings of one document differ", p)
		}
		if !bytes.Contains(a, []byte("/CreationDate (D:20261127021500)")) {
			t.Errorf("%s: no fixed creation date", p)
		}
	}
}

func TestWriteText(t *testing.T) {
	for _, p := range []Paper{A4, Roll80} {
		t.Run(string(p), func(t *testing.T) {
			txt := pdfText(t, write(t, report(p, 5)))
			flat := strings.Join(strings.Fields(txt), " ")
			for _, w := range []string{"LAPORAN HARIAN", "Day report", "27-11-2026", "DRAF / DRAFT", "RINGKASAN",
				"Eazy Paspor Kotabaru", "KTB01<<2026", "Every application is saved.", "Two applications are incomplete.",
				"Rp1.900.000", "Kartu Keluarga", "Bring the originals.", "Pulau Laut Utara", "5 (33 %)", "akhir",
				"Nomor", "Nama Pemohon 5", "Rp950.00", "Siti Aminah", "Pindai"} {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q:\n%s", w, txt)
				}
			}
			if n := strings.Count(txt, "\f"); n != 1 {
				t.Errorf("%d pages, want 1", n)
			}
			// An empty value prints a dash, not nothing.
			if !regexp.MustCompile(`(Kosong|Empty)\s+-`).MatchString(txt) {
				t.Errorf("empty value not printed as -:\n%s", txt)
			}
		})
	}
}

// TestTableAcrossPages: a table longer than a page breaks between lines,
// repeats its headings, and every page says whose it is.
func TestTableAcrossPages(t *testing.T) {
	txt := pdfText(t, write(t, report(A4, 150)))
	pages := strings.Split(strings.TrimSuffix(txt, "\f"), "\f")
	if len(pages) < 3 {
		t.Fatalf("%d pages for 150 lines, want 3 or more", len(pages))
	}
	for i, pg := range pages[1:] {
		if !strings.Contains(pg, "27-11-2026 (lanjutan / continued)") {
			t.Errorf("page %d does not say whose it is", i+2)
		}
		if !regexp.MustCompile(`Nomor Number +Nama Name`).MatchString(pg) {
			t.Errorf("page %d lacks the table's headings:\n%s", i+2, pg)
		}
	}
	for i := range 150 {
		if n := strings.Count(txt, fmt.Sprintf("KTB01-261127-%04d ", i+1)); n != 1 {
			t.Errorf("line %d printed %d times", i+1, n)
		}
	}
	if !strings.Contains(pages[len(pages)-1], "Siti Aminah") {
		t.Error("the footer is not on the last page")
	}
}

// rects are the filled rectangles of an uncompressed PDF's pages in the
// fill grey g (0–1).
func rects(pdf []byte, g string) [][4]float64 {
	var out [][4]float64
	grey := ""
	re := regexp.MustCompile(`(?m)^([\d.]+) g$|^([\d.]+) ([\d.]+) ([\d.]+) ([\d.-]+) re f$`)
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		if m[1] != nil {
			grey = string(m[1])
			continue
		}
		if grey != g {
			continue
		}
		var r [4]float64
		for i := range r {
			r[i], _ = strconv.ParseFloat(string(m[i+2]), 64)
		}
		out = append(out, r)
	}
	return out
}

func TestBars(t *testing.T) {
	d := New(A4, Options{Created: created})
	s := NewSection(lang.Text{ID: "Grafik", EN: "Chart"})
	s.Bars([]Bar{{Label: lang.Text{ID: "A"}, Value: 10}, {Label: lang.Text{ID: "B"}, Value: 5}, {Label: lang.Text{ID: "C"}, Value: 0}})
	d.Section(s)
	// The bars are in the grey of the English text: 105/255.
	bars := rects(write(t, d), "0.412")
	if len(bars) != 2 {
		t.Fatalf("%d bars drawn, want 2 (none for 0): %v", len(bars), bars)
	}
	if w0, w1 := bars[0][2], bars[1][2]; w0 < 50 || w1 < w0/2-0.02 || w1 > w0/2+0.02 {
		t.Errorf("bar widths %.2f and %.2f, want the second half the first", w0, w1)
	}
	if bars[0][0] != bars[1][0] {
		t.Errorf("bars start at %.2f and %.2f", bars[0][0], bars[1][0])
	}
}

func TestDraw(t *testing.T) {
	d := New(Roll80, Options{Created: created})
	s := NewSection(lang.Text{ID: "Grafik", EN: "Chart"})
	s.Draw(20, func(c *Canvas) {
		if c.W != 72 || c.H != 20 {
			t.Errorf("canvas %.1f × %.1f, want 72 × 20", c.W, c.H)
		}
		c.Rect(10, 5, 20, 15, 128)
		c.Line(0, 20, 72, 20, 0)
	})
	d.Section(s)
	b := write(t, d)
	// gofpdf writes points: 20 mm is 56.69 pt.
	if r := rects(b, "0.502"); len(r) != 1 || fmt.Sprintf("%.2f", r[0][2]) != "56.69" {
		t.Errorf("rectangles %v, want one of width 56.69 pt", r)
	}
	if !bytes.Contains(b, []byte(" l S")) {
		t.Error("no line drawn")
	}
}

func TestWriteRefuses(t *testing.T) {
	long := New(A4, Options{})
	long.QR(strings.Repeat("x", 3000), lang.Text{})
	photo := New(A4, Options{})
	photo.Head(Header{Photo: fixtures.Read(t, "photo-not-a-jpeg.jpg")})
	for name, c := range map[string]struct {
		d    *Document
		want error
	}{
		"paper":    {New("letter", Options{}), ErrPaper},
		"long QR":  {long, ErrQR},
		"not JPEG": {photo, ErrImage},
	} {
		var b bytes.Buffer
		if err := c.d.Write(&b); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if b.Len() > 0 {
			t.Errorf("%s: wrote output anyway", name)
		}
	}
}

// TestWriteQR reads the QR code back off the rendered page, as a phone
// would.
func TestWriteQR(t *testing.T) {
	pdftoppm, zbarimg := tool(t, "pdftoppm"), tool(t, "zbarimg")
	const payload = "JPR1|KTB01|KTB01-261127-0042-7|630201******0003|PRATAMA<<MUHAMMAD<RIZKY|20261127T021500Z|950000|1|0|x"
	for _, p := range []Paper{A4, Roll80} {
		t.Run(string(p), func(t *testing.T) {
			d := report(p, 3)
			d.QR(payload, lang.Text{ID: "Pindai", EN: "Scan"})
			dir := t.TempDir()
			pdf := filepath.Join(dir, "qr.pdf")
			if err := os.WriteFile(pdf, write(t, d), 0o600); err != nil {
				t.Fatal(err)
			}
			png := filepath.Join(dir, "qr")
			if out, err := exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", pdf, png).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			out, err := exec.Command(zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png").Output()
			if err != nil {
				t.Fatalf("zbarimg found no QR code: %v", err)
			}
			if got := strings.TrimRight(string(out), "\n"); got != payload {
				t.Fatalf("QR holds %q, want %q", got, payload)
			}
		})
	}
}
