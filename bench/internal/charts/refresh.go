package charts

import (
	"fmt"
	"io"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Latency is one library's token wait over a concurrent-refresh run.
type Latency struct {
	// Name names the library in the legend.
	Name string
	// Bucket is the width of a bucket of the run; bucket i starts at
	// i*Bucket after the run's start.
	Bucket time.Duration
	// Max and P99 are the slowest and the 99th-percentile wait of the
	// requests that started in each bucket; N how many there were (a bucket
	// without requests is left out).
	Max, P99 []time.Duration
	N        []int
	// Ends are the instants, from the run's start, at which a token stopped
	// being usable (its expiry less the margin).
	Ends []time.Duration
}

// floorMs is where the latency chart's log axis starts: 1 µs; shorter waits
// are drawn on it.
const floorMs = 0.001

// Refresh draws the token wait of each library's callers, per bucket: the
// slowest and the 99th percentile, on a log axis in milliseconds, with the
// instants at which tokens stopped being usable marked.
func Refresh(w io.Writer, m Meta, title string, libs []Latency) error {
	p := newPlot(title, "time since the run's start (s); waits under 1 µs drawn at 1 µs", "token wait per request (log scale)")
	p.Y.Scale = clampedLog{}
	p.Y.Tick.Marker = logTicks{label: msLabel}
	hi := 1.0
	for _, l := range libs {
		for _, d := range l.Max {
			hi = max(hi, ms(d))
		}
	}
	hi *= 2
	p.Y.Min, p.Y.Max = floorMs, hi
	for i, l := range libs {
		col := palette[i%len(palette)]
		for j, s := range []struct {
			what string
			vals []time.Duration
			dash []vg.Length
		}{{"slowest", l.Max, nil}, {"p99", l.P99, []vg.Length{vg.Points(4), vg.Points(2)}}} {
			var xys plotter.XYs
			for b, d := range s.vals {
				if b < len(l.N) && l.N[b] == 0 {
					continue
				}
				xys = append(xys, plotter.XY{X: (float64(b) + 0.5) * l.Bucket.Seconds(), Y: max(ms(d), floorMs)})
			}
			if len(xys) == 0 {
				continue
			}
			line, err := plotter.NewLine(xys)
			if err != nil {
				return fmt.Errorf("charts: %w", err)
			}
			line.Color, line.Width, line.Dashes = col, vg.Points(1.2-0.4*float64(j)), s.dash
			p.Add(line)
			p.Legend.Add(fmt.Sprintf("%s, %s", l.Name, s.what), line)
		}
		sty := draw.LineStyle{Color: col, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
		for k, e := range l.Ends {
			v, err := vline(e.Seconds(), floorMs, hi, sty)
			if err != nil {
				return fmt.Errorf("charts: %w", err)
			}
			p.Add(v)
			if k == 0 {
				p.Legend.Add(l.Name+": a token stops being usable", v)
			}
		}
	}
	p.X.Min = 0
	return write(w, p, m)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// msLabel labels a power of ten of milliseconds.
func msLabel(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%g µs", v*1000)
	case v < 1000:
		return fmt.Sprintf("%g ms", v)
	}
	return fmt.Sprintf("%g s", v/1000)
}

var _ plot.Ticker = logTicks{}
