package charts

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bar is one measured overhead in nanoseconds: the median of the rounds and
// their range. A zero N leaves the bar out.
type Bar struct {
	Median, Min, Max float64
	N                int
}

// Bars is one series of a bar chart: a bar per group.
type Bars struct {
	// Name names the series in the legend.
	Name string
	// Bars holds a bar per group, in the groups' order.
	Bars []Bar
}

// barFloorNs is where the bar chart's log axis starts: 100 ns.
const barFloorNs = 100

// Inbound draws the overhead per request of each series in each group as
// bars on a log axis, with the range of the rounds as error bars.
func Inbound(w io.Writer, m Meta, title string, groups []string, series []Bars) error {
	p := newPlot(title, "bar: median of the rounds; whisker: their range (min–max)", "overhead per request (CPU time, log scale)")
	p.Y.Scale = clampedLog{}
	p.Y.Tick.Marker = logTicks{label: nsLabel}
	p.X.Tick.Marker = groupTicks(groups)
	p.X.Tick.Label.Font.Size = vg.Points(8)
	step := 1 / float64(len(series)+1) // bar width, in groups
	hi := 1000.0
	for i, s := range series {
		col := palette[i%len(palette)]
		b := bars{width: step * 0.9, color: col}
		var errs plotter.YErrors
		for g, v := range s.Bars {
			if g >= len(groups) || v.N == 0 {
				continue
			}
			x := float64(g) + (float64(i)-float64(len(series)-1)/2)*step
			b.xys = append(b.xys, plotter.XY{X: x, Y: v.Median})
			errs = append(errs, struct{ Low, High float64 }{v.Median - v.Min, v.Max - v.Median})
			hi = max(hi, v.Max)
		}
		if len(b.xys) == 0 {
			continue
		}
		p.Add(b)
		p.Legend.Add(s.Name, b)
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{b.xys, errs})
		if err != nil {
			return fmt.Errorf("charts: %w", err)
		}
		eb.LineStyle.Width, eb.CapWidth = vg.Points(0.8), vg.Points(4)
		p.Add(eb)
	}
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.Y.Min, p.Y.Max = barFloorNs, math.Pow10(int(math.Ceil(math.Log10(hi*1.2))))
	return write(w, p, m)
}

// nsLabel labels a power of ten of nanoseconds.
func nsLabel(v float64) string {
	switch {
	case v < 1000:
		return fmt.Sprintf("%g ns", v)
	case v < 1e6:
		return fmt.Sprintf("%g µs", v/1e3)
	}
	return fmt.Sprintf("%g ms", v/1e6)
}

// groupTicks labels the groups at 0, 1, ….
func groupTicks(groups []string) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(groups))
	for i, g := range groups {
		ticks[i] = plot.Tick{Value: float64(i), Label: g}
	}
	return ticks
}

// bars draws a bar from the bottom of the plot up to each point, width
// wide in the X axis' units.
type bars struct {
	xys   plotter.XYs
	width float64
	color color.Color
}

func (b bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	c.SetColor(b.color)
	for _, xy := range b.xys {
		r := vg.Rectangle{Min: vg.Point{X: trX(xy.X - b.width/2), Y: c.Min.Y},
			Max: vg.Point{X: trX(xy.X + b.width/2), Y: trY(xy.Y)}}
		c.Fill(r.Path())
	}
}

// DataRange covers the bars' width; their bottom is the axis' minimum.
func (b bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = plotter.XYRange(b.xys)
	return xmin - b.width/2, xmax + b.width/2, ymin, ymax
}

// Thumbnail draws the series' legend entry: a filled square.
func (b bars) Thumbnail(c *draw.Canvas) {
	c.SetColor(b.color)
	c.Fill(c.Rectangle.Path())
}
