package harness

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadConfig configures RunLoad. Zero fields mean the defaults in brackets.
type LoadConfig struct {
	// Goroutines send requests concurrently [1000].
	Goroutines int
	// Duration is how long they do so, after warm-up [10 s].
	Duration time.Duration
	// TokenLatency is how long the token endpoint takes to answer [50 ms].
	TokenLatency time.Duration
	// Lifetime is the tokens' lifetime, sent as expires_in; whole seconds
	// [2 s].
	Lifetime time.Duration
	// Pause is how long each goroutine sleeps between its requests [0].
	Pause time.Duration
}

func (c LoadConfig) withDefaults() LoadConfig {
	if c.Goroutines <= 0 {
		c.Goroutines = 1000
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.TokenLatency <= 0 {
		c.TokenLatency = 50 * time.Millisecond
	}
	if c.Lifetime < time.Second {
		c.Lifetime = 2 * time.Second
	}
	c.Lifetime = c.Lifetime.Truncate(time.Second)
	return c
}

// LoadResult is what RunLoad measured for one library.
type LoadResult struct {
	Library Library
	Config  LoadConfig
	// Margin is the early-expiry margin both libraries were given;
	// RefreshInterval how long this library uses a token before fetching
	// the next.
	Margin, RefreshInterval time.Duration
	// Elapsed is the measured run's length.
	Elapsed time.Duration
	// Requests were sent; OK got 200, Unauthorized 401 from the API; Errors
	// failed without a response.
	Requests, OK, Unauthorized, Errors int64
	// Fetches is the number of token requests the endpoint received during
	// the measured run (after warm-up). EndpointTotal, LibraryTotal and
	// ClientTotal count all of them, including warm-up: as seen by the
	// endpoint, by the library itself, and by a counting transport on the
	// library's token client. The three agree in a correct run.
	Fetches, EndpointTotal, LibraryTotal, ClientTotal int64
	// Used counts the tokens fetched during the run that the API then
	// accepted: Fetches minus Used are fetches whose token nobody used
	// (at most the one fetched just before the run ended, when no fetch
	// is duplicated).
	Used int64
	// Waited1ms and Waited40ms count requests whose token wait reached
	// 1 ms and 40 ms.
	Waited1ms, Waited40ms int64
	// P50, P99 and Max are percentiles of the token wait.
	P50, P99, Max time.Duration
	// SourceWaits is gatehouse's own count of Token calls that waited for a
	// fetch during the measured run (Stats().Waits); -1 for x/oauth2.
	SourceWaits int64
	// Timeline holds the token waits of the requests that started in each
	// TimelineBucket of the run, in order from its start.
	Timeline []WaitBucket
	// TokenEnds are the instants, from the run's start, at which a token
	// stopped being usable (its expiry less Margin), in order.
	TokenEnds []time.Duration
}

// TimelineBucket is the width of a bucket of LoadResult.Timeline.
const TimelineBucket = 100 * time.Millisecond

// WaitBucket is the token wait of the requests that started in one bucket
// of a run: how many there were, the 99th percentile and the slowest.
type WaitBucket struct {
	N        int
	P99, Max time.Duration
}

// FetchesPerLifetime is Fetches per token lifetime of run time.
func (r LoadResult) FetchesPerLifetime() float64 {
	return float64(r.Fetches) / (float64(r.Elapsed) / float64(r.Config.Lifetime))
}

// ExpectedFetches is how many times the token needed replacing during the
// run: its length over RefreshInterval plus the endpoint's latency. Fetches
// is this rounded down when the library makes exactly one fetch per
// replacement.
func (r LoadResult) ExpectedFetches() float64 {
	return float64(r.Elapsed) / float64(r.RefreshInterval+r.Config.TokenLatency)
}

// RunLoad runs the concurrent-refresh load against lib: cfg.Goroutines
// goroutines send GETs through an *http.Client to a loopback API for
// cfg.Duration, while a token endpoint with cfg.TokenLatency issues tokens
// living cfg.Lifetime. The first token is fetched before the run starts.
func RunLoad(ctx context.Context, lib Library, cfg LoadConfig) (LoadResult, error) {
	cfg = cfg.withDefaults()
	ts := newTokenServer(cfg.TokenLatency, cfg.Lifetime, 0)
	defer ts.Close()
	api := newAPIServer(ts)
	defer api.Close()
	c, err := newLibClient(lib, ts, cfg.Goroutines, 0)
	if err != nil {
		return LoadResult{}, err
	}
	defer c.close()
	if err := c.warm(ctx); err != nil {
		return LoadResult{}, fmt.Errorf("harness: warm-up: %w", err)
	}
	var waitsBefore int64
	if c.src != nil {
		waitsBefore = c.src.Stats().Waits
	}
	fetchesBefore := ts.calls.Load()
	issuedBefore := ts.issued.Load()

	res := LoadResult{Library: lib, Config: cfg, Margin: margin(cfg.Lifetime),
		RefreshInterval: refreshInterval(lib, cfg.Lifetime), SourceWaits: -1}
	var stop atomic.Bool
	var requests, ok, unauth, errs atomic.Int64
	waits := make([][]time.Duration, cfg.Goroutines)
	// buckets[i][j] is the TimelineBucket in which the request of waits[i][j]
	// started; each goroutine appends to its own, merged after the run.
	buckets := make([][]int32, cfg.Goroutines)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.Goroutines {
		wg.Go(func() {
			mine := make([]time.Duration, 0, 256)
			at := make([]int32, 0, 256)
			for !stop.Load() && ctx.Err() == nil {
				s := &stamp{}
				code, err := get(ctx, c.http, api.URL+"/v1/resource", s)
				requests.Add(1)
				switch {
				case err != nil:
					errs.Add(1)
				case code == http.StatusOK:
					ok.Add(1)
				case code == http.StatusUnauthorized:
					unauth.Add(1)
				}
				if s.reached {
					mine = append(mine, s.wait)
					at = append(at, int32(s.start.Sub(start)/TimelineBucket))
				}
				if cfg.Pause > 0 {
					time.Sleep(cfg.Pause)
				}
			}
			waits[i], buckets[i] = mine, at
		})
	}
	timer := time.NewTimer(cfg.Duration)
	select {
	case <-timer.C:
	case <-ctx.Done():
		timer.Stop()
	}
	stop.Store(true)
	res.Elapsed = time.Since(start)
	wg.Wait()
	c.settle()

	res.Requests, res.OK, res.Unauthorized, res.Errors = requests.Load(), ok.Load(), unauth.Load(), errs.Load()
	res.EndpointTotal = ts.calls.Load()
	res.Fetches = res.EndpointTotal - fetchesBefore
	res.Used = ts.usedAfter(issuedBefore)
	res.LibraryTotal = c.fetches()
	res.ClientTotal = c.tokenRT.n.Load()
	if c.src != nil {
		res.SourceWaits = c.src.Stats().Waits - waitsBefore
	}
	res.Timeline = timeline(waits, buckets)
	res.TokenEnds = ts.endsBetween(start, start.Add(res.Elapsed), res.Margin)
	res.summarise(slices.Concat(waits...))
	return res, ctx.Err()
}

// summarise counts the waits that reached 1 ms and 40 ms, and takes their
// percentiles.
func (r *LoadResult) summarise(all []time.Duration) {
	slices.Sort(all)
	for _, w := range all {
		if w >= time.Millisecond {
			r.Waited1ms++
		}
		if w >= 40*time.Millisecond {
			r.Waited40ms++
		}
	}
	r.P50, r.P99, r.Max = percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1)
}

// timeline merges the goroutines' waits by the bucket in which their
// requests started.
func timeline(waits [][]time.Duration, buckets [][]int32) []WaitBucket {
	var by [][]time.Duration
	for i, ws := range waits {
		for j, w := range ws {
			b := int(max(buckets[i][j], 0))
			for len(by) <= b {
				by = append(by, nil)
			}
			by[b] = append(by[b], w)
		}
	}
	out := make([]WaitBucket, len(by))
	for b, ws := range by {
		slices.Sort(ws)
		out[b] = WaitBucket{N: len(ws), P99: percentile(ws, 0.99), Max: percentile(ws, 1)}
	}
	return out
}

// percentile returns the q-quantile of sorted (nearest rank), 0 when empty.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
