package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/bench/internal/charts"
	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// The charts' file names in the -charts directory.
const (
	chartRefresh = "refresh.svg"
	chartOutage  = "outage.svg"
	chartFleet   = "fleet.svg"
	chartInbound = "inbound.svg"
)

// chartSet holds the charts the sections drew, until the run's metadata is
// known.
type chartSet struct {
	dir   string
	draws []chartDraw
}

type chartDraw struct {
	file string
	draw func(io.Writer, charts.Meta) error
}

// chartsDir is where -charts puts the charts: "" for none. By default a full
// run writes them to charts/, a -quick run writes none.
func (o options) chartsDir() string {
	switch o.charts {
	case "off", "none":
		return ""
	case "":
		return pick(o.quick, "", "charts")
	}
	return o.charts
}

// add queues a chart, and writes a Markdown link to it into w.
func (c *chartSet) add(w io.Writer, file, alt string, draw func(io.Writer, charts.Meta) error) {
	if c.dir == "" {
		return
	}
	c.draws = append(c.draws, chartDraw{file, draw})
	fmt.Fprintf(w, "![%s](%s)\n\n", alt, filepath.ToSlash(filepath.Join(c.dir, file)))
}

// write draws the queued charts into their directory.
func (c *chartSet) write(m charts.Meta) error {
	if c.dir == "" || len(c.draws) == 0 {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	for _, d := range c.draws {
		var buf bytes.Buffer
		if err := d.draw(&buf, m); err != nil {
			return fmt.Errorf("chart %s: %w", d.file, err)
		}
		if err := os.WriteFile(filepath.Join(c.dir, d.file), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// chartMeta is the footer of every chart: the machine line, the date and
// the command that reproduces the run.
func chartMeta(m harness.Machine, o options) charts.Meta {
	cmd := "cd bench && go run ./cmd/report"
	if len(o.args) > 0 {
		cmd += " " + strings.Join(o.args, " ")
	}
	return charts.Meta{
		Machine: fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %s %s/%s, load average at start %s",
			m.CPU, m.Cores, m.Procs, m.GoVersion, m.OS, m.Arch, m.Load),
		Date:    m.Date.Format(time.RFC3339),
		Command: cmd,
	}
}

// refreshChart draws the load section's token waits per bucket.
func refreshChart(results []harness.LoadResult) func(io.Writer, charts.Meta) error {
	c := results[0].Config
	title := fmt.Sprintf("Callers under concurrent refresh: token wait per %v\n%d goroutines, %v tokens, %v token endpoint; one run of %v per library",
		harness.TimelineBucket, c.Goroutines, c.Lifetime, c.TokenLatency, c.Duration)
	var libs []charts.Latency
	for _, r := range results {
		l := charts.Latency{Name: string(r.Library), Bucket: harness.TimelineBucket, Ends: r.TokenEnds}
		for _, b := range r.Timeline {
			l.Max, l.P99, l.N = append(l.Max, b.Max), append(l.P99, b.P99), append(l.N, b.N)
		}
		libs = append(libs, l)
	}
	return func(w io.Writer, m charts.Meta) error { return charts.Refresh(w, m, title, libs) }
}

// outageChart draws the outage section's calls per second.
func outageChart(results []harness.OutageResult) func(io.Writer, charts.Meta) error {
	c := results[0].Config
	title := fmt.Sprintf("Token endpoint during an outage: calls per second\n%d callers; the endpoint answers 503 (Retry-After: %d) for %v",
		c.Goroutines, c.RetryAfter, c.Outage)
	var libs []charts.Calls
	end := c.Outage + time.Second
	for _, r := range results {
		libs = append(libs, charts.Calls{Name: string(r.Library), At: r.Calls})
		end = max(end, r.Ended)
	}
	end = end.Truncate(time.Second) + time.Second
	win := charts.Window{From: 0, To: c.Outage, Name: "the endpoint answers 503"}
	return func(w io.Writer, m charts.Meta) error {
		return charts.Outage(w, m, title, -c.Before.Truncate(time.Second)-time.Second, end, win, libs)
	}
}

// fleetChart draws the fleet section's token requests per refresh cycle.
func fleetChart(runs []harness.FleetResult, killed harness.FleetResult) func(io.Writer, charts.Meta) error {
	c := killed.Config
	title := fmt.Sprintf("A fleet of %d replica processes: token requests per refresh cycle\n%d goroutines each, %v tokens, %v token endpoint; one run of %v per fleet",
		c.Replicas, c.Goroutines, c.Lifetime, c.TokenLatency, c.Duration)
	var fleets []charts.Calls
	for _, r := range runs {
		fleets = append(fleets, charts.Calls{Name: string(r.Mode), At: r.Calls})
	}
	fleets = append(fleets, charts.Calls{Name: string(killed.Mode) + ", Redis killed", At: killed.Calls})
	down := charts.Window{From: killed.Down.From, To: killed.Down.To, Name: "Redis down (the killed run)"}
	return func(w io.Writer, m charts.Meta) error {
		return charts.Fleet(w, m, title, c.Lifetime/2, c.Duration, down, fleets)
	}
}

// inboundChart draws the overheads of the inbound sections.
func inboundChart(r *report) func(io.Writer, charts.Meta) error {
	title := fmt.Sprintf("Inbound cost: overhead per request over the bare handler\n%d interleaved rounds of %v; gatehouse and by hand in std (net/http), echo's in echo",
		r.o.rounds, r.o.each)
	var groups []string
	gate := charts.Bars{Name: "gatehouse (std)"}
	hand := charts.Bars{Name: "by hand (std): golang-jwt; SHA-256 map"}
	echo := charts.Bars{Name: "echo-jwt; echo KeyAuth (echo)"}
	bar := func(s harness.Spread) charts.Bar { return charts.Bar{Median: s.Median, Min: s.Min, Max: s.Max, N: s.N} }
	for _, mode := range []string{harness.ModeRepeated, harness.ModeFirstSight} {
		for _, alg := range harness.Algorithms() {
			what := "cached"
			if mode == harness.ModeFirstSight {
				what = "first sight"
			}
			groups = append(groups, "JWT "+alg+"\n"+what)
			gate.Bars = append(gate.Bars, bar(r.over("inbound/std/gatehouse/"+alg+"/"+mode, "inbound/std/none")))
			hand.Bars = append(hand.Bars, bar(r.over("inbound/std/golang-jwt/"+alg, "inbound/std/none")))
			echo.Bars = append(echo.Bars, bar(r.over("inbound/echo/echo-jwt/"+alg, "inbound/echo/none")))
		}
	}
	groups = append(groups, "API key\n+ User-Agent")
	gate.Bars = append(gate.Bars, bar(r.over("apikey/std/gatehouse-apikey", "inbound/std/none")))
	hand.Bars = append(hand.Bars, bar(r.over("apikey/std/by-hand-apikey", "inbound/std/none")))
	echo.Bars = append(echo.Bars, bar(r.over("apikey/echo/echo-keyauth", "inbound/echo/none")))
	series := []charts.Bars{gate, hand, echo}
	return func(w io.Writer, m charts.Meta) error { return charts.Inbound(w, m, title, groups, series) }
}
