package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// fleetTarget is the fleet section's row in a summary of targets.
type fleetTarget struct {
	what, target, gatehouse, peer string
	ok, ran                       bool
}

// fleetSection runs the fleet comparisons (replicas processes, each run
// lasting duration) and writes its section to w. It needs only its
// arguments, so that it can sit in any layout of the report.
func fleetSection(ctx context.Context, w io.Writer, replicas int, duration time.Duration, cs *chartSet) (fleetTarget, error) {
	var ft fleetTarget
	fmt.Fprintf(w, "## 7. A fleet of replica processes sharing one credential\n\n")
	cfg := harness.FleetConfig{Replicas: replicas, Duration: duration}
	var rows [][]string
	var shared harness.FleetResult
	var runs []harness.FleetResult
	for _, mode := range []harness.FleetMode{harness.FleetShared, harness.FleetAlone, harness.FleetXOAuth2} {
		r, err := harness.RunFleet(ctx, mode, cfg)
		if errors.Is(err, harness.ErrNoRedis) {
			fmt.Fprintf(w, "Skipped: %v.\n\n", err)
			return ft, nil
		}
		if err != nil {
			return ft, fmt.Errorf("fleet %s: %w", mode, err)
		}
		runs = append(runs, r)
		switch mode {
		case harness.FleetShared:
			shared = r
		case harness.FleetXOAuth2:
			ft.peer = fmt.Sprintf("x/oauth2 per process: %.2f per lifetime, %d requests waited ≥ 40 ms", r.PerLifetime(), r.Waited40ms)
		}
		sw := "n/a"
		if r.SourceWaits >= 0 {
			sw = fmt.Sprint(r.SourceWaits)
		}
		rows = append(rows, []string{string(mode), fmt.Sprint(r.TokenRequests), fmt.Sprintf("%.1f", r.Lifetimes()),
			fmt.Sprintf("%.2f", r.PerLifetime()), fmt.Sprint(r.Requests), fmt.Sprint(r.Failed), fmt.Sprint(r.Waited40ms), sw})
	}
	c := shared.Config
	fmt.Fprintf(w, "%d replica processes (the report re-executed) × %d goroutines send GETs to a loopback API for %v, "+
		"each goroutine pausing %v between requests; the token endpoint answers after %v with `expires_in` %v. "+
		"*gatehouse + redisstore*: each replica's Source over `outbound.Shared` on one `redis-server` (started by the report); "+
		"*no store*: the same Sources without it; *x/oauth2*: `clientcredentials` with `ReuseTokenSourceWithExpiry` per process. "+
		"gatehouse refreshes at half the lifetime, so its goal is one token request per refresh cycle for the whole fleet, "+
		"%.0f per lifetime; x/oauth2 fetches once per lifetime, per process. Counts start after every replica has warmed up.\n\n",
		c.Replicas, c.Goroutines, c.Duration, c.Pause, c.TokenLatency, c.Lifetime, 2.0)
	table(w, []string{"fleet", "token requests", "lifetimes", "per lifetime", "API requests", "failed", "waited ≥ 40 ms", "Source waits"}, rows)
	fmt.Fprintf(w, "Shared fetcher events (gatehouse + redisstore): %s.\n\n", events(shared.Events))

	cfg.KillRedis = true
	r, err := harness.RunFleet(ctx, harness.FleetShared, cfg)
	if err != nil {
		return ft, fmt.Errorf("fleet with Redis killed: %w", err)
	}
	fmt.Fprintf(w, "### Redis killed and restarted\n\nThe same shared fleet; `redis-server` is killed (SIGKILL) at a third of the run "+
		"and restarted, empty, at two thirds.\n\n")
	var prows [][]string
	for _, p := range r.Phases {
		cycles := p.Length.Seconds() / (r.Config.Lifetime.Seconds() / 2)
		prows = append(prows, []string{p.Name, dur(p.Length), fmt.Sprint(p.TokenRequests), fmt.Sprintf("%.2f", float64(p.TokenRequests)/cycles)})
	}
	table(w, []string{"phase", "length", "token requests", "per refresh cycle"}, prows)

	fmt.Fprintf(w, "API requests %d, failed %d, waited ≥ 40 ms %d, Source waits %d; events: %s. While Redis is down each replica "+
		"falls back to fetching for itself (`local_fallback`), so no caller fails. go-redis's connection pool probes a server it "+
		"failed to dial once a second, so the replicas are back on Redis within a second of the restart, and the fleet then shares one token again.\n\n",
		r.Requests, r.Failed, r.Waited40ms, r.SourceWaits, events(r.Events))

	// The chart goes after both runs' tables: it shows them all.
	cs.add(w, chartFleet, "A fleet of replicas: token requests per refresh cycle, with the Redis-down window shaded", fleetChart(runs, r))

	cycles := shared.Config.Duration.Seconds() / (shared.Config.Lifetime.Seconds() / 2)
	ft.what = fmt.Sprintf("fleet of %d processes: token requests per refresh cycle; callers that waited after warm-up", shared.Config.Replicas)
	ft.target = "1 per cycle for the fleet; 0 waits (and none failed with Redis killed)"
	ft.gatehouse = fmt.Sprintf("%.2f per cycle; %d Source waits; %d failed with Redis killed", float64(shared.TokenRequests)/cycles, shared.SourceWaits, r.Failed)
	ft.ok = float64(shared.TokenRequests) <= cycles+1 && shared.SourceWaits == 0 && r.Failed == 0 && shared.Failed == 0
	ft.ran = true
	return ft, nil
}

func events(m map[string]int64) string {
	if len(m) == 0 {
		return "none"
	}
	var kinds []string
	for k, v := range m {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(kinds)
	return strings.Join(kinds, ", ")
}
