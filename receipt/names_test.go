package receipt

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"
)

// issueWith is fixtureIssue for an applicant file with some answers
// changed.
func issueWith(t *testing.T, file string, ev intake.EventType, change map[string]any) intake.ReceiptIssue {
	t.Helper()
	var data map[string]any
	if err := json.Unmarshal(fixtures.Read(t, "applicants", file), &data); err != nil {
		t.Fatal(err)
	}
	for k, v := range change {
		data[k] = v
	}
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return fixtureIssueBytes(t, file, b, ev)
}

// TestForeignNamesPrint: a name in any Latin script prints exactly as
// typed (precomposed, whatever the keyboard sent) on both papers, the
// passport's machine-readable name beside it, and the QR code carries the
// ICAO transliteration, signed.
func TestForeignNamesPrint(t *testing.T) {
	cases := []struct {
		file, name, surname, printed, qr string
	}{
		{"adult-new.json", "Łukasz Wałęsa", "", "Łukasz Wałęsa", "WALESA<<LUKASZ"},
		{"adult-new.json", "Nguyễn Văn Đức", "Nguyễn", "Nguyễn Văn Đức", "NGUYEN<<VAN<DUC"},
		{"adult-new.json", "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c", "Nguye\u0302\u0303n", "Nguyễn Văn Đức", "NGUYEN<<VAN<DUC"},
		{"adult-new.json", "Şükrü Güneş", "", "Şükrü Güneş", "GUENES<<SUEKRUE"},
		{"adult-new.json", "Martin Van Der Muellen", "Van Der Muellen", "Martin Van Der Muellen", "VAN<DER<MUELLEN<<MARTIN"},
		{"stay-permit-itas.json", "Łukasz Wałęsa", "", "Łukasz Wałęsa", "WALESA<<LUKASZ"},
		{"stay-permit-itas.json", "Nguyễn Văn Đức", "Nguyễn", "Nguyễn Văn Đức", "NGUYEN<<VAN<DUC"},
		{"stay-permit-itas.json", "Şükrü Güneş", "", "Şükrü Güneş", "GUENES<<SUEKRUE"},
	}
	for _, c := range cases {
		change := map[string]any{"full_name": c.name}
		if c.surname != "" {
			change["surname"] = c.surname
		}
		d, err := ForApplication(issueWith(t, c.file, intake.EventEazyPaspor, change), nil, testKey())
		if err != nil {
			t.Fatal(err)
		}
		p, err := Verify(d.QR, keyFor)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p.Name != c.qr {
			t.Errorf("%s: QR name %q, want %q", c.name, p.Name, c.qr)
		}
		for _, f := range []Format{A4, Roll80} {
			txt := pdfText(t, writeTemp(t, "foreign-"+string(f)+".pdf", render(t, d, f, Options{Compress: true})))
			flat := strings.Join(strings.Fields(txt), " ")
			if !strings.Contains(flat, c.printed) {
				t.Errorf("%s %s: %q is not printed:\n%s", c.file, f, c.printed, txt)
			}
			if d.MRZName != "" && !strings.Contains(flat, d.MRZName) {
				t.Errorf("%s %s: MRZ name %q is not printed", c.file, f, d.MRZName)
			}
		}
	}
}

// TestForeignNameQRReads: the QR code of a receipt in the embedded font
// reads back off the page and verifies, as on any other receipt.
func TestForeignNameQRReads(t *testing.T) {
	pdftoppm, zbarimg := tool(t, "pdftoppm"), tool(t, "zbarimg")
	d, err := ForApplication(issueWith(t, "adult-new.json", intake.EventEazyPaspor,
		map[string]any{"full_name": "Nguyễn Văn Đức", "surname": "Nguyễn"}), nil, testKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{A4, Roll80} {
		pdf := writeTemp(t, "foreign-qr-"+string(f)+".pdf", render(t, d, f, Options{Compress: true}))
		png := strings.TrimSuffix(pdf, ".pdf")
		if out, err := exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", pdf, png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		out, err := exec.Command(zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png").Output()
		if err != nil {
			t.Fatalf("%s: zbarimg found no QR code: %v", f, err)
		}
		p, err := Verify(strings.TrimRight(string(out), "\n"), keyFor)
		if err != nil || p.Name != "NGUYEN<<VAN<DUC" {
			t.Errorf("%s: %+v, %v", f, p, err)
		}
	}
}

// wordsInOrder reports whether the words of name stand in text in their
// order, whole: a long name wraps on the roll, with its label's English
// read between its lines.
func wordsInOrder(text, name string) bool {
	words := strings.Fields(text)
	i := 0
	for _, w := range strings.Fields(name) {
		for i < len(words) && words[i] != w {
			i++
		}
		if i == len(words) {
			return false
		}
		i++
	}
	return true
}

// TestFixtureNamesPrint: the name of every fixture applicant a receipt is
// printed for reads back off the PDF word for word.
func TestFixtureNamesPrint(t *testing.T) {
	for _, file := range []string{"adult-new.json", "adult-female-renewal.json", "minor-new.json", "mononym.json",
		"long-name.json", "incomplete-missing-kk.json", "lost-passport.json", "stay-permit-itas.json"} {
		ev := intake.EventEazyPaspor
		if file == "lost-passport.json" {
			ev = intake.EventULP
		}
		d, err := ForApplication(fixtureIssue(t, file, ev), nil, testKey())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{A4, Roll80} {
			flat := strings.Join(strings.Fields(pdfText(t, writeTemp(t, "fx-"+file+"-"+string(f)+".pdf", render(t, d, f, Options{Compress: true})))), " ")
			if !wordsInOrder(flat, d.FullName) {
				t.Errorf("%s %s: %q is not printed", file, f, d.FullName)
			}
		}
	}
}

// BenchmarkRenderForeignA4 is BenchmarkRenderA4 for a name outside
// Windows-1252, printed in the embedded face (pdf/font.go: a simple
// TrueType font made once a process, the document adding its encoding).
func BenchmarkRenderForeignA4(b *testing.B) {
	d := fullData(b)
	d.FullName = "Nguyễn Văn Đức"
	benchmarkRenderData(b, d, A4)
}

// TestRenderConcurrent: receipts rendered from several goroutines at once,
// foreign names among them (the embedded faces and the QR masks are made
// once a process and shared), are byte for byte the receipts rendered one
// at a time, and each reads back its own name (run with -race).
func TestRenderConcurrent(t *testing.T) {
	var ds []Data
	for _, n := range []string{"", "Nguyễn Văn Đức", "Łukasz Wałęsa", "Şükrü Güneş", "Dương Thị Ánh"} {
		d := fullData(t)
		if n != "" {
			d.FullName = n
		}
		ds = append(ds, d)
	}
	type job struct {
		d Data
		f Format
	}
	var jobs []job
	for _, d := range ds {
		for _, f := range []Format{A4, Roll80} {
			jobs = append(jobs, job{d, f})
		}
	}
	alone := make([][]byte, len(jobs))
	for i, j := range jobs {
		alone[i] = render(t, j.d, j.f, Options{Compress: true})
	}
	at := make([][]byte, len(jobs))
	var wg sync.WaitGroup
	for round := range 3 {
		for i, j := range jobs {
			wg.Go(func() {
				var b bytes.Buffer
				if err := Render(&b, j.d, j.f); err != nil {
					t.Error(err)
					return
				}
				if round == 0 {
					at[i] = b.Bytes()
				} else if !bytes.Equal(b.Bytes(), alone[i]) {
					t.Errorf("%s %s: rendered at once, other bytes than alone", j.d.FullName, j.f)
				}
			})
		}
	}
	wg.Wait()
	for i, j := range jobs {
		if !bytes.Equal(at[i], alone[i]) {
			t.Errorf("%s %s: rendered at once, other bytes than alone", j.d.FullName, j.f)
		}
		if text := strings.Join(strings.Fields(pdfText(t, writeTemp(t, "c.pdf", at[i]))), " "); !strings.Contains(text, j.d.FullName) {
			t.Errorf("%s %s: the receipt does not say the name", j.d.FullName, j.f)
		}
	}
}
