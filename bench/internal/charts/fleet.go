package charts

import (
	"fmt"
	"io"
	"math"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Fleet draws the token requests a fleet of replicas sent per refresh cycle
// over a run of length run, one series per way of fetching, with down (when
// its To is after its From) shaded: the window in which Redis was down in
// the series run with it killed.
func Fleet(w io.Writer, m Meta, title string, cycle, run time.Duration, down Window, fleets []Calls) error {
	p := newPlot(title, fmt.Sprintf("time since the measured run's start (s); one refresh cycle is %v", cycle),
		"token requests per refresh cycle (whole fleet)")
	if down.To > down.From {
		p.Add(band{down.From.Seconds(), down.To.Seconds(), shade})
		p.Legend.Add(down.Name, band{color: shade})
	}
	n := int(math.Ceil(float64(run) / float64(cycle)))
	top := 1.0
	for i, f := range fleets {
		counts := perBucket(f.At, 0, cycle, n)
		xys := make(plotter.XYs, n+1)
		for b := range xys {
			xys[b].X = (time.Duration(b) * cycle).Seconds()
			xys[b].Y = counts[min(b, n-1)]
			top = max(top, xys[b].Y)
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("charts: %w", err)
		}
		line.StepStyle = plotter.PostStep
		line.Color, line.Width = palette[i%len(palette)], vg.Points(1.4)
		if i > 0 {
			line.Dashes = []vg.Length{vg.Points(float64(2 + 2*i)), vg.Points(2)}
		}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s (%d requests)", f.Name, len(f.At)), line)
	}
	p.X.Min, p.X.Max = 0, run.Seconds()
	p.Y.Min, p.Y.Max = 0, top*1.5
	return write(w, p, m)
}
