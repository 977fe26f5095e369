package pdf

import (
	"strconv"

	"github.com/jemput/jemput/lang"
)

// Series is one line of a line chart: a value for each label of the
// chart's axis.
type Series struct {
	Label  lang.Text
	Values []float64
	Grey   int  // 0 is black
	Dashed bool // drawn in dashes, to tell it apart without colour
}

// Lines adds a line chart h millimetres high across the section: labels
// along the bottom (months, say), one line per series against a scale from
// 0 to the largest value, a dot at each value and the legend above.
func (s *Section) Lines(h float64, labels []string, series []Series) {
	s.Draw(h, func(c *Canvas) { drawLines(c, labels, series) })
}

func drawLines(c *Canvas, labels []string, series []Series) {
	top := 0.0
	for _, se := range series {
		for _, v := range se.Values {
			top = max(top, v)
		}
	}
	if top <= 0 {
		top = 1
	}
	lh := c.r.lh(c.r.th.label)
	// Legend on the first line, scale at the left, labels at the bottom.
	x := 0.0
	for _, se := range series {
		c.dash(x, lh/2, x+8, lh/2, se.Grey, se.Dashed)
		t := se.Label.ID
		if se.Label.EN != "" && se.Label.EN != se.Label.ID {
			t += " / " + se.Label.EN
		}
		c.Text(x+10, 0, t)
		x += 10 + c.TextWidth(t) + 6
	}
	topLabel := strconv.FormatFloat(top, 'f', -1, 64)
	left := c.TextWidth(topLabel) + 2
	plotTop, plotBottom := lh*2, c.H-lh*1.6
	plotW := c.W - left - 2
	c.Line(left, plotTop, left, plotBottom, 120)
	c.Line(left, plotBottom, left+plotW, plotBottom, 120)
	c.Text(0, plotTop-lh/2, topLabel)
	c.Text(left-c.TextWidth("0")-1, plotBottom-lh/2, "0")
	c.Line(left, plotTop, left+plotW, plotTop, 220)
	n := len(labels)
	if n == 0 {
		return
	}
	step := plotW / float64(max(n, 1))
	xAt := func(i int) float64 { return left + step*(float64(i)+0.5) }
	yAt := func(v float64) float64 { return plotBottom - (plotBottom-plotTop)*v/top }
	// Every label when they fit, else every k-th.
	every := 1
	for every < n && c.TextWidth(labels[0])+2 > step*float64(every) {
		every++
	}
	for i, l := range labels {
		if i%every == 0 {
			c.Text(xAt(i)-c.TextWidth(l)/2, plotBottom+0.8, l)
		}
	}
	for _, se := range series {
		for i := range se.Values {
			if i >= n {
				break
			}
			if i > 0 {
				c.dash(xAt(i-1), yAt(se.Values[i-1]), xAt(i), yAt(se.Values[i]), se.Grey, se.Dashed)
			}
			c.Rect(xAt(i)-0.7, yAt(se.Values[i])-0.7, 1.4, 1.4, se.Grey)
		}
	}
}

// dash draws a line, in dashes when dashed.
func (c *Canvas) dash(x1, y1, x2, y2 float64, grey int, dashed bool) {
	c.r.pdf.SetDrawColor(grey, grey, grey)
	c.r.pdf.SetLineWidth(0.5)
	if dashed {
		c.r.pdf.SetDashPattern([]float64{1.5, 1}, 0)
	}
	c.r.pdf.Line(c.x+x1, c.y+y1, c.x+x2, c.y+y2)
	if dashed {
		c.r.pdf.SetDashPattern([]float64{}, 0)
	}
}
