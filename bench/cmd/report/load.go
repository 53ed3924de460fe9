package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

func loadSection(ctx context.Context, w io.Writer, r *report) error {
	cfg := harness.LoadConfig{Goroutines: r.o.goroutines, Duration: r.o.duration}
	fmt.Fprintf(w, "## 3. Concurrent refresh load\n\n")
	var rows [][]string
	var results []harness.LoadResult
	for _, lib := range []harness.Library{harness.Gatehouse, harness.XOAuth2} {
		res, err := harness.RunLoad(ctx, lib, cfg)
		if err != nil {
			return fmt.Errorf("load %s: %w", lib, err)
		}
		results = append(results, res)
		sw := "n/a"
		if res.SourceWaits >= 0 {
			sw = fmt.Sprint(res.SourceWaits)
		}
		agree := res.EndpointTotal == res.LibraryTotal && res.EndpointTotal == res.ClientTotal
		rows = append(rows, []string{string(lib), fmt.Sprint(res.Requests),
			fmt.Sprintf("%.0f", float64(res.Requests)/res.Elapsed.Seconds()),
			fmt.Sprint(res.Fetches), fmt.Sprintf("%.1f", res.ExpectedFetches()), fmt.Sprint(res.Used), fmt.Sprintf("%.2f", res.FetchesPerLifetime()),
			fmt.Sprint(res.Waited1ms), fmt.Sprint(res.Waited40ms), dur(res.P50), dur(res.P99), dur(res.Max), sw,
			fmt.Sprintf("%d/%d", res.Unauthorized, res.Errors), fmt.Sprintf("%v (%d)", agree, res.EndpointTotal)})
	}
	g, x := results[0], results[1]
	c := g.Config
	fmt.Fprintf(w, "%d goroutines send GETs through an `http.Client` to a loopback API for %v per library; "+
		"the token endpoint answers after %v with `expires_in` %v. Both libraries stop using a token %v before it "+
		"expires (gatehouse's default margin, a tenth of the lifetime; x/oauth2 gets the same through "+
		"`oauth2.ReuseTokenSourceWithExpiry`, since its default 10 s would make a %v token unusable). gatehouse keeps "+
		"its default refresh-ahead, half the lifetime here, so it replaces its token every ~%v; x/oauth2 every ~%v. "+
		"The token wait is measured by a decorator outside the library's and one inside it, the same for both. "+
		"The first token is fetched before the run, so these are all after warm-up. API idle pools hold %d connections.\n\n",
		c.Goroutines, c.Duration, c.TokenLatency, c.Lifetime, g.Margin, c.Lifetime,
		g.RefreshInterval+c.TokenLatency, x.RefreshInterval+c.TokenLatency, c.Goroutines)
	r.charts.add(w, chartRefresh, "Callers under concurrent refresh: the slowest and the 99th-percentile token wait per 100 ms, x/oauth2 beside gatehouse", refreshChart(results))
	table(w, []string{"library", "requests", "req/s", "token fetches", "replacements due", "fetched tokens used", "fetches per lifetime",
		"waited ≥ 1 ms", "waited ≥ 40 ms", "wait p50", "wait p99", "wait max", "Source waits", "401s/errors", "counts agree (total)"}, rows)
	unused := g.Fetches - g.Used
	correct := g.Unauthorized == 0 && g.Errors == 0
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"gatehouse fetches whose token was never used", fmt.Sprint(unused), "≤ 1 (one fetch per replacement, the last one maybe unused at the end)", r.verdict(unused <= 1)},
		{"gatehouse Token calls that waited for a fetch (Stats().Waits)", fmt.Sprint(g.SourceWaits), "0 after warm-up", r.verdict(g.SourceWaits == 0)},
		{"gatehouse 401s and errors", fmt.Sprintf("%d/%d", g.Unauthorized, g.Errors), "0", r.verdict(correct)},
		{"requests that waited ≥ 40 ms: gatehouse / x/oauth2", fmt.Sprintf("%d / %d", g.Waited40ms, x.Waited40ms), "", ""},
	})
	fmt.Fprintf(w, "*Replacements due* is the run's length over the interval at which the library replaces its token (plus the endpoint's latency); "+
		"with one fetch per replacement, *token fetches* is that rounded down. *Fetched tokens used* counts the fetched tokens the API then accepted, so a duplicated fetch would show as a gap. "+
		"gatehouse fetches more often per lifetime than x/oauth2 because it refreshes halfway through the lifetime, while the token is still in use.\n\n")
	fmt.Fprintf(w, "The verdict on waiting rests on `Source waits`, gatehouse's own exact count of callers that had no usable token. "+
		"\"Waited ≥ 1 ms\" and \"≥ 40 ms\" come from the timing decorators, the same for both libraries, and also count scheduling "+
		"delays between them on a busy machine.\n\n")
	r.target(orderLoad, fmt.Sprintf("concurrent refresh (%d goroutines, %v tokens, %v endpoint)", c.Goroutines, c.Lifetime, c.TokenLatency),
		"one fetch per refresh cycle; zero callers wait on the token endpoint after warm-up",
		fmt.Sprintf("%d fetches, %d unused; %d Token calls waited; %d requests waited ≥ 40 ms", g.Fetches, unused, g.SourceWaits, g.Waited40ms),
		fmt.Sprintf("x/oauth2: %d fetches; %d requests waited ≥ 40 ms (p99 %s)", x.Fetches, x.Waited40ms, dur(x.P99)),
		unused <= 1 && g.SourceWaits == 0 && correct, false)
	return nil
}

func outageSection(ctx context.Context, w io.Writer, r *report) error {
	cfg := harness.OutageConfig{Goroutines: r.o.goroutines, Outage: r.o.outage}
	fmt.Fprintf(w, "## 4. Failing token endpoint\n\n")
	var rows [][]string
	var results []harness.OutageResult
	for _, lib := range []harness.Library{harness.Gatehouse, harness.XOAuth2} {
		res, err := harness.RunOutage(ctx, lib, cfg)
		if err != nil {
			return fmt.Errorf("outage %s: %w", lib, err)
		}
		results = append(results, res)
		rec := "not within " + dur(res.Config.MaxRecovery)
		if res.Recovered {
			rec = dur(res.Recovery)
		}
		rows = append(rows, []string{string(lib), fmt.Sprint(res.OutageCalls), fmt.Sprintf("%.1f", res.OutageRate),
			rec, dur(res.Longest), fmt.Sprint(res.Requests), fmt.Sprint(res.Failed),
			fmt.Sprintf("%v (%d)", res.EndpointTotal == res.LibraryTotal && res.EndpointTotal == res.ClientTotal, res.EndpointTotal)})
	}
	g, x := results[0], results[1]
	c := g.Config
	fmt.Fprintf(w, "%d goroutines (each pausing %v between requests), tokens living %v, a token endpoint answering after %v. "+
		"%v after warm-up the endpoint answers 503 with `Retry-After: %d` for %v (its answers keep the same latency), then recovers. "+
		"gatehouse uses its default backoff (1 s doubling to 1 min, with jitter, at least Retry-After); x/oauth2 has none. "+
		"Recovery is the time from the endpoint's recovery to the first request that succeeds.\n\n",
		c.Goroutines, c.Pause, c.Lifetime, c.TokenLatency, c.Before, c.RetryAfter, c.Outage)
	r.charts.add(w, chartOutage, "Token endpoint during an outage: calls per second, x/oauth2 beside gatehouse", outageChart(results))
	table(w, []string{"library", "token requests during outage", "per second", "time to recover", "longest request", "requests", "failed requests", "counts agree (total)"}, rows)
	bound := c.MaxBackoffCalls()
	ok := g.OutageCalls <= bound && g.Recovered
	table(w, []string{"ratio", "measured", "target", ""}, [][]string{
		{"gatehouse token requests during the outage", fmt.Sprint(g.OutageCalls),
			fmt.Sprintf("≤ %d (one per backoff step: 1 s doubling, over %v)", bound, c.Outage), r.verdict(g.OutageCalls <= bound)},
		{"gatehouse recovered", fmt.Sprint(g.Recovered), "true", r.verdict(g.Recovered)},
	})
	fmt.Fprintf(w, "gatehouse trades recovery time (up to one backoff step) for a token endpoint that sees at most one call "+
		"per backoff step, and once its token has run out it fails each caller at once, which is why it shows many quick failed requests. "+
		"x/oauth2 calls the endpoint back to back, one caller after another while the others queue on its lock (the longest request), "+
		"and recovers as soon as the endpoint answers.\n\n")
	r.target(orderOutage, fmt.Sprintf("token endpoint failing (503) for %v, %d callers", c.Outage, c.Goroutines),
		"at most one fetch per backoff step",
		fmt.Sprintf("%d token requests (bound %d); recovered in %s", g.OutageCalls, bound, dur(g.Recovery)),
		fmt.Sprintf("x/oauth2: %d token requests; recovered in %s; longest request %s", x.OutageCalls, dur(x.Recovery), dur(x.Longest)),
		ok, false)
	return nil
}
