package main

import (
	"fmt"
	"io"
	"strings"
)

// maxSharedPerCycle bounds the fleet's token requests per refresh cycle
// while the replicas share their token: the goal is one, and a lease handed
// over at a cycle's edge may cost a second.
const maxSharedPerCycle = 1.6

// expectation is one figure of a run against what it should be.
type expectation struct {
	ok   bool
	text string // the figure and what was expected
}

// expectations lists what a run must show: no error and no wait after the
// warm-up; with the store, about one token request per refresh cycle for
// the whole fleet (local fallbacks, which a slow store call causes, aside);
// without it, one per replica; with -kill-redis, sharing before the kill,
// each replica fetching for itself while Redis is down, and sharing again
// after the restart.
func expectations(cfg config, res result) []expectation {
	t := res.total()
	perCycle := func(n int64, cycles float64) float64 { return float64(n) / max(cycles, 1e-9) }
	ex := []expectation{
		{t.Calls > 0 && t.Errors == 0, fmt.Sprintf("API calls %d, errors %d (expected: calls, and no error)", t.Calls, t.Errors)},
		{t.Waits == 0, fmt.Sprintf("caller waits after warm-up %d (expected 0: tokens are refreshed ahead)", t.Waits)},
	}
	fallback := t.Events["local_fallback"]
	if cfg.NoStore {
		limit := 1.5 * float64(cfg.Replicas)
		got := perCycle(res.TokenRequests, res.Cycles)
		ex = append(ex, expectation{got <= limit, fmt.Sprintf(
			"token requests per refresh cycle %.2f (expected about %d, one per replica: at most %.1f)", got, cfg.Replicas, limit)})
	} else {
		got := perCycle(res.TokenRequests-fallback, res.Cycles)
		ex = append(ex, expectation{got <= maxSharedPerCycle, fmt.Sprintf(
			"token requests per refresh cycle %.2f without the %d local fallbacks (expected at most %.1f: one for the whole fleet)",
			got, fallback, maxSharedPerCycle)})
	}
	if cfg.KillRedis {
		ex = append(ex, phaseExpectations(cfg, res.Phases, fallback)...)
	}
	return ex
}

// phaseExpectations checks the -kill-redis phases.
func phaseExpectations(cfg config, phases []phase, fallback int64) []expectation {
	if len(phases) != 3 {
		return []expectation{{false, fmt.Sprintf("%d phases of the Redis outage measured (expected 3)", len(phases))}}
	}
	per := func(p phase) float64 {
		return float64(p.TokenRequests) / max(float64(p.Length)/float64(cfg.Lifetime/2), 1e-9)
	}
	n := cfg.Replicas
	before, down, after := per(phases[0]), per(phases[1]), per(phases[2])
	downMax := 1.5 * float64(n)
	return []expectation{
		{before <= maxSharedPerCycle, fmt.Sprintf("before the kill: %.2f token requests per cycle (expected at most %.1f: shared)",
			before, maxSharedPerCycle)},
		{down >= 0.5 && down <= downMax && fallback > 0, fmt.Sprintf(
			"Redis down: %.2f token requests per cycle, %d local fallbacks (expected about %d, each replica fetching for itself: 0.5 to %.1f, with fallbacks)",
			down, fallback, n, downMax)},
		{after < float64(n), fmt.Sprintf("after the restart: %.2f token requests per cycle (expected under %d: shared again)", after, n)},
	}
}

// passed reports whether every expectation holds.
func passed(ex []expectation) bool {
	for _, e := range ex {
		if !e.ok {
			return false
		}
	}
	return true
}

// printVerdict writes the expectations and the run's one-line verdict,
// which matches the exit status.
func printVerdict(w io.Writer, ex []expectation) {
	fmt.Fprintln(w)
	var failed []string
	for _, e := range ex {
		mark := "ok  "
		if !e.ok {
			mark = "FAIL"
			failed = append(failed, e.text)
		}
		fmt.Fprintf(w, "  %s  %s\n", mark, e.text)
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nFAIL: %d of %d expectations not met: %s\n", len(failed), len(ex), strings.Join(failed, "; "))
		return
	}
	fmt.Fprintf(w, "\nPASS: all %d expectations met\n", len(ex))
}
