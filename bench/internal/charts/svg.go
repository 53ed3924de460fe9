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
	"gonum.org/v1/plot/vg/vgsvg"
)

// Meta is what every chart carries beneath its plot: where and when it was
// measured and how to measure it again.
type Meta struct {
	// Machine describes the machine, as the report's machine table does.
	Machine string
	// Date is when the run started (RFC 3339).
	Date string
	// Command reproduces the run.
	Command string
}

// The chart's size, the height of its footer (three lines of Meta) and the
// width of the legend on its right.
const (
	width  = 28 * vg.Centimeter
	height = 13 * vg.Centimeter
	footer = 1.4 * vg.Centimeter
	legend = 8.5 * vg.Centimeter
)

// Colours: gatehouse's series are blue, the peers' orange, red and grey.
var (
	blue   = color.RGBA{R: 0x1f, G: 0x62, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xe0, G: 0x6c, B: 0x00, A: 0xff}
	red    = color.RGBA{R: 0xc0, G: 0x1c, B: 0x28, A: 0xff}
	green  = color.RGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff}
	grey   = color.RGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff}
	shade  = color.RGBA{R: 0xe8, G: 0xe8, B: 0xe8, A: 0xff}
)

// palette is the colours of a chart's series, in order.
var palette = []color.Color{blue, orange, green, red, grey}

// newPlot returns a plot with title and axis labels, its legend at the top
// left.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(4), vg.Points(-30)
	p.Legend.Padding = vg.Points(2)
	p.Add(plotter.NewGrid())
	return p
}

// newCanvas returns the canvas a chart is drawn on: SVG (a test previews
// them as PNG).
var newCanvas = func() vg.CanvasWriterTo { return vgsvg.New(width, height) }

// write draws p above m's three lines and writes the image to w.
func write(w io.Writer, p *plot.Plot, m Meta) error {
	c := newCanvas()
	dc := draw.New(c)
	// The legend goes on the right, beside the plot rather than over it.
	leg := p.Legend
	p.Legend = plot.NewLegend()
	// The Y axis' label is drawn here, centred on the canvas: plot centres
	// it on the mean of the axis' ends, which on a log axis lies near the
	// top and shrinks the plot.
	ylabel := p.Y.Label.TextStyle
	ylabel.Rotation, ylabel.XAlign, ylabel.YAlign = math.Pi/2, draw.XCenter, draw.YTop
	h := ylabel.Height(p.Y.Label.Text)
	dc.FillText(ylabel, vg.Point{X: vg.Points(2), Y: footer + (height-footer)/2}, p.Y.Label.Text)
	p.Y.Label.Text = ""
	p.Draw(draw.Crop(dc, h+vg.Points(6), -legend, footer, 0))
	leg.Draw(draw.Crop(dc, width-legend, 0, footer, 0))
	sty := p.X.Label.TextStyle
	sty.Font.Size = vg.Points(8)
	sty.Color = grey
	sty.XAlign = draw.XLeft
	lines := []string{"machine: " + m.Machine, "date: " + m.Date, "command: " + m.Command}
	for i, l := range lines {
		y := footer - vg.Length(i+1)*sty.Font.Size*1.4
		dc.FillText(sty, vg.Point{X: vg.Points(6), Y: y}, l)
	}
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	return nil
}

// clampedLog is a logarithmic scale that draws values at or below the axis'
// minimum at the minimum (bars start there), where plot.LogScale panics.
type clampedLog struct{}

func (clampedLog) Normalize(lo, hi, x float64) float64 {
	if x <= lo {
		return 0
	}
	return (math.Log(x) - math.Log(lo)) / (math.Log(hi) - math.Log(lo))
}

// logTicks labels the powers of ten with label, and marks the values
// between them without a label.
type logTicks struct{ label func(float64) string }

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := math.Pow10(int(math.Floor(math.Log10(lo)))); v <= hi*1.0001; v *= 10 {
		for i := 1; i < 10; i++ {
			x := v * float64(i)
			if x < lo*0.9999 || x > hi*1.0001 {
				continue
			}
			tk := plot.Tick{Value: x}
			if i == 1 {
				tk.Label = t.label(x)
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

// vline is a vertical line at x from lo to hi.
func vline(x, lo, hi float64, sty draw.LineStyle) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
	if err != nil {
		return nil, err
	}
	l.LineStyle = sty
	return l, nil
}

// band shades the span [x0, x1] across the whole height of the plot.
type band struct {
	x0, x1 float64
	color  color.Color
}

func (b band) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x0, x1 := max(trX(b.x0), c.Min.X), min(trX(b.x1), c.Max.X)
	c.SetColor(b.color)
	c.Fill(vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}}.Path())
}

// Thumbnail draws the band's legend entry: a filled square.
func (b band) Thumbnail(c *draw.Canvas) {
	c.SetColor(b.color)
	c.Fill(c.Rectangle.Path())
}
