package pdf

import (
	"math/bits"
	"sync"
)

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

// unmaskedQR is the symbol of data before its mask.
func unmaskedQR(data []byte) (*qrCode, bool) {
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

	return q, true
}

// encodeQR returns the QR code of data in byte mode at level M, or false if
// data is longer than a QR code holds.
func encodeQR(data []byte) (*qrCode, bool) {
	q, ok := unmaskedQR(data)
	if !ok {
		return nil, false
	}
	best := q.bestMask()
	q.applyMask(best)
	q.drawFormat(best)
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
func (q *qrCode) drawFormat(mask int) { formatModules(q.size, mask, q.setFn) }

// formatModules gives the format modules of a symbol of n modules a side
// for a mask at level M, with their colours.
func formatModules(n, mask int, set func(x, y int, dark bool)) {
	data := 0<<3 | mask // level M is 00
	rem := data
	for range 10 {
		rem = (rem << 1) ^ ((rem >> 9) * 0x537)
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>uint(i)&1 != 0 }
	for i := 0; i <= 5; i++ {
		set(8, i, bit(i))
	}
	set(8, 7, bit(6))
	set(8, 8, bit(7))
	set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		set(14-i, 8, bit(i))
	}
	for i := range 8 {
		set(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		set(8, n-15+i, bit(i))
	}
	set(8, n-8, true)
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
			if maskBit(m, x, y) && !q.fn[y*n+x] {
				q.mod[y*n+x] = !q.mod[y*n+x]
			}
		}
	}
}

// maskBit tells whether mask m inverts the module at x, y.
func maskBit(m, x, y int) bool {
	switch m {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	case 7:
		return ((x+y)%2+x*y%3)%2 == 0
	}
	return false
}

// maskLines are the modules each mask inverts in a symbol of one size, as
// rows and as columns.
type maskLines struct{ rows, cols [8][]bitLine }

var maskCache sync.Map // symbol size → *maskLines

func masksOfSize(n int) *maskLines {
	if ml, ok := maskCache.Load(n); ok {
		return ml.(*maskLines)
	}
	ml := &maskLines{}
	for m := range 8 {
		ml.rows[m], ml.cols[m] = make([]bitLine, n), make([]bitLine, n)
		for y := range n {
			for x := range n {
				if maskBit(m, x, y) {
					ml.rows[m][y].set(x)
					ml.cols[m][x].set(y)
				}
			}
		}
	}
	v, _ := maskCache.LoadOrStore(n, ml)
	return v.(*maskLines)
}

// lines is a square of modules as rows and as columns.
func lines(mod []bool, n int) (rows, cols []bitLine) {
	rows, cols = make([]bitLine, n), make([]bitLine, n)
	for y := range n {
		for x, d := range mod[y*n : y*n+n] {
			if d {
				rows[y].set(x)
				cols[x].set(y)
			}
		}
	}
	return rows, cols
}

// bestMask is the mask of the lowest penalty for the unmasked symbol q,
// each tried on its rows and columns as bit sets.
func (q *qrCode) bestMask() int {
	n := q.size
	ml := masksOfSize(n)
	baseR, baseC := lines(q.mod, n)
	fnR, fnC := lines(q.fn, n)
	rows, cols := make([]bitLine, n), make([]bitLine, n)
	best, bestPenalty := 0, -1
	for m := range 8 {
		for i := range n {
			rows[i] = baseR[i].xor(ml.rows[m][i].andNot(fnR[i]))
			cols[i] = baseC[i].xor(ml.cols[m][i].andNot(fnC[i]))
		}
		formatModules(n, m, func(x, y int, dark bool) {
			rows[y].put(x, dark)
			cols[x].put(y, dark)
		})
		if p := penaltyOf(rows, cols); bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = m, p
		}
	}
	return best
}

// penaltyOf scores a masked symbol, given as its rows and its columns, by
// the four rules of ISO/IEC 18004 §7.8.3; the encoder keeps the mask with
// the lowest score. The lines are scored as bit sets, many modules an
// operation (penaltyByModule, in the tests, is the same rules module by
// module).
func penaltyOf(rows, cols []bitLine) int {
	n := len(rows)
	m := masksFor(n)
	all := m.all
	p, dark := 0, 0
	for i := range n {
		if n <= 64 {
			p += penalty64(rows[i][0], &m) + penalty64(cols[i][0], &m)
		} else {
			p += rows[i].penalty(&m) + cols[i].penalty(&m)
		}
		dark += rows[i].count()
	}
	// Rule 2: 2×2 blocks of one colour.
	inner := all.andNot(ones(1)) // x from 1
	for y := 1; y < n; y++ {
		a, b := rows[y-1], rows[y]
		eq := a.xor(b).not().and(all)       // a module the same as the one above
		h := b.xor(b.shl1()).not().and(all) // and as the one to its left
		p += 3 * eq.and(eq.shl1()).and(h).and(inner).count()
	}
	// Rule 4: balance of dark and light.
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	p += max(k, 0) * 10
	return p
}

// bitLine is a row or a column of a symbol, bit i the module i (dark is
// 1); a symbol is at most 177 modules wide.
type bitLine [3]uint64

func (l *bitLine) set(i int) { l[i>>6] |= 1 << uint(i&63) }

func (l *bitLine) put(i int, dark bool) {
	if dark {
		l.set(i)
	} else {
		l[i>>6] &^= 1 << uint(i&63)
	}
}

// ones is a line of n dark modules.
func ones(n int) (o bitLine) {
	for i := range o {
		switch {
		case n >= 64*(i+1):
			o[i] = ^uint64(0)
		case n > 64*i:
			o[i] = 1<<uint(n-64*i) - 1
		}
	}
	return o
}

func (l bitLine) and(m bitLine) bitLine    { return bitLine{l[0] & m[0], l[1] & m[1], l[2] & m[2]} }
func (l bitLine) or(m bitLine) bitLine     { return bitLine{l[0] | m[0], l[1] | m[1], l[2] | m[2]} }
func (l bitLine) andNot(m bitLine) bitLine { return bitLine{l[0] &^ m[0], l[1] &^ m[1], l[2] &^ m[2]} }
func (l bitLine) xor(m bitLine) bitLine    { return bitLine{l[0] ^ m[0], l[1] ^ m[1], l[2] ^ m[2]} }
func (l bitLine) not() bitLine             { return bitLine{^l[0], ^l[1], ^l[2]} }

func (l bitLine) count() int {
	return bits.OnesCount64(l[0]) + bits.OnesCount64(l[1]) + bits.OnesCount64(l[2])
}

// shr moves every module k (0 < k < 64) places down: bit i is module i+k.
func (l bitLine) shr(k int) bitLine {
	u := uint(k)
	return bitLine{l[0]>>u | l[1]<<(64-u), l[1]>>u | l[2]<<(64-u), l[2] >> u}
}

// shl1 moves every module one place up: bit i is module i-1.
func (l bitLine) shl1() bitLine {
	return bitLine{l[0] << 1, l[1]<<1 | l[0]>>63, l[2]<<1 | l[1]>>63}
}

// lineMasks are the positions a rule may start at in a line of n
// modules: any module, and those with 1, 3 modules after them.
type lineMasks struct{ all, to1, to3 bitLine }

func masksFor(n int) lineMasks { return lineMasks{ones(n), ones(n - 1), ones(n - 3)} }

// penalty scores one row or column by rules 1 and 3.
func (l bitLine) penalty(m *lineMasks) int {
	d1, d2, d3 := l.shr(1), l.shr(2), l.shr(3)
	// Rule 1: runs of five or more of one colour, each run length-2: one
	// for each window of five in it, and two for its first.
	same := l.xor(d1).not().and(m.to1) // module i as module i+1
	w5 := same.and(same.shr(1)).and(same.shr(2)).and(same.shr(3))
	p := w5.count() + 2*w5.andNot(w5.shl1()).count()
	// Rule 3: 1:1:3:1:1 (dark, light, three dark, light, dark) with four
	// light modules after it or before it.
	core := l.andNot(d1).and(d2).and(d3).and(l.shr(4)).andNot(l.shr(5)).and(l.shr(6))
	light4 := l.or(d1).or(d2).or(d3).not().and(m.to3)
	p += 40 * (core.and(light4.shr(7)).count() + light4.and(core.shr(4)).count())
	return p
}

// penalty64 is penalty for a line of at most 64 modules, in one word.
func penalty64(l uint64, m *lineMasks) int {
	d1, d2, d3 := l>>1, l>>2, l>>3
	same := ^(l ^ d1) & m.to1[0]
	w5 := same & (same >> 1) & (same >> 2) & (same >> 3)
	p := bits.OnesCount64(w5) + 2*bits.OnesCount64(w5&^(w5<<1))
	core := l &^ d1 & d2 & d3 & (l >> 4) &^ (l >> 5) & (l >> 6)
	light4 := ^(l | d1 | d2 | d3) & m.to3[0]
	return p + 40*(bits.OnesCount64(core&(light4>>7))+bits.OnesCount64(light4&(core>>4)))
}
