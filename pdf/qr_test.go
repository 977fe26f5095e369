package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

func qrImage(q *qrCode, scale int) image.Image {
	quiet := 4
	side := (q.size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			mx, my := x/scale-quiet, y/scale-quiet
			c := color.Gray{255}
			if mx >= 0 && my >= 0 && mx < q.size && my < q.size && q.dark(mx, my) {
				c = color.Gray{0}
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

func testTexts() []string {
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_|<*."
	var ts []string
	for _, n := range []int{1, 7, 14, 20, 32, 42, 60, 84, 106, 122, 152, 180, 190, 213, 214, 251, 287, 331, 400, 600, 1000} {
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		ts = append(ts, string(b))
	}
	return ts
}

// TestQRMatchesBoombuler: our encoder draws, module for module, the symbol
// that the library behind gofpdf's contrib/barcode draws.
func TestQRMatchesBoombuler(t *testing.T) {
	same := 0
	texts := testTexts()
	for _, s := range texts {
		ours, ok := encodeQR([]byte(s))
		if !ok {
			t.Fatalf("%d bytes: not encoded", len(s))
		}
		theirs, err := qr.Encode(s, qr.M, qr.Unicode)
		if err != nil {
			t.Fatal(err)
		}
		if theirs.Bounds().Dx() != ours.size {
			t.Fatalf("%d bytes: size %d, boombuler %d", len(s), ours.size, theirs.Bounds().Dx())
		}
		eq := true
		for y := 0; y < ours.size && eq; y++ {
			for x := 0; x < ours.size; x++ {
				l, _, _, _ := theirs.At(x, y).RGBA()
				if (l < 0x8000) != ours.dark(x, y) {
					eq = false
					break
				}
			}
		}
		if eq {
			same++
		} else {
			t.Errorf("%d bytes: symbol differs from boombuler's", len(s))
		}
	}
	t.Logf("%d of %d symbols identical to boombuler's", same, len(texts))
}

// TestQRDecodes reads every test symbol back with zbarimg.
func TestQRDecodes(t *testing.T) {
	zbarimg := tool(t, "zbarimg")
	dir := t.TempDir()
	for i, s := range testTexts() {
		q, _ := encodeQR([]byte(s))
		p := filepath.Join(dir, "q.png")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, qrImage(q, 3)); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out, err := exec.Command(zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", p).Output()
		if err != nil {
			t.Fatalf("case %d (%d bytes, version %d): zbarimg: %v", i, len(s), (q.size-17)/4, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != s {
			t.Fatalf("case %d: decoded %q, want %q", i, got, s)
		}
	}
	if _, ok := encodeQR(make([]byte, 2332)); ok {
		t.Error("2332 bytes encoded; level M holds at most 2331")
	}
}

// BenchmarkQREncode measures why the encoder is ours: a receipt's payload
// of about 200 characters, encoded here and by boombuler's.
func BenchmarkQREncode(b *testing.B) {
	payload := strings.Repeat("JPR1|KTB01|KTB01-261127-0042-7|630201******0003|PRATAMA<<MUHAMMAD<RIZKY|", 3)[:200]
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			encodeQR([]byte(payload))
		}
	})
	b.Run("boombuler", func(b *testing.B) {
		for b.Loop() {
			if _, err := qr.Encode(payload, qr.M, qr.Unicode); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDrawQRAsRect: drawQR writes, byte for byte, what one gofpdf Rect
// call per run of dark modules writes, on both papers.
func TestDrawQRAsRect(t *testing.T) {
	page := func(th theme, draw func(r *renderer)) []byte {
		r := newRenderer(th, false)
		defer r.release()
		r.pdf.SetCreationDate(created)
		r.pdf.SetModificationDate(created)
		r.pdf.AddPage()
		draw(r)
		var b bytes.Buffer
		if err := r.pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, th := range []theme{themeA4, themeRoll} {
		for _, s := range testTexts()[:12] {
			x, y := 131.37, 241.9
			ours := page(th, func(r *renderer) { r.drawQR(s, x, y, th.qr) })
			theirs := page(th, func(r *renderer) {
				code, _ := encodeQR([]byte(s))
				r.pdf.SetFillColor(0, 0, 0)
				code.runs(x, y, th.qr, func(x, y, w, h float64) { r.pdf.Rect(x, y, w, h, "F") })
			})
			if !bytes.Equal(ours, theirs) {
				t.Fatalf("%d bytes on %v mm paper: drawQR writes other bytes than Rect", len(s), th.pageW)
			}
			if n := bytes.Count(ours, []byte(" re f\n")); n < len(s) {
				t.Fatalf("%d bytes: only %d rectangles", len(s), n)
			}
		}
	}
}

// TestPenaltyBits: the penalty scored as bit sets is the penalty scored
// module by module, for every mask of symbols of every size class,
// including the widest (177 modules, three words a line), and the mask
// chosen is the one module by module would choose.
func TestPenaltyBits(t *testing.T) {
	texts := append(testTexts(), strings.Repeat("Z", 2331), strings.Repeat("q", 1500))
	for _, s := range texts {
		q, ok := unmaskedQR([]byte(s))
		if !ok {
			t.Fatalf("%d bytes not encoded", len(s))
		}
		base := slices.Clone(q.mod)
		best, bestPenalty := 0, -1
		for m := range 8 {
			copy(q.mod, base)
			q.applyMask(m)
			q.drawFormat(m)
			got, want := penaltyOf(lines(q.mod, q.size)), q.penaltyByModule()
			if got != want {
				t.Errorf("%d bytes (%d modules), mask %d: penalty %d, module by module %d", len(s), q.size, m, got, want)
			}
			if bestPenalty < 0 || want < bestPenalty {
				best, bestPenalty = m, want
			}
		}
		copy(q.mod, base)
		if m := q.bestMask(); m != best {
			t.Errorf("%d bytes: mask %d chosen, module by module %d", len(s), m, best)
		}
	}
}

// penaltyByModule is penalty as it was first written, module by module:
// the reference of TestPenaltyBits.
func (q *qrCode) penaltyByModule() int {
	n := q.size
	p := 0
	at := func(line, i int, col bool) bool {
		if col {
			return q.mod[i*n+line]
		}
		return q.mod[line*n+i]
	}
	for _, col := range []bool{false, true} {
		for line := range n {
			// Rule 1: runs of five or more of one colour.
			run := 1
			for i := 1; i < n; i++ {
				if at(line, i, col) == at(line, i-1, col) {
					run++
					continue
				}
				if run >= 5 {
					p += run - 2
				}
				run = 1
			}
			if run >= 5 {
				p += run - 2
			}
			// Rule 3: 1:1:3:1:1 finder-like patterns with four light
			// modules on one side.
			var w uint32
			for i := range n {
				w = w << 1 & 0x7ff
				if at(line, i, col) {
					w |= 1
				}
				if i >= 10 && (w == 0x5d0 || w == 0x05d) {
					p += 40
				}
			}
		}
	}
	// Rule 2: 2×2 blocks of one colour.
	dark := 0
	for y := range n {
		for x := range n {
			d := q.mod[y*n+x]
			if d {
				dark++
			}
			if x > 0 && y > 0 && d == q.mod[y*n+x-1] && d == q.mod[(y-1)*n+x] && d == q.mod[(y-1)*n+x-1] {
				p += 3
			}
		}
	}
	// Rule 4: balance of dark and light.
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	p += max(k, 0) * 10
	return p
}
