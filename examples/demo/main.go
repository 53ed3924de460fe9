// Command demo shows gatehouse at work on both sides of the wire, on loopback
// only and with no setup:
//
//	go run ./examples/demo
//
// Outbound, it starts fake Efí Pix, SoPague, DiviPay, Banking API and Asaas
// servers (package outbound/providertest; Efí Pix and the Banking API with
// mTLS) and calls each from concurrent clients built by gatehouse's provider
// presets. Tokens live a few seconds, so you see them refreshed ahead of
// expiry while requests keep flowing without waiting.
//
// Inbound, it serves one protected API through net/http, gin and echo, with
// Bearer JWTs on /v1/* and Asaas-style API keys plus User-Agent on /keys/*,
// and sends it valid and invalid credentials: every adapter must give each
// the same, expected answer.
//
// It prints one progress line a second, a summary at the end and a one-line
// verdict, "PASS: ..." or "FAIL: ...", and exits with status 1 on FAIL.
// While it runs, gatehouse's OpenTelemetry metrics (package gatehouseotel,
// through the OpenTelemetry Prometheus exporter) are served on a loopback
// /metrics page whose address it prints; at the end it checks that they
// agree with the summary.
//
// Flags:
//
//	-duration 20s    how long to run
//	-concurrency 4   clients per provider and per framework
//	-lifetime 4s     lifetime of the fake providers' tokens
//	-pause 2ms       pause of each client between requests (0: flat out)
//	-quiet           no progress lines
//	-metrics         print gatehouse's metrics in the Prometheus text format at the end
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// config is what the flags set.
type config struct {
	Duration    time.Duration
	Concurrency int
	Lifetime    time.Duration
	Pause       time.Duration
	Quiet       bool
	Metrics     bool
}

func (c config) validate() error {
	switch {
	case c.Duration <= 0:
		return errors.New("-duration must be positive")
	case c.Concurrency < 1:
		return errors.New("-concurrency must be at least 1")
	case c.Lifetime < time.Second:
		return errors.New("-lifetime must be at least 1s: providers report lifetimes in whole seconds")
	case c.Pause < 0:
		return errors.New("-pause must not be negative")
	}
	return nil
}

func main() {
	var cfg config
	flag.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long to run")
	flag.IntVar(&cfg.Concurrency, "concurrency", 4, "concurrent clients per provider and per framework")
	flag.DurationVar(&cfg.Lifetime, "lifetime", 4*time.Second, "lifetime of the fake providers' tokens")
	flag.DurationVar(&cfg.Pause, "pause", 2*time.Millisecond, "pause of each client between requests (0: as fast as possible)")
	flag.BoolVar(&cfg.Quiet, "quiet", false, "print the summary only")
	flag.BoolVar(&cfg.Metrics, "metrics", false, "print gatehouse's metrics (Prometheus text format) at the end")
	flag.Parse()

	gin.SetMode(gin.ReleaseMode) // gin's debug mode prints every route
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	_, err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// results is what a run did, for the summary and the tests.
type results struct {
	tel         *telemetry
	providers   []*provider
	adapters    []*adapter
	issuer      *issuerKeys
	credentials []credential
	problems    *problems
}

// run starts everything, drives traffic for cfg.Duration (or until ctx ends),
// stops everything and writes the summary to w. It fails if anything
// unexpected happened.
func run(ctx context.Context, cfg config, w io.Writer) (*results, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tel, err := newTelemetry()
	if err != nil {
		return nil, err
	}
	defer tel.close()
	providers, err := startProviders(cfg.Lifetime, tel)
	if err != nil {
		return nil, err
	}
	defer closeProviders(providers)
	api, err := newAPI(time.Now(), tel)
	if err != nil {
		return nil, err
	}
	defer api.close()
	res := &results{tel: tel, providers: providers, adapters: api.adapters, issuer: api.issuer, credentials: api.credentials, problems: &problems{}}
	if !cfg.Quiet {
		printSetup(w, cfg, res)
	}

	// Clients stop starting requests at the end of the run, and the
	// requests under way finish (only an interrupt cuts them short), so
	// that every request the servers saw is in the summary.
	began := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for _, p := range providers {
		drive(runCtx, ctx, &wg, cfg, func(ctx context.Context, _ int) {
			err := p.call(ctx)
			if ctx.Err() != nil {
				return // cut short by the end of the run
			}
			p.requests.Add(1)
			if err != nil {
				p.failed.Add(1)
				res.problems.add("%s: %v", p.name, err)
				return
			}
			p.ok.Add(1)
		})
	}
	for _, ad := range api.adapters {
		drive(runCtx, ctx, &wg, cfg, func(ctx context.Context, i int) {
			c := api.credentials[i%len(api.credentials)]
			err := api.send(ctx, ad, c)
			if ctx.Err() != nil {
				return
			}
			ad.requests.Add(1)
			switch {
			case err != nil:
				ad.unexpected.Add(1)
				res.problems.add("%s: %v", ad.name, err)
			case c.code == "":
				ad.accepted.Add(1)
			default:
				ad.rejected[c.code].Add(1)
			}
		})
	}
	if !cfg.Quiet {
		progress(runCtx, w, res)
	}
	wg.Wait()
	tel.settle() // a refresh ahead of expiry may still be finishing

	printSummary(w, res)
	switch err := tel.check(res); {
	case ctx.Err() != nil:
		// Interrupted: requests cut short may be in the metrics and not
		// in the summary.
	case err != nil:
		res.problems.add("%v", err)
	default:
		fmt.Fprintln(w, "\nmetrics agree with the summary:", tel.addr)
	}
	if cfg.Metrics {
		fmt.Fprintln(w, "\ngatehouse metrics (Prometheus text format):")
		if err := tel.writeText(w); err != nil {
			return res, err
		}
	}
	printVerdict(w, res, time.Since(began))
	if n := res.problems.count(); n > 0 {
		return res, fmt.Errorf("%d unexpected results", n)
	}
	return res, nil
}

// drive starts cfg.Concurrency clients that call step until run ends, each
// step on reqCtx. Each client passes its own running count, offset so that
// clients start on different credentials.
func drive(run, reqCtx context.Context, wg *sync.WaitGroup, cfg config, step func(ctx context.Context, i int)) {
	for c := range cfg.Concurrency {
		wg.Go(func() {
			for i := c; run.Err() == nil; i++ {
				step(reqCtx, i)
				if cfg.Pause > 0 {
					select {
					case <-run.Done():
					case <-time.After(cfg.Pause):
					}
				}
			}
		})
	}
}

// progress prints one line a second until ctx ends.
func progress(ctx context.Context, w io.Writer, res *results) {
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastOut, lastIn int64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			out, in, tokenRequests := res.totals()
			fmt.Fprintf(w, "%4.0fs   outbound %6d req/s   inbound %6d req/s   token requests so far (all fakes) %4d   unexpected %d\n",
				now.Sub(start).Seconds(), out-lastOut, in-lastIn, tokenRequests, res.problems.count())
			lastOut, lastIn = out, in
		}
	}
}

// totals sums the requests sent out and in, and the token requests the fake
// providers received.
func (r *results) totals() (out, in, tokenRequests int64) {
	for _, p := range r.providers {
		out += p.requests.Load()
	}
	for _, f := range tokenFakes(r) {
		tokenRequests += f.TokenRequests()
	}
	for _, ad := range r.adapters {
		in += ad.requests.Load()
	}
	return out, in, tokenRequests
}

// problems collects unexpected results: all are counted, the first few kept
// for the report.
type problems struct {
	mu    sync.Mutex
	n     int
	first []string
}

const keptProblems = 10

func (p *problems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if len(p.first) < keptProblems {
		p.first = append(p.first, fmt.Sprintf(format, args...))
	}
}

func (p *problems) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// list returns the problems kept.
func (p *problems) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.first...)
}
