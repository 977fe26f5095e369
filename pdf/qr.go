package pdf

// A QR code encoder for one case: byte mode, error correction level M
// (ISO/IEC 18004), following Project Nayuki's reference implementation.
//
// Why not the symbol of github.com/boombuler/barcode/qr, which gofpdf's
// contrib/barcode uses and which TestQRMatchesBoombuler compares this one
// with module for module: it takes about 6.5 ms to encode a receipt's
// 200-character payload (its mask penalty reads every module through a bit
// list). On the 2-core development VM an A4 receipt rendered with it took
// 8.8 ms instead of 2.9 ms (80 mm: 8.3 against 2.7), against a budget of
// 5 ms (README, Performance). This encoder takes about 1 ms
// (BenchmarkQREncode); the tests decode its output with zbarimg.

// eccM and blocksM are the error-correction codewords per block and the
// number of blocks for level M, indexed by version (index 0 unused).
var (
	eccM = [41]int{0,
		10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
		26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28}
	blocksM = [41]int{0,
		1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
		17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49}
)

// qrCode is a square of modules; true is dark.
type qrCode struct {
	size int
	mod  []bool
	fn   []bool // function patterns, which masks leave alone
	tr   []bool // the symbol transposed, for the penalty of columns
}

func (q *qrCode) dark(x, y int) bool { return q.mod[y*q.size+x] }

func (q *qrCode) setFn(x, y int, dark bool) {
	q.mod[y*q.size+x] = dark
	q.fn[y*q.size+x] = true
}

func rawDataModules(ver int) int {
	n := (16*ver+128)*ver + 64
	if ver >= 2 {
		na := ver/7 + 2
		n -= (25*na-10)*na - 55
		if ver >= 7 {
			n -= 36
		}
	}
	return n
}

func dataCodewords(ver int) int { return rawDataModules(ver)/8 - eccM[ver]*blocksM[ver] }

// encodeQR returns the QR code of data in byte mode at level M, or false if
// data is longer than a QR code holds.
func encodeQR(data []byte) (*qrCode, bool) {
	ver := 0
	for v := 1; v <= 40; v++ {
		cc := 8
		if v >= 10 {
			cc = 16
		}
		if len(data) < 1<<cc && 4+cc+8*len(data) <= dataCodewords(v)*8 {
			ver = v
			break
		}
	}
	if ver == 0 {
		return nil, false
	}

	// Segment: mode, count, bytes, terminator, padding.
	var bb bitBuf
	bb.put(4, 4)
	if ver >= 10 {
		bb.put(uint32(len(data)), 16)
	} else {
		bb.put(uint32(len(data)), 8)
	}
	for _, b := range data {
		bb.put(uint32(b), 8)
	}
	capBits := dataCodewords(ver) * 8
	bb.put(0, min(4, capBits-bb.n))
	bb.put(0, (8-bb.n%8)%8)
	for pad := uint32(0xEC); bb.n < capBits; pad ^= 0xEC ^ 0x11 {
		bb.put(pad, 8)
	}

	q := &qrCode{size: ver*4 + 17}
	q.mod = make([]bool, q.size*q.size)
	q.fn = make([]bool, q.size*q.size)
	q.drawFunctionPatterns(ver)
	q.drawCodewords(addECC(bb.b, ver))

	// Each mask is tried on a copy of the unmasked symbol; the copy with
	// the lowest penalty is kept, its format drawn.
	base := q.mod
	cand, best := make([]bool, len(base)), make([]bool, len(base))
	bestPenalty := -1
	for m := range 8 {
		copy(cand, base)
		q.mod = cand
		q.applyMask(m)
		q.drawFormat(m)
		if p := q.penalty(); bestPenalty < 0 || p < bestPenalty {
			bestPenalty = p
			cand, best = best, cand
		}
	}
	q.mod, q.tr = best, nil
	return q, true
}

type bitBuf struct {
	b []byte
	n int
}

func (bb *bitBuf) put(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if bb.n%8 == 0 {
			bb.b = append(bb.b, 0)
		}
		if v>>uint(i)&1 != 0 {
			bb.b[bb.n/8] |= 0x80 >> uint(bb.n%8)
		}
		bb.n++
	}
}

// addECC splits data into blocks, appends Reed-Solomon codewords and
// interleaves them.
func addECC(data []byte, ver int) []byte {
	nb, ecl := blocksM[ver], eccM[ver]
	raw := rawDataModules(ver) / 8
	short := nb - raw%nb
	shortLen := raw / nb
	div := rsDivisor(ecl)
	blocks := make([][]byte, nb)
	k := 0
	for i := range nb {
		n := shortLen - ecl
		if i >= short {
			n++
		}
		dat := data[k : k+n]
		k += n
		b := make([]byte, 0, shortLen+1)
		b = append(b, dat...)
		if i < short {
			b = append(b, 0) // placeholder, skipped when interleaving
		}
		blocks[i] = append(b, rsRemainder(dat, div)...)
	}
	out := make([]byte, 0, raw)
	for i := range len(blocks[0]) {
		for j, b := range blocks {
			if i != shortLen-ecl || j >= short {
				out = append(out, b[i])
			}
		}
	}
	return out
}

// gfExp and gfLog are the powers of 2 in GF(2^8) modulo x^8+x^4+x^3+x^2+1
// (0x11D) and their logarithms, for multiplying by table.
var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := range 255 {
		exp[i], log[x] = byte(x), byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(x, y byte) byte {
	if x == 0 || y == 0 {
		return 0
	}
	return gfExp[int(gfLog[x])+int(gfLog[y])]
}

func rsDivisor(degree int) []byte {
	r := make([]byte, degree)
	r[degree-1] = 1
	root := byte(1)
	for range degree {
		for j := range degree {
			r[j] = gfMul(r[j], root)
			if j+1 < degree {
				r[j] ^= r[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return r
}

func rsRemainder(data, div []byte) []byte {
	r := make([]byte, len(div))
	for _, b := range data {
		f := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for i := range r {
			r[i] ^= gfMul(div[i], f)
		}
	}
	return r
}

func (q *qrCode) drawFunctionPatterns(ver int) {
	n := q.size
	for i := range n {
		q.setFn(6, i, i%2 == 0)
		q.setFn(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x >= 0 && x < n && y >= 0 && y < n {
					d := max(abs(dx), abs(dy))
					q.setFn(x, y, d != 2 && d != 4)
				}
			}
		}
	}
	if ver > 1 {
		na := ver/7 + 2
		step := (ver*4 + na*2 + 1) / (na*2 - 2) * 2
		if ver == 32 {
			step = 26
		}
		pos := make([]int, na)
		pos[0] = 6
		for i, p := na-1, n-7; i >= 1; i, p = i-1, p-step {
			pos[i] = p
		}
		for i := range na {
			for j := range na {
				if (i == 0 && j == 0) || (i == 0 && j == na-1) || (i == na-1 && j == 0) {
					continue
				}
				for dy := -2; dy <= 2; dy++ {
					for dx := -2; dx <= 2; dx++ {
						q.setFn(pos[i]+dx, pos[j]+dy, max(abs(dx), abs(dy)) != 1)
					}
				}
			}
		}
	}
	q.drawFormat(0) // reserves the format areas; redrawn with the mask
	if ver >= 7 {
		rem := ver
		for range 12 {
			rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
		}
		bits := ver<<12 | rem
		for i := range 18 {
			d := bits>>uint(i)&1 != 0
			a, b := n-11+i%3, i/3
			q.setFn(a, b, d)
			q.setFn(b, a, d)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// drawFormat writes level M and the mask, both copies, and the dark module.
func (q *qrCode) drawFormat(mask int) {
	data := 0<<3 | mask // level M is 00
	rem := data
	for range 10 {
		rem = (rem << 1) ^ ((rem >> 9) * 0x537)
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>uint(i)&1 != 0 }
	n := q.size
	for i := 0; i <= 5; i++ {
		q.setFn(8, i, bit(i))
	}
	q.setFn(8, 7, bit(6))
	q.setFn(8, 8, bit(7))
	q.setFn(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		q.setFn(14-i, 8, bit(i))
	}
	for i := range 8 {
		q.setFn(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		q.setFn(8, n-15+i, bit(i))
	}
	q.setFn(8, n-8, true)
}

func (q *qrCode) drawCodewords(data []byte) {
	n := q.size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := range n {
			for j := range 2 {
				x := right - j
				y := vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if !q.fn[y*n+x] && i < len(data)*8 {
					q.mod[y*n+x] = data[i>>3]>>uint(7-i&7)&1 != 0
					i++
				}
			}
		}
	}
}

func (q *qrCode) applyMask(m int) {
	n := q.size
	for y := range n {
		for x := range n {
			var inv bool
			switch m {
			case 0:
				inv = (x+y)%2 == 0
			case 1:
				inv = y%2 == 0
			case 2:
				inv = x%3 == 0
			case 3:
				inv = (x+y)%3 == 0
			case 4:
				inv = (x/3+y/2)%2 == 0
			case 5:
				inv = x*y%2+x*y%3 == 0
			case 6:
				inv = (x*y%2+x*y%3)%2 == 0
			case 7:
				inv = ((x+y)%2+x*y%3)%2 == 0
			}
			if inv && !q.fn[y*n+x] {
				q.mod[y*n+x] = !q.mod[y*n+x]
			}
		}
	}
}

// penalty scores a masked symbol by the four rules of ISO/IEC 18004 §7.8.3;
// the encoder keeps the mask with the lowest score.
func (q *qrCode) penalty() int {
	n := q.size
	mod := q.mod[:n*n]
	if len(q.tr) != n*n {
		q.tr = make([]bool, n*n)
	}
	tr := q.tr
	for y := range n {
		for x, d := range mod[y*n : y*n+n] {
			tr[x*n+y] = d
		}
	}
	p := 0
	for line := range n {
		p += linePenalty(mod[line*n:line*n+n]) + linePenalty(tr[line*n:line*n+n])
	}
	// Rule 2: 2×2 blocks of one colour.
	dark := 0
	for y := range n {
		row := mod[y*n : y*n+n]
		for x, d := range row {
			if d {
				dark++
			}
			if x > 0 && y > 0 {
				up := mod[(y-1)*n : y*n]
				if d == row[x-1] && d == up[x] && d == up[x-1] {
					p += 3
				}
			}
		}
	}
	// Rule 4: balance of dark and light.
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	p += max(k, 0) * 10
	return p
}

// linePenalty scores one row or column by rules 1 and 3.
func linePenalty(l []bool) int {
	p := 0
	// Rule 1: runs of five or more of one colour.
	run := 1
	for i := 1; i < len(l); i++ {
		if l[i] == l[i-1] {
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
	// Rule 3: 1:1:3:1:1 finder-like patterns with four light modules on
	// one side.
	var w uint32
	for i, d := range l {
		w = w << 1 & 0x7ff
		if d {
			w |= 1
		}
		if i >= 10 && (w == 0x5d0 || w == 0x05d) {
			p += 40
		}
	}
	return p
}
