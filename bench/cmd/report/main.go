// Command report runs gatehouse's side-by-side comparisons with its peers and
// prints them as Markdown: outbound overhead per request, the concurrent
// refresh load, the failing token endpoint, and inbound authentication in
// std, gin and echo. Every number comes from this one run on this machine.
//
// Usage:
//
//	go run ./cmd/report          # the full run, a few minutes
//	go run ./cmd/report -quick   # a short run, under a minute
//
// The flags -benchtime, -duration, -goroutines, -outage and -fleet-duration
// override what -quick sets. The fleet section needs redis-server on the
// PATH (Debian's redis-server package) and says so when it is missing.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
	"github.com/gin-gonic/gin"
)

type options struct {
	quick      bool
	benchtime  time.Duration
	duration   time.Duration
	outage     time.Duration
	goroutines int
	sections   string
	// replicas and fleetDuration size the fleet section.
	replicas      int
	fleetDuration time.Duration
}

func main() {
	// The fleet section runs this program again as its replicas.
	harness.FleetReplicaMain()
	// testing.Init registers -test.benchtime, which testing.Benchmark reads.
	testing.Init()
	var o options
	flag.BoolVar(&o.quick, "quick", false, "a short run (under a minute)")
	flag.DurationVar(&o.benchtime, "benchtime", 0, "time per benchmark (default 1s, 100ms with -quick)")
	flag.DurationVar(&o.duration, "duration", 0, "length of the concurrent-refresh run per library (default 10s, 3s with -quick)")
	flag.DurationVar(&o.outage, "outage", 0, "length of the token endpoint's outage (default 10s, 3s with -quick)")
	flag.IntVar(&o.goroutines, "goroutines", 1000, "concurrent callers in the load and outage runs")
	flag.StringVar(&o.sections, "sections", "outbound,load,outage,inbound,fleet", "comma-separated sections to run")
	flag.IntVar(&o.replicas, "replicas", 8, "replica processes in the fleet section")
	flag.DurationVar(&o.fleetDuration, "fleet-duration", 0, "length of each fleet run (default 10s, 4s with -quick)")
	flag.Parse()
	if o.benchtime == 0 {
		o.benchtime = pick(o.quick, 100*time.Millisecond, time.Second)
	}
	if o.duration == 0 {
		o.duration = pick(o.quick, 3*time.Second, 10*time.Second)
	}
	if o.fleetDuration == 0 {
		o.fleetDuration = pick(o.quick, 4*time.Second, 10*time.Second)
	}
	if o.outage == 0 {
		o.outage = pick(o.quick, 3*time.Second, 10*time.Second)
	}
	if err := flag.Set("test.benchtime", o.benchtime.String()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(2)
	}
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

func pick[T any](quick bool, q, full T) T {
	if quick {
		return q
	}
	return full
}

func run(ctx context.Context, w io.Writer, o options) error {
	want := map[string]bool{}
	for _, s := range strings.Split(o.sections, ",") {
		want[strings.TrimSpace(s)] = true
	}
	m := harness.DescribeMachine()
	mode := "full"
	if o.quick {
		mode = "quick (-quick)"
	}
	fmt.Fprintf(w, "# gatehouse side by side with its peers\n\n")
	table(w, []string{"machine", ""}, [][]string{
		{"CPU", m.CPU},
		{"cores (GOMAXPROCS)", fmt.Sprintf("%d (%d)", m.Cores, m.Procs)},
		{"Go", fmt.Sprintf("%s %s/%s", m.GoVersion, m.OS, m.Arch)},
		{"date", m.Date.Format(time.RFC3339)},
		{"run", fmt.Sprintf("%s; benchtime %v", mode, o.benchtime)},
	})
	if want["outbound"] {
		outboundSection(w)
	}
	if want["load"] {
		if err := loadSection(ctx, w, o); err != nil {
			return err
		}
	}
	if want["outage"] {
		if err := outageSection(ctx, w, o); err != nil {
			return err
		}
	}
	if want["inbound"] {
		if err := inboundSection(w); err != nil {
			return err
		}
	}
	if want["fleet"] {
		ft, err := fleetSection(ctx, w, o.replicas, o.fleetDuration)
		if err != nil {
			return err
		}
		if ft.ran {
			table(w, []string{"target", "measured", "peer", ""}, [][]string{{ft.target, ft.gatehouse, ft.peer, verdict(ft.ok)}})
		}
	}
	return nil
}

// table prints a Markdown table.
func table(w io.Writer, head []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(head, " | "))
	// Columns holding numbers are right-aligned.
	seps := make([]string, len(head))
	for i := range seps {
		seps[i] = "---"
		for _, r := range rows {
			if i < len(r) && r[i] != "" && r[i][0] >= '0' && r[i][0] <= '9' {
				seps[i] = "--:"
				break
			}
		}
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
}

func ns(v float64) string {
	switch {
	case v >= 10_000:
		return fmt.Sprintf("%.1f µs", v/1000)
	case v >= 1000:
		return fmt.Sprintf("%.2f µs", v/1000)
	}
	return fmt.Sprintf("%.0f ns", v)
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

func outboundSection(w io.Writer) {
	fmt.Fprintf(w, "## 1. Outbound overhead per request\n\n")
	fmt.Fprintf(w, "One GET through each decorator onto a bare RoundTripper that returns a canned response; "+
		"both libraries hold a valid token (x/oauth2: `Transport` over a `ReuseTokenSource`). "+
		"Overhead is the time and allocations above the bare transport.\n\n")
	res := map[string]harness.Result{}
	for _, c := range harness.OutboundCases() {
		res[c.Name] = harness.Measure(c)
	}
	var rows [][]string
	for _, mode := range []string{"serial", "parallel"} {
		bare := res["outbound/"+mode+"/bare"]
		for _, lib := range []string{"bare", "x-oauth2", "gatehouse"} {
			r := res["outbound/"+mode+"/"+lib]
			rows = append(rows, []string{mode + " " + lib, ns(r.NsPerOp), fmt.Sprint(r.BytesPerOp), fmt.Sprint(r.Allocs),
				ns(r.NsPerOp - bare.NsPerOp)})
		}
	}
	table(w, []string{"case", "ns/op", "B/op", "allocs/op", "overhead"}, rows)
	var rrows [][]string
	for _, mode := range []string{"serial", "parallel"} {
		bare := res["outbound/"+mode+"/bare"].NsPerOp
		g, x := res["outbound/"+mode+"/gatehouse"], res["outbound/"+mode+"/x-oauth2"]
		q := (g.NsPerOp - bare) / (x.NsPerOp - bare)
		if mode == "serial" {
			rrows = append(rrows, []string{"serial: gatehouse overhead / x/oauth2 overhead", fmt.Sprintf("%.2f×", q), "≤ 0.50×", verdict(q <= 0.5)})
			rrows = append(rrows, []string{"gatehouse allocs/op", fmt.Sprint(g.Allocs), "≤ 3", verdict(g.Allocs <= 3)})
		} else {
			// No target: on a shared machine the parallel figures mostly
			// measure the other tenants.
			rrows = append(rrows, []string{"parallel (b.RunParallel): gatehouse overhead / x/oauth2 overhead", fmt.Sprintf("%.2f×", q), "", ""})
		}
	}
	table(w, []string{"ratio", "measured", "target", ""}, rrows)
}

func loadSection(ctx context.Context, w io.Writer, o options) error {
	cfg := harness.LoadConfig{Goroutines: o.goroutines, Duration: o.duration}
	fmt.Fprintf(w, "## 2. Concurrent refresh load\n\n")
	var rows [][]string
	var results []harness.LoadResult
	for _, lib := range []harness.Library{harness.Gatehouse, harness.XOAuth2} {
		r, err := harness.RunLoad(ctx, lib, cfg)
		if err != nil {
			return fmt.Errorf("load %s: %w", lib, err)
		}
		results = append(results, r)
		sw := "n/a"
		if r.SourceWaits >= 0 {
			sw = fmt.Sprint(r.SourceWaits)
		}
		agree := r.EndpointTotal == r.LibraryTotal && r.EndpointTotal == r.ClientTotal
		rows = append(rows, []string{string(lib), fmt.Sprint(r.Requests),
			fmt.Sprintf("%.0f", float64(r.Requests)/r.Elapsed.Seconds()),
			fmt.Sprint(r.Fetches), fmt.Sprintf("%.1f", r.ExpectedFetches()), fmt.Sprint(r.Used), fmt.Sprintf("%.2f", r.FetchesPerLifetime()),
			fmt.Sprint(r.Waited1ms), fmt.Sprint(r.Waited40ms), dur(r.P50), dur(r.P99), dur(r.Max), sw,
			fmt.Sprintf("%d/%d", r.Unauthorized, r.Errors), fmt.Sprintf("%v (%d)", agree, r.EndpointTotal)})
	}
	r0 := results[0]
	fmt.Fprintf(w, "%d goroutines send GETs through an `http.Client` to a loopback API for %v per library; "+
		"the token endpoint answers after %v with `expires_in` %v. Both libraries stop using a token %v before it "+
		"expires (gatehouse's default margin, a tenth of the lifetime; x/oauth2 gets the same through "+
		"`oauth2.ReuseTokenSourceWithExpiry`, since its default 10 s would make a %v token unusable). gatehouse keeps "+
		"its default refresh-ahead, half the lifetime here, so it replaces its token every ~%v; x/oauth2 every ~%v. "+
		"The token wait is measured by a decorator outside the library's and one inside it, the same for both. "+
		"The first token is fetched before the run, so these are all after warm-up. API idle pools hold %d connections.\n\n",
		r0.Config.Goroutines, r0.Config.Duration, r0.Config.TokenLatency, r0.Config.Lifetime, r0.Margin, r0.Config.Lifetime,
		results[0].RefreshInterval+r0.Config.TokenLatency, results[1].RefreshInterval+r0.Config.TokenLatency, r0.Config.Goroutines)
	table(w, []string{"library", "requests", "req/s", "token fetches", "replacements due", "fetched tokens used", "fetches per lifetime",
		"waited ≥ 1 ms", "waited ≥ 40 ms", "wait p50", "wait p99", "wait max", "Source waits", "401s/errors", "counts agree (total)"}, rows)
	g, x := results[0], results[1]
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"gatehouse fetches whose token was never used", fmt.Sprint(g.Fetches - g.Used), "≤ 1 (one fetch per replacement, the last one maybe unused at the end)", verdict(g.Fetches-g.Used <= 1)},
		{"gatehouse requests that waited ≥ 40 ms / x/oauth2's", fmt.Sprintf("%d / %d", g.Waited40ms, x.Waited40ms), "0 after warm-up", verdict(g.Waited40ms == 0)},
		{"gatehouse Token calls that waited for a fetch (Stats().Waits)", fmt.Sprint(g.SourceWaits), "0 after warm-up", verdict(g.SourceWaits == 0)},
	})
	fmt.Fprintf(w, "*Replacements due* is the run's length over the interval at which the library replaces its token (plus the endpoint's latency); "+
		"with one fetch per replacement, *token fetches* is that rounded down. *Fetched tokens used* counts the fetched tokens the API then accepted, so a duplicated fetch would show as a gap. "+
		"gatehouse fetches more often per lifetime than x/oauth2 because it refreshes halfway through the lifetime, while the token is still in use.\n\n")
	fmt.Fprintf(w, "\"Waited ≥ 1 ms\" also counts scheduling delays between the two timing decorators on a busy machine; "+
		"`Source waits` is gatehouse's own exact count of callers that had no usable token.\n\n")
	return nil
}

func outageSection(ctx context.Context, w io.Writer, o options) error {
	cfg := harness.OutageConfig{Goroutines: o.goroutines, Outage: o.outage}
	fmt.Fprintf(w, "## 3. Failing token endpoint\n\n")
	var rows [][]string
	var first harness.OutageResult
	for i, lib := range []harness.Library{harness.Gatehouse, harness.XOAuth2} {
		r, err := harness.RunOutage(ctx, lib, cfg)
		if err != nil {
			return fmt.Errorf("outage %s: %w", lib, err)
		}
		if i == 0 {
			first = r
		}
		rec := "not within " + dur(r.Config.MaxRecovery)
		if r.Recovered {
			rec = dur(r.Recovery)
		}
		rows = append(rows, []string{string(lib), fmt.Sprint(r.OutageCalls), fmt.Sprintf("%.1f", r.OutageRate),
			rec, dur(r.Longest), fmt.Sprint(r.Requests), fmt.Sprint(r.Failed),
			fmt.Sprintf("%v (%d)", r.EndpointTotal == r.LibraryTotal && r.EndpointTotal == r.ClientTotal, r.EndpointTotal)})
	}
	c := first.Config
	fmt.Fprintf(w, "%d goroutines (each pausing %v between requests), tokens living %v, a token endpoint answering after %v. "+
		"%v after warm-up the endpoint answers 503 with `Retry-After: %d` for %v (its answers keep the same latency), then recovers. "+
		"gatehouse uses its default backoff (1 s doubling to 1 min, with jitter, at least Retry-After); x/oauth2 has none. "+
		"Recovery is the time from the endpoint's recovery to the first request that succeeds.\n\n",
		c.Goroutines, c.Pause, c.Lifetime, c.TokenLatency, c.Before, c.RetryAfter, c.Outage)
	table(w, []string{"library", "token requests during outage", "per second", "time to recover", "longest request", "requests", "failed requests", "counts agree (total)"}, rows)
	fmt.Fprintf(w, "gatehouse trades recovery time (up to one backoff step) for a token endpoint that sees at most one call "+
		"per backoff step, and once its token has run out it fails each caller at once, which is why it shows many quick failed requests. "+
		"x/oauth2 calls the endpoint back to back, one caller after another while the others queue on its lock (the longest request), "+
		"and recovers as soon as the endpoint answers.\n\n")
	return nil
}
