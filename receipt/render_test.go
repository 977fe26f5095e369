package receipt

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of Indonesia wherever the tests run

	"github.com/jemput/jemput/internal/fixtures"
	"github.com/jemput/jemput/lang"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	outDir = flag.String("out", "", "also write the rendered test receipts to this folder, to look at")
)

const fullNIK = "6302011403850003"

var wita = time.FixedZone("WITA", 8*3600)

// passportTitle is the title the passport form gives its receipts.
var passportTitle = lang.Text{ID: "TANDA TERIMA PERMOHONAN PASPOR", EN: "Passport application receipt"}

func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

func keyFor(kit string) (ed25519.PublicKey, bool) {
	if kit != "KTB01" {
		return nil, false
	}
	return testKey().Public().(ed25519.PublicKey), true
}

func photo(t testing.TB) []byte {
	t.Helper()
	return fixtures.Read(t, "photo-413x531.jpg")
}

func signed(t testing.TB, d Data) string {
	t.Helper()
	s, err := Sign(Payload{
		Kit: d.KitCode, Number: d.Number, NIKMasked: d.NIKMasked, Name: d.MRZName,
		Issued: d.Issued, Fee: d.Fee, Version: 1, Copy: d.Copy,
	}, testKey())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fullData is a complete application with a photo, every list filled, and
// an address that looks like markup.
func fullData(t testing.TB) Data {
	d := Data{
		Number:       "KTB01-261127-0042-7",
		Office:       "Kantor Imigrasi Kelas II TPI Batulicin",
		KitCode:      "KTB01",
		Title:        passportTitle,
		Service:      lang.Text{ID: "Paspor biasa", EN: "Ordinary passport"},
		FullName:     "Muhammad Rizky Pratama",
		PassportName: "MUHAMMAD RIZKY PRATAMA",
		MRZName:      "PRATAMA<<MUHAMMAD<RIZKY",
		NIKMasked:    "630201******0003",
		Status:       lang.Text{ID: "Lengkap", EN: "Captured"},
		Details: []Line{
			{lang.Text{ID: "Jenis permohonan", EN: "Application type"}, "Baru / New"},
			{lang.Text{ID: "Jenis paspor", EN: "Passport kind"}, "Elektronik, 48 halaman / Electronic, 48 pages"},
			{lang.Text{ID: "Masa berlaku", EN: "Validity"}, "10 tahun / 10 years"},
			{lang.Text{ID: "Tempat, tanggal lahir", EN: "Place and date of birth"}, "Kotabaru, 14-03-1985"},
			{lang.Text{ID: "Alamat", EN: "Address"}, "<script>alert(1)</script> Jl. Raya Stagen No. 12, RT 03/RW 01, Desa Stagen, Pulau Laut Utara, Kotabaru"},
		},
		Fee: 950000,
		FeeLines: []FeeLine{
			{lang.Text{ID: "Paspor elektronik 10 tahun", EN: "Electronic passport, 10 years"}, 950000},
		},
		Received: []lang.Text{
			{ID: "e-KTP", EN: "Electronic identity card"},
			{ID: "Kartu Keluarga", EN: "Family card"},
			{ID: "Akta kelahiran", EN: "Birth certificate"},
		},
		NextSteps: []lang.Text{
			{ID: "Bayar biaya paspor melalui bank atau kantor pos dalam 2 hari setelah menerima kode billing.", EN: "Pay the passport fee at a bank or post office within 2 days of receiving the billing code."},
			{ID: "Paspor dapat diambil pada kunjungan berikutnya di Kotabaru, sekitar 4 hari kerja setelah pembayaran.", EN: "Collect the passport at the next visit in Kotabaru, about 4 working days after payment."},
		},
		OfficerName: "Siti Aminah",
		OfficerNIP:  "198703142010122001",
		EventName:   "Eazy Paspor Kotabaru",
		EventType:   "eazy-paspor",
		Place:       "Aula Kantor Bupati Kotabaru, Jl. Pangeran Hidayatullah",
		Issued:      time.Date(2026, 11, 27, 10, 15, 0, 0, wita),
		Photo:       photo(t),
	}
	d.QR = signed(t, d)
	return d
}

// incompleteData is a reprint of an application still missing documents,
// with a long name cut in the MRZ, a diacritic, and no photo.
func incompleteData(t testing.TB) Data {
	d := Data{
		Number:        "KTB01-261127-0043-5",
		Copy:          2,
		Office:        "Kantor Imigrasi Kelas II TPI Batulicin",
		KitCode:       "KTB01",
		Title:         passportTitle,
		Service:       lang.Text{ID: "Paspor biasa", EN: "Ordinary passport"},
		FullName:      "Nurul Hidayah Siti Kartikasari Wulandari Putri Ramadhani Désirée",
		PassportName:  "NURUL HIDAYAH SITI KARTIKASARI WULANDARI PUTRI RAMADHANI DESIREE",
		MRZName:       "NURUL<HIDAYAH<SITI<KARTIKASARI<WULANDAR",
		NameTruncated: true,
		NIKMasked:     "630202******0011",
		Status:        lang.Text{ID: "Belum lengkap", EN: "Incomplete"},
		Details: []Line{
			{lang.Text{ID: "Jenis permohonan", EN: "Application type"}, "Baru / New"},
			{lang.Text{ID: "Jenis paspor", EN: "Passport kind"}, "Non-elektronik / Non-electronic"},
			{lang.Text{ID: "Masa berlaku", EN: "Validity"}, "10 tahun / 10 years"},
		},
		Fee: 650000,
		Received: []lang.Text{
			{ID: "e-KTP", EN: "Electronic identity card"},
			{ID: "Akta kelahiran", EN: "Birth certificate"},
		},
		Missing: []lang.Text{
			{ID: "Kartu Keluarga", EN: "Family card"},
		},
		NextSteps: []lang.Text{
			{ID: "Bawa Kartu Keluarga asli ke kunjungan berikutnya.", EN: "Bring the original family card to the next visit."},
		},
		Warnings: []lang.Text{
			{ID: "Permohonan belum dapat disetujui sebelum dokumen lengkap.", EN: "The application cannot be approved until the documents are complete."},
		},
		OfficerName: "Siti Aminah",
		OfficerNIP:  "198703142010122001",
		EventName:   "Eazy Paspor Kotabaru",
		EventType:   "eazy-paspor",
		Place:       "Kotabaru",
		Issued:      time.Date(2026, 11, 27, 11, 2, 0, 0, wita),
	}
	d.QR = signed(t, d)
	return d
}

// busyData is a full application as the kit issues it on a busy day: a
// long name cut in the MRZ, a photo, three documents received and one
// missing, five next steps, a note, and the time in Asia/Makassar.
func busyData(t testing.TB) Data {
	d := fullData(t)
	makassar, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	d.Number = "KTB01-261127-0044-9"
	d.FullName = "Nurul Hidayah Siti Kartikasari Wulandari Putri Ramadhani"
	d.PassportName = "RAMADHANI, NURUL HIDAYAH SITI KARTIKASARI WULANDARI PUTRI"
	d.MRZName = "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA"
	d.NameTruncated = true
	d.NIKMasked = "630202******0011"
	d.Status = lang.Text{ID: "Diterima, dokumen belum lengkap", EN: "Received, documents incomplete"}
	d.Received = []lang.Text{
		{ID: "e-KTP", EN: "Electronic ID card (e-KTP)"},
		{ID: "Akta kelahiran", EN: "Birth certificate"},
		{ID: "Paspor lama", EN: "Old passport"},
	}
	d.Missing = []lang.Text{{ID: "Kartu Keluarga", EN: "Family card (Kartu Keluarga)"}}
	d.NextSteps = []lang.Text{
		{ID: "Lengkapi dokumen yang kurang di meja petugas hari ini, atau di Kantor Imigrasi Kelas II TPI Batulicin, sebelum permohonan dapat disetujui.",
			EN: "Bring the missing documents to the desk today, or to Kantor Imigrasi Kelas II TPI Batulicin, before the application can be approved."},
		{ID: "Paspor hilang: wawancara diperlukan; bawa surat keterangan hilang dari kepolisian.",
			EN: "Lost passport: an interview is required; bring the police loss report."},
		{ID: "Bayar Rp950.000 setelah menerima kode billing (SMS/WhatsApp), di bank, kantor pos, atau aplikasi pembayaran.",
			EN: "Pay Rp950.000 once you receive the billing code (SMS/WhatsApp), at a bank, post office or payment app."},
		{ID: "Paspor siap sekitar 4 hari kerja setelah pembayaran; diambil pada kunjungan berikutnya di Aula Kantor Bupati Kotabaru, Jl. Pangeran Hidayatullah atau di Kantor Imigrasi Kelas II TPI Batulicin.",
			EN: "The passport is ready about 4 working days after payment; collect it at the next visit to Aula Kantor Bupati Kotabaru, Jl. Pangeran Hidayatullah or at Kantor Imigrasi Kelas II TPI Batulicin."},
		{ID: "Bawa tanda terima ini dan e-KTP saat mengambil paspor.", EN: "Bring this receipt and your e-KTP when you collect the passport."},
	}
	d.Warnings = []lang.Text{{ID: "Nama tunggal: dicatat sebagai nama utama; kantor dapat menambahkan endorsement.",
		EN: "Single name: recorded as the primary identifier; the office may add an endorsement."}}
	d.Issued = time.Date(2026, 11, 27, 9, 56, 0, 0, makassar)
	d.QR = signed(t, d)
	return d
}

func render(t testing.TB, d Data, f Format, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := RenderWith(&b, d, f, o); err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return b.Bytes()
}

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

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRenderText(t *testing.T) {
	cases := []struct {
		name string
		data func(testing.TB) Data
		want []string
		not  []string
	}{
		{"full", fullData,
			[]string{"KTB01-261127-0042-7", "630201******0003", "<script>alert(1)</script>", "PRATAMA<<MUHAMMAD<RIZKY",
				"Rp950.000", "TANDA TERIMA PERMOHONAN PASPOR", "Passport application receipt", "Pindai untuk memeriksa keaslian",
				"Akta kelahiran", "198703142010122001", "27-11-2026 10:15 WITA"},
			[]string{fullNIK, "SALINAN"}},
		{"incomplete", incompleteData,
			[]string{"KTB01-261127-0043-5", "630202******0011", "SALINAN / COPY 2", "Kartu Keluarga", "Family card",
				"DOKUMEN BELUM LENGKAP", "Documents still missing", "Désirée", "39", "Rp650.000"},
			[]string{"6302025512950011"}},
	}
	for _, c := range cases {
		for _, f := range []Format{A4, Roll80} {
			t.Run(c.name+"-"+string(f), func(t *testing.T) {
				b := render(t, c.data(t), f, Options{Compress: true})
				txt := pdfText(t, writeTemp(t, c.name+"-"+string(f)+".pdf", b))
				flat := strings.Join(strings.Fields(txt), " ")
				for _, w := range c.want {
					if !strings.Contains(txt, w) && !strings.Contains(flat, w) {
						t.Errorf("text lacks %q:\n%s", w, txt)
					}
				}
				for _, n := range c.not {
					if strings.Contains(txt, n) || strings.Contains(strings.ReplaceAll(flat, " ", ""), n) {
						t.Errorf("text holds %q", n)
					}
				}
				if strings.Count(txt, "\f") != 1 {
					t.Errorf("%d pages, want 1", strings.Count(txt, "\f"))
				}
			})
		}
	}
}

// TestRenderQR reads the QR code back off the rendered page, as a phone
// would, and verifies it.
func TestRenderQR(t *testing.T) {
	pdftoppm, zbarimg := tool(t, "pdftoppm"), tool(t, "zbarimg")
	for _, f := range []Format{A4, Roll80} {
		t.Run(string(f), func(t *testing.T) {
			d := fullData(t)
			pdf := writeTemp(t, "qr-"+string(f)+".pdf", render(t, d, f, Options{Compress: true}))
			png := strings.TrimSuffix(pdf, ".pdf")
			if out, err := exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", pdf, png).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			out, err := exec.Command(zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png").Output()
			if err != nil {
				t.Fatalf("zbarimg found no QR code: %v", err)
			}
			got := strings.TrimRight(string(out), "\n")
			if got != d.QR {
				t.Fatalf("QR holds %q, want %q", got, d.QR)
			}
			p, err := Verify(got, keyFor)
			if err != nil {
				t.Fatal(err)
			}
			if p.Number != d.Number || p.NIKMasked != d.NIKMasked {
				t.Errorf("payload %+v", p)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	for _, f := range []Format{A4, Roll80} {
		d := fullData(t)
		a := render(t, d, f, Options{})
		b := render(t, d, f, Options{})
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same data differ", f)
		}
	}
}

func TestGoldenA4(t *testing.T) {
	got := render(t, fullData(t), A4, Options{})
	const golden = "testdata/receipt-a4.golden.pdf"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenA4 -update)", err)
	}
	if !bytes.Equal(got, want) {
		p := writeTemp(t, "receipt-a4.pdf", got)
		t.Errorf("A4 receipt differs from %s; rendering in %s; if the change is meant, rerun with -update", golden, p)
	}
}

// TestGolden80mm: the roll receipt as Render writes it, compressed, byte
// for byte (its golden file was written before the rendering was made
// faster, and must stay as it is; a Go release whose compress/flate
// writes other bytes would show here too).
func TestGolden80mm(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, fullData(t), Roll80); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/receipt-80mm.golden.pdf"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden80mm -update)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		p := writeTemp(t, "receipt-80mm.pdf", b.Bytes())
		t.Errorf("80 mm receipt differs from %s; rendering in %s; if the change is meant, rerun with -update", golden, p)
	}
}

func TestRenderRefuses(t *testing.T) {
	for name, mod := range map[string]func(*Data){
		"full NIK":           func(d *Data) { d.NIKMasked = fullNIK },
		"full NIK spaced":    func(d *Data) { d.NIKMasked = "6302 0114 0385 0003" },
		"no number":          func(d *Data) { d.Number = "" },
		"fee lines mismatch": func(d *Data) { d.Fee = 1 },
		"photo not JPEG":     func(d *Data) { d.Photo = []byte("not a jpeg") },
		"no time":            func(d *Data) { d.Issued = time.Time{} },
		"negative copy":      func(d *Data) { d.Copy = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			d := fullData(t)
			mod(&d)
			var b bytes.Buffer
			err := Render(&b, d, A4)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an invalid-data error", err)
			}
			if b.Len() != 0 {
				t.Error("wrote output anyway")
			}
		})
	}
	var b bytes.Buffer
	if err := Render(&b, fullData(t), "letter"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
}

// TestRenderOverflow: far more content than a page holds flows onto more
// pages instead of running off the paper.
func TestRenderOverflow(t *testing.T) {
	d := fullData(t)
	for range 40 {
		d.Missing = append(d.Missing, lang.Text{ID: "Surat keterangan yang sangat panjang sekali", EN: "A very long certificate"})
	}
	if n := pages(render(t, d, A4, Options{})); n != 3 {
		t.Errorf("a4: %d pages, want 3", n)
	}
	for _, f := range []Format{A4, Roll80} {
		b := render(t, d, f, Options{Compress: true})
		if _, err := exec.LookPath("pdftotext"); err == nil {
			txt := pdfText(t, writeTemp(t, "overflow-"+string(f)+".pdf", b))
			if n := strings.Count(txt, "A very long certificate"); n != 40 {
				t.Errorf("%s: %d of 40 missing documents printed", f, n)
			}
			if !strings.Contains(txt, "Scan to verify") {
				t.Errorf("%s: QR caption lost", f)
			}
		}
	}
}

// pages counts the pages of an uncompressed PDF.
func pages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page "))
}

// TestRenderOnePage: a receipt with everything a real one shows fits one A4
// page, original and copy.
func TestRenderOnePage(t *testing.T) {
	for _, copy := range []int{0, 3} {
		d := busyData(t)
		d.Copy = copy
		d.QR = signed(t, d)
		b := render(t, d, A4, Options{})
		if n := pages(b); n != 1 {
			writeTemp(t, "busy-a4.pdf", b)
			t.Errorf("copy %d: %d pages, want 1", copy, n)
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			continue
		}
		txt := pdfText(t, writeTemp(t, "busy-a4-"+strconv.Itoa(copy)+".pdf", b))
		flat := strings.Join(strings.Fields(txt), " ")
		for _, w := range []string{"27-11-2026 09:56 WITA", "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA", "39 karakter",
			"Kartu Keluarga", "Paspor lama", "Old passport", "Single name", "Bring this receipt", "Scan to verify", "Rp950.000"} {
			if !strings.Contains(flat, w) {
				t.Errorf("copy %d: text lacks %q", copy, w)
			}
		}
		if got := strings.Contains(flat, "SALINAN / COPY 3"); got != (copy == 3) {
			t.Errorf("copy %d: copy mark printed %v", copy, got)
		}
	}
}

func TestIssued(t *testing.T) {
	at := time.Date(2026, 11, 27, 1, 56, 0, 0, time.UTC)
	for zone, want := range map[string]string{
		"Asia/Makassar": "27-11-2026 09:56 WITA",
		"Asia/Jakarta":  "27-11-2026 08:56 WIB",
		"Asia/Jayapura": "27-11-2026 10:56 WIT",
		"UTC":           "27-11-2026 01:56 UTC",
	} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := issued(at.In(loc)); got != want {
			t.Errorf("%s: %q, want %q", zone, got, want)
		}
	}
	if got := issued(at.In(wita)); got != "27-11-2026 09:56 WITA" {
		t.Errorf("fixed zone: %q", got)
	}
}

func TestRupiah(t *testing.T) {
	for n, want := range map[int64]string{0: "Rp0", 950000: "Rp950.000", 1000: "Rp1.000", 999: "Rp999",
		1650000: "Rp1.650.000", -500000: "-Rp500.000"} {
		if got := rupiah(n); got != want {
			t.Errorf("rupiah(%d) = %q, want %q", n, got, want)
		}
	}
}

func BenchmarkRenderA4(b *testing.B) {
	benchmarkRender(b, A4)
}

func BenchmarkRender80mm(b *testing.B) {
	benchmarkRender(b, Roll80)
}

func benchmarkRender(b *testing.B, f Format) {
	benchmarkRenderData(b, fullData(b), f)
}

func benchmarkRenderData(b *testing.B, d Data, f Format) {
	var buf bytes.Buffer
	// Each render is timed on its own, so that scripts/bench can print
	// the median and the 99th percentile (PRODUCT.md's target is the
	// median; p99 is what an officer waits for on a bad day).
	var took []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		start := time.Now()
		if err := Render(&buf, d, f); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
