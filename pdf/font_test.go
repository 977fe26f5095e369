package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"flag"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// cmapRunes reads the characters a TrueType font has glyphs for, from the
// Unicode subtables (format 4 and 12) of its cmap.
func cmapRunes(ttf []byte) (has map[rune]bool, err error) {
	defer func() {
		if recover() != nil {
			has, err = nil, errors.New("pdf: malformed cmap table")
		}
	}()
	be := binary.BigEndian
	u16 := func(o int) int { return int(be.Uint16(ttf[o:])) }
	u32 := func(o int) int { return int(be.Uint32(ttf[o:])) }
	cmap := -1
	for i := range u16(4) {
		rec := 12 + 16*i
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, errors.New("pdf: no cmap table")
	}
	has = map[rune]bool{}
	for i := range u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := u16(rec), u16(rec+2), cmap+u32(rec+4)
		if !(platform == 3 && (encoding == 1 || encoding == 10)) && platform != 0 {
			continue
		}
		switch u16(sub) {
		case 4:
			segs := u16(sub+6) / 2
			ends, starts, deltas, offs := sub+14, sub+16+2*segs, sub+16+4*segs, sub+16+6*segs
			for s := range segs {
				end, start := u16(ends+2*s), u16(starts+2*s)
				delta, ro := u16(deltas+2*s), u16(offs+2*s)
				for c := start; c <= end && c != 0xFFFF; c++ {
					g := (c + delta) & 0xFFFF
					if ro != 0 {
						g = u16(offs + 2*s + ro + 2*(c-start))
						if g != 0 {
							g = (g + delta) & 0xFFFF
						}
					}
					if g != 0 {
						has[rune(c)] = true
					}
				}
			}
		case 12:
			for g := range u32(sub + 12) {
				grp := sub + 16 + 12*g
				for c := u32(grp); c <= u32(grp+4); c++ {
					has[rune(c)] = true
				}
			}
		}
	}
	if len(has) == 0 {
		return nil, errors.New("pdf: no Unicode cmap subtable")
	}
	return has, nil
}

var update = flag.Bool("update", false, "rewrite the font files made from the .ttf files")

// gofpdfMetrics is what gofpdf reads of a TrueType font as a UTF-8 font:
// its descriptor, and the width of every character of the font's cmap
// that has a width.
func gofpdfMetrics(t *testing.T, ttf []byte, style string) (gofpdf.FontDescType, map[rune]int) {
	t.Helper()
	has, err := cmapRunes(ttf)
	if err != nil {
		t.Fatal(err)
	}
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("f", style, ttf)
	p.SetFont("f", style, 10)
	cw := make(map[rune]int, len(has))
	for c := range has {
		// gofpdf's width of one character is its CharWidths entry, but
		// for a character of no width (entry 65535), which prints as 0
		// and wraps as 65535: such a character is left out, and a
		// document with one is written as a CID font.
		if w := p.GetStringSymbolWidth(string(c)); c <= 0xFFFF && w > 0 {
			cw[c] = w
		}
	}
	if err := p.Error(); err != nil {
		t.Fatal(err)
	}
	return p.GetFontDesc("f", style), cw
}

// TestFaceFiles: the compressed font and the metrics embedded for each
// face are those of its .ttf file, as gofpdf reads it (-update writes
// them).
func TestFaceFiles(t *testing.T) {
	for _, f := range []struct{ name, style string }{{"DejaVuSans-Latin", ""}, {"DejaVuSans-Bold-Latin", "B"}} {
		ttf, err := os.ReadFile(filepath.Join("fonts", f.name+".ttf"))
		if err != nil {
			t.Fatal(err)
		}
		desc, cw := gofpdfMetrics(t, ttf, f.style)
		metrics := metricsOf(len(ttf), desc, cw)
		if *update {
			var z bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
			zw.Write(ttf)
			zw.Close()
			for ext, b := range map[string][]byte{".z": z.Bytes(), ".metrics": metrics} {
				if err := os.WriteFile(filepath.Join("fonts", f.name+ext), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("wrote fonts/%s.z and .metrics: run the tests again", f.name)
			continue
		}
		fd := faceFor(f.style)
		if fd.err != nil {
			t.Fatal(fd.err)
		}
		if !bytes.Equal(fd.font(), ttf) {
			t.Errorf("fonts/%s.z is not fonts/%s.ttf compressed (go test ./pdf -run TestFaceFiles -update)", f.name, f.name)
		}
		if !bytes.Equal(fd.metrics, metrics) || fd.size != len(ttf) || fd.desc != desc || !maps.Equal(fd.cw, cw) {
			t.Errorf("fonts/%s.metrics are not gofpdf's metrics of the font (go test ./pdf -run TestFaceFiles -update)", f.name)
		}
		if len(cw) < 800 || desc.Ascent <= 0 || desc.MissingWidth <= 0 {
			t.Errorf("%s: %d widths, ascent %d, missing width %d: not a font read whole", f.name, len(cw), desc.Ascent, desc.MissingWidth)
		}
	}
}

// TestFontCoversNames: every letter a name may hold (forms.NameLetter),
// and every character of Windows-1252, has a glyph in both embedded faces,
// so no name the forms accept prints as a gap.
func TestFontCoversNames(t *testing.T) {
	for name, ttf := range map[string][]byte{"regular": faceFor("").font(), "bold": faceFor("B").font()} {
		has, err := cmapRunes(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		letters := 0
		for r := rune(0); r <= 0x2FFFF; r++ {
			if forms.NameLetter(r) {
				letters++
				if !has[r] {
					missing = append(missing, string(r))
				}
			}
		}
		for _, r := range winAnsiExtra + "•" {
			if !has[r] {
				missing = append(missing, string(r))
			}
		}
		for r := rune(0x20); r < 0x7F; r++ {
			if !has[r] {
				missing = append(missing, string(r))
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s face lacks %d characters: %s", name, len(missing), strings.Join(missing, " "))
		}
		if letters < 500 {
			t.Errorf("only %d name letters: forms.NameLetter lost the Latin blocks?", letters)
		}
	}
}

func TestWinAnsi(t *testing.T) {
	for s, want := range map[string]bool{
		"Muhammad Rizky Pratama": true, "José Müller-Lüdenscheidt": true, "Œuvre – “€” • Šárka Žák": true,
		"Łukasz": false, "Nguyễn": false, "Şükrü": false, "Đức": false, "": true,
	} {
		if got := winAnsi(s); got != want {
			t.Errorf("winAnsi(%q) = %v", s, got)
		}
	}
}

// longForeign wraps on both papers: lines are split between letters of
// several bytes, never inside one.
const longForeign = "Đường Nguyễn Thị Minh Khai, Phường Đa Kao, Quận Một, Thành phố Hồ Chí Minh, Việt Nam, gần chợ Tân Định"

// foreign is a document with names outside Windows-1252, one of them
// typed with combining accents.
func foreign(p Paper) *Document {
	d := New(p, Options{Title: "Tanda terima Łukasz", Created: created})
	d.Head(Header{Office: "Kantor Imigrasi Batulicin", Title: lang.Text{ID: "TANDA TERIMA", EN: "Receipt"},
		RefLabel: lang.Text{ID: "Nomor", EN: "Number"}, Ref: "KTB01-261127-0001-5", Mark: "SALINAN / COPY 1"})
	s := NewSection(lang.Text{ID: "Pemohon", EN: "Applicant"})
	s.Row(lang.Text{ID: "Nama", EN: "Name"}, "Łukasz Wałęsa")
	s.Row(lang.Text{ID: "Nama", EN: "Name"}, "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c")
	s.Row(lang.Text{ID: "Nama", EN: "Name"}, "Şükrü Güneş")
	s.Row(lang.Text{ID: "Nama", EN: "Name"}, "José Müller")
	s.Row(lang.Text{ID: "Alamat", EN: "Address"}, longForeign)
	s.RowCode(lang.Text{ID: "MRZ", EN: "MRZ"}, "WALESA<<LUKASZ")
	s.RowCode(lang.Text{ID: "Kode", EN: "Code"}, "Ŧ-001")
	s.StrongItem(lang.Text{ID: "Dokumen kurang", EN: "Missing document"})
	d.Section(s)
	d.QR("JPR1|KTB01|x", lang.Text{ID: "Pindai", EN: "Scan"})
	return d
}

// TestWriteUnicode: a document with letters outside Windows-1252 embeds
// the font and prints every one of them exactly, precomposed; a document
// without such letters embeds nothing.
func TestWriteUnicode(t *testing.T) {
	for _, p := range []Paper{A4, Roll80} {
		t.Run(string(p), func(t *testing.T) {
			b := write(t, foreign(p))
			if !bytes.Contains(b, []byte("/FontFile2")) {
				t.Error("no embedded font")
			}
			if !bytes.Equal(b, write(t, foreign(p))) {
				t.Error("two writings of one document differ")
			}
			flat := strings.Join(strings.Fields(pdfText(t, b)), " ")
			for _, w := range []string{"Łukasz Wałęsa", "Nguyễn Văn Đức", "Şükrü Güneş", "José Müller",
				"WALESA<<LUKASZ", "Ŧ-001", "KTB01-261127-0001-5", "SALINAN / COPY 1", "Dokumen kurang", "Missing document"} {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q:\n%s", w, flat)
				}
			}
			for _, w := range strings.Fields(longForeign) {
				if !strings.Contains(flat, w) {
					t.Errorf("wrapped text lacks %q", w)
				}
			}
			for _, r := range flat {
				if r == utf8.RuneError {
					t.Error("a letter was cut in two")
				}
				if unicode.Is(unicode.Mn, r) {
					t.Errorf("a combining mark %U is printed apart from its letter", r)
				}
			}
			if plain := write(t, report(p, 3)); bytes.Contains(plain, []byte("/FontFile2")) {
				t.Error("a Windows-1252 document embeds a font")
			}
		})
	}
}

func BenchmarkWriteUnicode(b *testing.B) {
	d := foreign(A4)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := d.Write(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// writeCID writes d the old way, the embedded faces as gofpdf's CID fonts.
func writeCID(t *testing.T, d *Document) []byte {
	t.Helper()
	r := d.render(themes[d.paper], 0, 0, false)
	defer r.release()
	var b bytes.Buffer
	if err := r.pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pixels renders every page of a PDF in grey at 100 dpi.
func pixels(t *testing.T, pdf []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool(t, "pdftoppm"), "-r", "100", "-gray", p, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.pgm"))
	var all []byte
	for _, pg := range pages {
		b, err := os.ReadFile(pg)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(pages) == 0 {
		t.Fatal("pdftoppm drew no page")
	}
	return all
}

// boldForeign has bold text and codes outside Windows-1252 too, wrapped
// in a column and in a heading in capitals.
func boldForeign(p Paper) *Document {
	d := foreign(p)
	a := NewSection(lang.Text{ID: "Pemeriksaan łączna", EN: "Łączna review"})
	a.Alert = true
	a.Note(lang.Text{ID: "Nama " + longForeign, EN: "Name Đặng"})
	a.StrongItem(lang.Text{ID: "Ảnh chưa có", EN: "No photo"})
	a.Amount(lang.Text{ID: "Biaya Ŵ", EN: "Fee"}, "Rp 350.000")
	b := NewSection(lang.Text{ID: "Dokumen", EN: "Documents"})
	b.Item(lang.Text{ID: "Kartu Keluarga – Ơn", EN: "Family card"})
	d.Columns(Columns{Left: []*Section{a}, Right: []*Section{b}})
	return d
}

// TestSimpleFaceAsCID: a document whose letters fit one encoding embeds
// the faces as simple TrueType fonts (made once a process) and reads and
// looks, pixel for pixel, as it did with gofpdf's CID fonts.
func TestSimpleFaceAsCID(t *testing.T) {
	for _, p := range []Paper{A4, Roll80} {
		for name, mk := range map[string]func(Paper) *Document{"foreign": foreign, "bold": boldForeign} {
			t.Run(string(p)+"/"+name, func(t *testing.T) {
				simple, cid := write(t, mk(p)), writeCID(t, mk(p))
				if !bytes.Contains(simple, []byte("/Subtype /TrueType")) || bytes.Contains(simple, []byte("CIDFontType2")) {
					t.Error("not written with simple TrueType faces")
				}
				if !bytes.Contains(cid, []byte("CIDFontType2")) {
					t.Error("the old way wrote no CID font")
				}
				if got, want := pdfText(t, simple), pdfText(t, cid); got != want {
					t.Errorf("text differs:\n%s\nwant:\n%s", got, want)
				}
				if !bytes.Equal(pixels(t, simple), pixels(t, cid)) {
					t.Error("pages look different")
				}
			})
		}
	}
}

// TestSimpleFaceWidths: every character of both faces measures in the
// simple face what gofpdf measures in its CID face.
func TestSimpleFaceWidths(t *testing.T) {
	for _, style := range []string{"", "B"} {
		fd := faceFor(style)
		if fd.err != nil {
			t.Fatal(fd.err)
		}
		var all []rune
		for c := range fd.cw {
			if c >= 0x80 {
				all = append(all, c)
			}
		}
		slices.Sort(all)
		cid := New(A4, Options{}).newPage(t)
		cid.AddUTF8FontFromBytes("x", style, fd.font())
		cid.SetFont("x", style, 9)
		for len(all) > 0 {
			n := min(len(all), 128)
			chunk := all[:n]
			all = all[n:]
			cs := newCodes(map[string]bool{string(chunk): true})
			if cs == nil {
				t.Fatalf("no encoding for %d characters", n)
			}
			r := newRenderer(themeA4, false)
			r.codes = cs
			r.pdf.AddFontFromBytes("y", style, cs.def(fd), fd.z)
			r.pdf.SetFont("y", style, 9)
			for _, c := range chunk {
				got, want := r.pdf.GetStringWidth(r.encode(string(c))), cid.GetStringWidth(string(c))
				if got != want {
					t.Errorf("face %q: %U is %.4f mm wide, gofpdf's CID face %.4f", style, c, got, want)
				}
			}
			r.release()
		}
	}
}

// newPage is a bare gofpdf document with a page, for measuring.
func (d *Document) newPage(t *testing.T) *gofpdf.Fpdf {
	t.Helper()
	r := newRenderer(themes[d.paper], false)
	t.Cleanup(r.release)
	r.pdf.AddPage()
	return r.pdf
}

// TestSimpleFaceFallsBack: a document whose letters do not fit one
// encoding, or whose drawing prints a letter the first look did not see,
// is written the old way, and says every letter.
func TestSimpleFaceFallsBack(t *testing.T) {
	many := New(A4, Options{Created: created})
	s := NewSection(lang.Text{ID: "Nama", EN: "Names"})
	var words []string
	for c := rune(0x1E00); c < 0x1E00+150; c += 5 {
		w := string([]rune{c, c + 1, c + 2, c + 3, c + 4})
		words = append(words, w)
		s.Row(lang.Text{ID: "Nama", EN: "Name"}, w)
	}
	many.Section(s)

	drawn := New(Roll80, Options{Created: created})
	ds := NewSection(lang.Text{ID: "Grafik", EN: "Chart"})
	ds.Row(lang.Text{ID: "Nama", EN: "Name"}, "Łukasz")
	ds.Draw(10, func(c *Canvas) { c.Text(0, 0, "Đức") })
	drawn.Section(ds)

	for name, c := range map[string]struct {
		d     *Document
		words []string
	}{"150 letters": {many, words}, "drawing": {drawn, []string{"Łukasz", "Đức"}}} {
		t.Run(name, func(t *testing.T) {
			b := write(t, c.d)
			if !bytes.Contains(b, []byte("CIDFontType2")) {
				t.Error("not written with CID fonts")
			}
			flat := strings.Join(strings.Fields(pdfText(t, b)), " ")
			for _, w := range c.words {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q", w)
				}
			}
		})
	}
}

// TestSimpleFaceConcurrent: documents written at once from the faces made
// once are each whole, with their own letters (run with -race).
func TestSimpleFaceConcurrent(t *testing.T) {
	names := []string{"Łukasz Wałęsa", "Nguyễn Văn Đức", "Şükrü Güneş", "Dương Thị Ánh", "Ōtomo Kōji", "Ștefan Țurcanu"}
	out := make([][]byte, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			d := New(A4, Options{Created: created})
			s := NewSection(lang.Text{ID: "Pemohon", EN: "Applicant"})
			s.Row(lang.Text{ID: "Nama", EN: "Name"}, n)
			s.StrongItem(lang.Text{ID: n, EN: "bold"})
			d.Section(s)
			var b bytes.Buffer
			if err := d.Write(&b); err != nil {
				t.Error(err)
			}
			out[i] = b.Bytes()
		})
	}
	wg.Wait()
	for i, n := range names {
		flat := strings.Join(strings.Fields(pdfText(t, out[i])), " ")
		if strings.Count(flat, n) != 2 {
			t.Errorf("document %d: %q not twice in %q", i, n, flat)
		}
		if !bytes.Contains(out[i], []byte("/Subtype /TrueType")) {
			t.Errorf("document %d: not a simple face", i)
		}
	}
}
