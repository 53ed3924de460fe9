// Command report runs gatehouse's side-by-side comparisons with its peers and
// prints them as Markdown: every performance target with the peer beside it
// and a verdict, then the tables behind them (outbound overhead per request,
// Source.Token, the concurrent refresh load, the failing token endpoint, and
// inbound authentication in std, gin and echo). Every number comes from this
// one run on this machine.
//
// Usage:
//
//	go run ./cmd/report          # the full run, about two minutes
//	go run ./cmd/report -quick   # a short run, under a minute
//
// It also draws SVG charts of the load, outage, inbound and fleet sections
// into the directory -charts names (charts by default, none with -quick
// unless -charts is given; off for none) and links them from the report.
//
// Each benchmark is measured -rounds times (11, or 5 with -quick) for -each
// (50 ms, or 20 ms with -quick); the rounds interleave all benchmarks, so
// that a change in the machine's load touches every case alike. Times are
// the benchmark thread's CPU time per operation (wall-clock time is shown
// beside it, and stands for the parallel rows):
// on a machine shared with other busy processes, wall-clock time mostly
// measures the wait for a core. Tables show the median and the range
// (min–max); ratios are taken within each round, then summarised the same
// way. Verdicts of a -quick run are marked indicative. The flags -rounds,
// -each, -duration, -goroutines and -outage override what -quick sets;
// -sections chooses the sections.
// The fleet section (-replicas, -fleet-duration) runs this program again as
// its replica processes; it needs redis-server on the PATH (Debian's
// redis-server package) and says so when it is missing.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
	"github.com/gin-gonic/gin"
)

type options struct {
	quick      bool
	rounds     int
	each       time.Duration
	duration   time.Duration
	outage     time.Duration
	goroutines int
	sections   string
	progress   io.Writer // nil: no progress lines
	// replicas and fleetDuration size the fleet section.
	replicas      int
	fleetDuration time.Duration
	// charts is the -charts flag (chartsDir interprets it); args are the
	// command line's arguments, printed on the charts.
	charts string
	args   []string
}

func main() {
	// The fleet section runs this program again as its replicas.
	harness.FleetReplicaMain()
	// testing.Init registers -test.benchtime, which testing.Benchmark reads.
	testing.Init()
	var o options
	flag.BoolVar(&o.quick, "quick", false, "a short run (about thirty seconds); its verdicts are indicative")
	flag.IntVar(&o.rounds, "rounds", 0, "measurements of each benchmark (default 11, 5 with -quick)")
	flag.DurationVar(&o.each, "each", 0, "length of one measurement of one benchmark (default 50ms, 20ms with -quick)")
	flag.DurationVar(&o.duration, "duration", 0, "length of the concurrent-refresh run per library (default 10s, 3s with -quick)")
	flag.DurationVar(&o.outage, "outage", 0, "length of the token endpoint's outage (default 10s, 3s with -quick)")
	flag.IntVar(&o.goroutines, "goroutines", 1000, "concurrent callers in the load and outage runs")
	flag.StringVar(&o.sections, "sections", "outbound,load,outage,inbound,fleet", "comma-separated sections to run")
	flag.IntVar(&o.replicas, "replicas", 8, "replica processes in the fleet section")
	flag.DurationVar(&o.fleetDuration, "fleet-duration", 0, "length of each fleet run (default 10s, 4s with -quick)")
	flag.StringVar(&o.charts, "charts", "", "directory for the SVG charts, linked from the report; off for none (default charts, none with -quick)")
	flag.Parse()
	o.args = os.Args[1:]
	o = o.withDefaults()
	o.progress = os.Stderr
	// gin's debug mode prints every route registration; the benchmarks build
	// many engines.
	gin.SetMode(gin.ReleaseMode)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func (o options) withDefaults() options {
	if o.rounds <= 0 {
		o.rounds = pick(o.quick, 5, 11)
	}
	if o.each <= 0 {
		o.each = pick(o.quick, 20*time.Millisecond, 50*time.Millisecond)
	}
	if o.duration <= 0 {
		o.duration = pick(o.quick, 3*time.Second, 10*time.Second)
	}
	if o.outage <= 0 {
		o.outage = pick(o.quick, 3*time.Second, 10*time.Second)
	}
	if o.fleetDuration <= 0 {
		o.fleetDuration = pick(o.quick, 4*time.Second, 10*time.Second)
	}
	return o
}

func pick[T any](quick bool, q, full T) T {
	if quick {
		return q
	}
	return full
}

// report collects what the sections measured: the benchmark samples, and
// one row per performance target for the summary.
type report struct {
	o       options
	samples map[string]harness.Samples
	targets []targetRow
	charts  chartSet
}

// targetRow is one row of the summary; order is its place in it (the order
// of the performance targets in the design), since sections run in another.
type targetRow struct {
	order int
	cells []string // what, target, gatehouse, peer, verdict
}

// The summary's order.
const (
	orderSource = iota
	orderBearer
	orderLoad
	orderOutage
	orderJWTHit
	orderJWTFirst
	orderAPIKey
	orderFleet // the fleet section (a Store shared by N processes) goes here
)

// verdict says met or not met; a -quick run's verdicts are indicative.
func (r *report) verdict(ok bool) string {
	v := "met"
	if !ok {
		v = "**not met**"
	}
	if r.o.quick {
		v += " (indicative)"
	}
	return v
}

// within judges a measured spread against an upper limit: met when its
// median is within the limit. When its range spans the limit, the verdict
// says so: another run may well land on the other side.
func (r *report) within(s harness.Spread, limit float64) string {
	v := r.verdict(s.Median <= limit)
	if spans(s, limit) {
		v += ", range spans the target"
	}
	return v
}

func spans(s harness.Spread, limit float64) bool { return s.N > 1 && s.Min <= limit && s.Max > limit }

// target adds a summary row whose verdict is ok; near says that a measured
// range spans the target.
func (r *report) target(order int, what, target, gatehouse, peer string, ok, near bool) {
	v := r.verdict(ok)
	if near {
		v += ", range spans the target"
	}
	r.targets = append(r.targets, targetRow{order, []string{what, target, gatehouse, peer, v}})
}

func (r *report) logf(format string, args ...any) {
	if r.o.progress != nil {
		fmt.Fprintf(r.o.progress, "report: "+format+"\n", args...)
	}
}

func run(ctx context.Context, w io.Writer, o options) error {
	o = o.withDefaults()
	want := map[string]bool{}
	for _, s := range strings.Split(o.sections, ",") {
		want[strings.TrimSpace(s)] = true
	}
	start := time.Now()
	m := harness.DescribeMachine()
	r := &report{o: o, charts: chartSet{dir: o.chartsDir()}}

	// The benchmarks of every section run together, interleaved.
	var cases []harness.Case
	var fixture *harness.Fixture
	if want["outbound"] {
		cases = append(cases, harness.OutboundCases()...)
		cases = append(cases, harness.SourceCases()...)
	}
	var inbound []harness.InboundCase
	if want["inbound"] {
		r.logf("generating keys and tokens")
		var err error
		if fixture, err = harness.NewFixture(); err != nil {
			return err
		}
		if inbound, err = harness.InboundCases(fixture); err != nil {
			return err
		}
		crypto, err := harness.CryptoCases(fixture)
		if err != nil {
			return err
		}
		// Each algorithm's crypto floor is measured right after the raw
		// verifications it is compared with.
		floor := map[string]harness.Case{}
		for _, c := range crypto {
			floor[strings.TrimPrefix(c.Name, "crypto/")] = c
		}
		for _, c := range inbound {
			cases = append(cases, c.Case)
			if c.Framework == harness.Raw && c.Auth == harness.AuthGatehouse {
				cases = append(cases, floor[c.Alg])
			}
		}
	}
	if len(cases) > 0 {
		r.logf("%d benchmarks, %d rounds of %v each", len(cases), o.rounds, o.each)
		var err error
		r.samples, err = harness.MeasureRounds(cases, harness.Rounds{Count: o.rounds, Each: o.each,
			Progress: func(round, of int) {
				if round == 0 {
					r.logf("calibrating")
				} else {
					r.logf("round %d of %d", round, of)
				}
			}})
		if err != nil {
			return err
		}
	}

	var body bytes.Buffer
	if want["outbound"] {
		outboundSection(&body, r)
		sourceSection(&body, r)
	}
	if want["load"] {
		r.logf("concurrent refresh load, %v per library", o.duration)
		if err := loadSection(ctx, &body, r); err != nil {
			return err
		}
	}
	if want["outage"] {
		r.logf("failing token endpoint, %v outage per library", o.outage)
		if err := outageSection(ctx, &body, r); err != nil {
			return err
		}
	}
	if want["inbound"] {
		jwtSection(&body, r, inbound)
		apiKeySection(&body, r, inbound)
		r.charts.add(&body, chartInbound, "Inbound cost: overhead per request, gatehouse and its peers", inboundChart(r))
	}
	if want["fleet"] {
		r.logf("fleet: %d replica processes, %v per run", o.replicas, o.fleetDuration)
		ft, err := fleetSection(ctx, &body, o.replicas, o.fleetDuration, &r.charts)
		if err != nil {
			return err
		}
		if ft.ran {
			r.target(orderFleet, ft.what, ft.target, ft.gatehouse, ft.peer, ft.ok, false)
		}
	}

	mode := fmt.Sprintf("full: each benchmark measured %d times for %v, interleaved; median (min–max)", o.rounds, o.each)
	if o.quick {
		mode = fmt.Sprintf("quick (-quick): %d measurements of %v each; verdicts are indicative", o.rounds, o.each)
	}
	fmt.Fprintf(w, "# gatehouse side by side with its peers\n\n")
	table(w, []string{"machine", ""}, [][]string{
		{"CPU", m.CPU},
		{"cores (GOMAXPROCS)", fmt.Sprintf("%d (%d)", m.Cores, m.Procs)},
		{"Go", fmt.Sprintf("%s %s/%s", m.GoVersion, m.OS, m.Arch)},
		{"date", m.Date.Format(time.RFC3339)},
		{"load average (1, 5, 15 min) at start / end", m.Load + " / " + harness.LoadAverage()},
		{"run", mode},
		{"took", time.Since(start).Round(time.Second).String()},
	})
	if len(r.targets) > 0 {
		slices.SortStableFunc(r.targets, func(a, b targetRow) int { return a.order - b.order })
		rows := make([][]string, len(r.targets))
		for i, t := range r.targets {
			rows[i] = t.cells
		}
		fmt.Fprintf(w, "## Targets\n\n")
		fmt.Fprintf(w, "Each target with the peer measured beside it in this run; the sections below hold the tables behind them. "+
			"Times are the CPU time per operation of the benchmark's thread (wall-clock time for the parallel rows), medians with "+
			"their range (min–max) over the rounds; ratios are taken within each round. On a quiet machine thread CPU time and "+
			"wall-clock time agree for these serial benchmarks (the tables show both); on a machine whose cores are shared with "+
			"other busy processes, wall-clock time mostly measures the wait for a core, which is why the verdicts rest on CPU time.\n\n")
		table(w, []string{"what", "target", "gatehouse", "peer, same run", "verdict"}, rows)
		if len(cases) > 0 {
			// One run cannot show that its verdicts hold: that takes a
			// second run to compare with, which this report does not claim.
			fmt.Fprintf(w, "Each benchmark verdict rests on the median of %d interleaved measurements of %v; whether the "+
				"verdicts hold is seen by comparing two runs (bench/RESULTS.md does).\n\n", o.rounds, o.each)
		}
	}
	if err := r.charts.write(chartMeta(m, o)); err != nil {
		return err
	}
	_, err := body.WriteTo(w)
	return err
}
