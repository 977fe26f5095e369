package pdf

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// cmapRunes reads the characters a TrueType font has glyphs for, from the
// Unicode subtables (format 4 and 12) of its cmap.
func cmapRunes(t *testing.T, ttf []byte) map[rune]bool {
	t.Helper()
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
		t.Fatal("no cmap table")
	}
	has := map[rune]bool{}
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
		t.Fatal("no Unicode cmap subtable")
	}
	return has
}

// TestFontCoversNames: every letter a name may hold (forms.NameLetter),
// and every character of Windows-1252, has a glyph in both embedded faces,
// so no name the forms accept prints as a gap.
func TestFontCoversNames(t *testing.T) {
	for name, ttf := range map[string][]byte{"regular": dejaVuSans, "bold": dejaVuSansBold} {
		has := cmapRunes(t, ttf)
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
