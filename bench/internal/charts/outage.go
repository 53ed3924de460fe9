package charts

import (
	"fmt"
	"io"
	"math"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Calls is one series of calls to a token endpoint: their arrival instants,
// from the chart's origin.
type Calls struct {
	// Name names the series in the legend.
	Name string
	// At are the calls' arrivals.
	At []time.Duration
}

// Window is a span of a chart's time axis, from its origin.
type Window struct {
	From, To time.Duration
	// Name names the span in the legend.
	Name string
}

// Outage draws the calls per second each library sent to a token endpoint
// that failed during outage (shaded), over the span [from, to).
func Outage(w io.Writer, m Meta, title string, from, to time.Duration, outage Window, libs []Calls) error {
	p := newPlot(title, "time since the outage began (s)", "calls to the token endpoint (per second)")
	bucket := time.Second
	n := int(math.Ceil(float64(to-from) / float64(bucket)))
	p.Add(band{outage.From.Seconds(), outage.To.Seconds(), shade})
	p.Legend.Add(outage.Name, band{color: shade})
	top := 1.0
	for i, l := range libs {
		counts := perBucket(l.At, from, bucket, n)
		xys := make(plotter.XYs, n+1)
		for b := range xys {
			xys[b].X = (from + time.Duration(b)*bucket).Seconds()
			xys[b].Y = counts[min(b, n-1)] // the last point closes the final step
			top = max(top, xys[b].Y)
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("charts: %w", err)
		}
		line.StepStyle = plotter.PostStep
		line.Color, line.Width = palette[i%len(palette)], vg.Points(1.4)
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s (%d calls)", l.Name, len(l.At)), line)
	}
	p.X.Min, p.X.Max = from.Seconds(), to.Seconds()
	p.Y.Min, p.Y.Max = 0, top*1.35
	return write(w, p, m)
}

// perBucket counts the instants in each of n buckets of width bucket,
// starting at from; instants outside them are left out.
func perBucket(at []time.Duration, from, bucket time.Duration, n int) []float64 {
	counts := make([]float64, n)
	for _, a := range at {
		if a < from {
			continue
		}
		if b := int((a - from) / bucket); b < n {
			counts[b]++
		}
	}
	return counts
}
