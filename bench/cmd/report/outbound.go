package main

import (
	"fmt"
	"io"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// diff is the first case's time above the second's, round by round.
func diff(rs ...harness.Result) float64 { return rs[0].Cost() - rs[1].Cost() }

// overRatio is (a − base) / (b − base) for rounds (a, b, base).
func overRatio(rs ...harness.Result) float64 {
	d := rs[1].Cost() - rs[2].Cost()
	if d <= 0 {
		return 0
	}
	return (rs[0].Cost() - rs[2].Cost()) / d
}

// base is the series case name's overhead is taken against: its baseline
// measured right before it in each round when there is one, else the case
// named fallback.
func (r *report) base(name, fallback string) harness.Samples {
	if s, ok := r.samples[harness.BaselineKey(name)]; ok {
		return s
	}
	return r.samples[fallback]
}

// over is the time of case name above its base, summarised over the rounds.
func (r *report) over(name, fallback string) harness.Spread {
	return harness.PerRound(diff, r.samples[name], r.base(name, fallback))
}

// overRatioOf is a's overhead over b's, each above its own base, round by
// round.
func (r *report) overRatioOf(a, b, fallback string) harness.Spread {
	return harness.PerRound(func(rs ...harness.Result) float64 {
		d := rs[2].Cost() - rs[3].Cost()
		if d <= 0 {
			return 0
		}
		return (rs[0].Cost() - rs[1].Cost()) / d
	}, r.samples[a], r.base(a, fallback), r.samples[b], r.base(b, fallback))
}

// overDiff is a's overhead minus b's, each above its own base, round by
// round.
func (r *report) overDiff(a, b, fallback string) harness.Spread {
	return harness.PerRound(func(rs ...harness.Result) float64 {
		return (rs[0].Cost() - rs[1].Cost()) - (rs[2].Cost() - rs[3].Cost())
	}, r.samples[a], r.base(a, fallback), r.samples[b], r.base(b, fallback))
}

func outboundSection(w io.Writer, r *report) {
	fmt.Fprintf(w, "## 1. Outbound overhead per request\n\n")
	fmt.Fprintf(w, "One POST carrying `Content-Type`, `Accept` and an `Idempotency-Key` through each decorator onto a bare RoundTripper "+
		"that returns a canned response; both libraries hold a valid token (x/oauth2: `Transport` over a `StaticTokenSource`, its "+
		"cheapest form). Overhead is the CPU time above the bare transport, taken within each round; "+
		"the parallel rows show wall-clock time only.\n\n")
	var rows [][]string
	for _, mode := range []string{"serial", "parallel"} {
		bare := "outbound/" + mode + "/bare"
		for _, lib := range []string{"bare", "x-oauth2", "gatehouse"} {
			name := "outbound/" + mode + "/" + lib
			s := r.samples[name]
			rows = append(rows, []string{mode + " " + lib, nsSpread(s.Cost()), ns(s.Ns().Median), countSpread(s.Bytes()), countSpread(s.Allocs()),
				nsSpread(r.over(name, bare))})
		}
	}
	table(w, []string{"case", "CPU ns/op", "wall ns/op", "B/op", "allocs/op", "overhead (CPU)"}, rows)

	g, x, bare := r.samples["outbound/serial/gatehouse"], r.samples["outbound/serial/x-oauth2"], r.samples["outbound/serial/bare"]
	q := harness.PerRound(overRatio, g, x, bare)
	ga := g.Allocs()
	pq := harness.PerRound(overRatio, r.samples["outbound/parallel/gatehouse"], r.samples["outbound/parallel/x-oauth2"],
		r.samples["outbound/parallel/bare"])
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"serial: gatehouse overhead / x/oauth2 overhead", ratioSpread(q), "≤ 0.50×", r.within(q, 0.5)},
		{"gatehouse allocs/op", countSpread(ga), "≤ 3", r.verdict(ga.Median <= 3)},
		// No target: on a shared machine the parallel figures mostly measure
		// the other tenants.
		{"parallel (b.RunParallel): gatehouse overhead / x/oauth2 overhead", ratioSpread(pq), "", ""},
	})
	r.target(orderBearer, "`Bearer` overhead per request (with Content-Type, Accept, an idempotency key)",
		"≤ 0.5× x/oauth2 `Transport` over `StaticTokenSource`, ≤ 3 allocs",
		fmt.Sprintf("%s, %.0f allocs; %s", ns(r.over("outbound/serial/gatehouse", "outbound/serial/bare").Median), ga.Median, ratioSpread(q)),
		fmt.Sprintf("x/oauth2: %s, %.0f allocs", ns(r.over("outbound/serial/x-oauth2", "outbound/serial/bare").Median), x.Allocs().Median),
		q.Median <= 0.5 && ga.Median <= 3, spans(q, 0.5))
}

func sourceSection(w io.Writer, r *report) {
	fmt.Fprintf(w, "## 2. Taking a fresh token\n\n")
	fmt.Fprintf(w, "`Source.Token` on a token that is fresh, beside `time.Now` alone (reading the clock is part of any freshness "+
		"check) and x/oauth2's `ReuseTokenSource.Token` (what its `Transport` calls under `clientcredentials`). The serial rows run "+
		"with GOMAXPROCS 1 (as `go test -cpu 1`); the parallel row runs `b.RunParallel` on every core.\n\n")
	var rows [][]string
	for _, c := range []struct{ name, label string }{
		{"source/serial/time-now", "serial `time.Now` alone"},
		{"source/serial/x-oauth2", "serial x/oauth2 `ReuseTokenSource.Token`"},
		{"source/serial/gatehouse", "serial gatehouse `Source.Token`"},
		{"source/parallel/gatehouse", "parallel gatehouse `Source.Token`"},
	} {
		s := r.samples[c.name]
		rows = append(rows, []string{c.label, nsSpread(s.Cost()), ns(s.Ns().Median), countSpread(s.Bytes()), countSpread(s.Allocs())})
	}
	table(w, []string{"case", "CPU ns/op", "wall ns/op", "B/op", "allocs/op"}, rows)
	g := r.samples["source/serial/gatehouse"]
	gn, ga := g.Cost(), g.Allocs()
	clock := harness.PerRound(diff, g, r.samples["source/serial/time-now"])
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"gatehouse `Source.Token`, serial", nsSpread(gn), "≤ 50 ns", r.within(gn, 50)},
		{"gatehouse allocs/op", countSpread(ga), "0", r.verdict(ga.Max == 0)},
		{"gatehouse `Source.Token` above `time.Now`", nsSpread(clock), "", ""},
	})
	r.target(orderSource, "`Source.Token`, fresh token (GOMAXPROCS 1)", "≤ 50 ns, 0 allocs",
		fmt.Sprintf("%s, %.0f allocs", nsSpread(gn), ga.Max),
		fmt.Sprintf("`time.Now` alone: %s; x/oauth2 `ReuseTokenSource`: %s", ns(r.samples["source/serial/time-now"].Cost().Median),
			ns(r.samples["source/serial/x-oauth2"].Cost().Median)),
		gn.Median <= 50 && ga.Max == 0, spans(gn, 50))
}
