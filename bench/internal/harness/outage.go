package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// OutageConfig configures RunOutage. Zero fields mean the defaults in
// brackets.
type OutageConfig struct {
	// Goroutines send requests concurrently [1000].
	Goroutines int
	// TokenLatency is how long the token endpoint takes to answer, failures
	// included [50 ms].
	TokenLatency time.Duration
	// Lifetime is the tokens' lifetime; whole seconds [2 s].
	Lifetime time.Duration
	// Before is how long the endpoint works after warm-up [500 ms].
	Before time.Duration
	// Outage is how long it then answers 503 [10 s]. It must be longer than
	// Lifetime, so that the token held at its start runs out.
	Outage time.Duration
	// MaxRecovery bounds the wait, after the outage, for the first request
	// to succeed [45 s].
	MaxRecovery time.Duration
	// RetryAfter is the Retry-After the 503s carry, in seconds [1];
	// negative sends none.
	RetryAfter int
	// Pause is how long each goroutine sleeps between its requests, so that
	// callers failing fast do not spin [10 ms].
	Pause time.Duration
	// MinBackoff is gatehouse's SourceOptions.MinBackoff [its default, 1 s].
	MinBackoff time.Duration
}

func (c OutageConfig) withDefaults() (OutageConfig, error) {
	if c.Goroutines <= 0 {
		c.Goroutines = 1000
	}
	if c.TokenLatency <= 0 {
		c.TokenLatency = 50 * time.Millisecond
	}
	if c.Lifetime < time.Second {
		c.Lifetime = 2 * time.Second
	}
	c.Lifetime = c.Lifetime.Truncate(time.Second)
	if c.Before <= 0 {
		c.Before = 500 * time.Millisecond
	}
	if c.Outage <= 0 {
		c.Outage = 10 * time.Second
	}
	if c.MaxRecovery <= 0 {
		c.MaxRecovery = 45 * time.Second
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = 1
	}
	if c.RetryAfter < 0 {
		c.RetryAfter = 0
	}
	if c.Pause <= 0 {
		c.Pause = 10 * time.Millisecond
	}
	if c.Before+c.Outage <= c.Lifetime {
		return c, errors.New("harness: the outage must outlast the token held at its start")
	}
	return c, nil
}

// OutageResult is what RunOutage measured for one library.
type OutageResult struct {
	Library Library
	Config  OutageConfig
	// OutageCalls is the number of token requests the endpoint received
	// while failing; OutageRate is that per second.
	OutageCalls int64
	OutageRate  float64
	// Recovered says whether a request succeeded within MaxRecovery after
	// the outage; Recovery is how long after the outage that was.
	Recovered bool
	Recovery  time.Duration
	// Requests were sent during the whole run; Failed got no 200.
	Requests, Failed int64
	// Longest is the longest time one request took: how long a caller
	// could be held up by the outage.
	Longest time.Duration
	// EndpointTotal, LibraryTotal and ClientTotal count token requests as
	// LoadResult's do.
	EndpointTotal, LibraryTotal, ClientTotal int64
	// Calls are the arrivals of the token requests after warm-up, from the
	// outage's start (those before it are negative); Ended is when the run
	// ended, from the outage's start.
	Calls []time.Duration
	Ended time.Duration
}

// MaxBackoffCalls is the most token requests gatehouse may send during the
// outage if it makes one per backoff step: a first one, then one after each
// step of a backoff that starts at MinBackoff and doubles, for as many steps
// as fit in the outage. Jitter only lengthens steps (never below the
// nominal one), and Retry-After only raises them, so a correct Source stays
// within it however the steps fall.
func (c OutageConfig) MaxBackoffCalls() int64 {
	step := c.MinBackoff
	if step <= 0 {
		step = outbound.DefaultMinBackoff
	}
	calls := int64(1)
	for elapsed := step; elapsed <= c.Outage; elapsed += step {
		calls++
		step *= 2
	}
	return calls
}

// RunOutage runs the failing-token-endpoint scenario against lib: after
// warm-up and cfg.Before of normal service, the token endpoint answers 503
// (with Retry-After) for cfg.Outage, then works again. Gatehouse keeps its
// default backoff unless cfg.MinBackoff is set.
func RunOutage(ctx context.Context, lib Library, cfg OutageConfig) (OutageResult, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return OutageResult{}, err
	}
	ts := newTokenServer(cfg.TokenLatency, cfg.Lifetime, cfg.RetryAfter)
	defer ts.Close()
	api := newAPIServer(ts)
	defer api.Close()
	c, err := newLibClient(lib, ts, cfg.Goroutines, cfg.MinBackoff)
	if err != nil {
		return OutageResult{}, err
	}
	defer c.close()
	if err := c.warm(ctx); err != nil {
		return OutageResult{}, fmt.Errorf("harness: warm-up: %w", err)
	}

	res := OutageResult{Library: lib, Config: cfg}
	var stop atomic.Bool
	var recoveredAt atomic.Int64 // unix nanos of the endpoint's recovery
	var firstOK atomic.Int64     // unix nanos of the first 200 after it
	okAfter := make(chan struct{})
	var once sync.Once
	var requests, failed atomic.Int64
	longest := make([]time.Duration, cfg.Goroutines)
	var wg sync.WaitGroup
	for i := range cfg.Goroutines {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				start := time.Now()
				code, err := get(ctx, c.http, api.URL+"/v1/resource", &stamp{})
				longest[i] = max(longest[i], time.Since(start))
				requests.Add(1)
				if err != nil || code != http.StatusOK {
					failed.Add(1)
				} else if r := recoveredAt.Load(); r != 0 {
					now := time.Now().UnixNano()
					if firstOK.CompareAndSwap(0, now) {
						once.Do(func() { close(okAfter) })
					}
				}
				time.Sleep(cfg.Pause)
			}
		})
	}

	warm := time.Now()
	sleep(ctx, cfg.Before)
	callsBefore := ts.calls.Load()
	outageStart := time.Now()
	ts.failing.Store(true)
	sleep(ctx, cfg.Outage)
	// Calls are counted on arrival: those arriving during the outage are its
	// calls, whatever answer they end up with.
	res.OutageCalls = ts.calls.Load() - callsBefore
	res.OutageRate = float64(res.OutageCalls) / cfg.Outage.Seconds()
	end := time.Now()
	ts.failing.Store(false)
	recoveredAt.Store(end.UnixNano())

	t := time.NewTimer(cfg.MaxRecovery)
	select {
	case <-okAfter:
		res.Recovered = true
		res.Recovery = time.Unix(0, firstOK.Load()).Sub(end)
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	stop.Store(true)
	wg.Wait()
	c.settle()

	ended := time.Now()
	for _, a := range ts.arrivalsBetween(warm, ended) {
		res.Calls = append(res.Calls, a-outageStart.Sub(warm))
	}
	res.Ended = ended.Sub(outageStart)
	res.Requests, res.Failed = requests.Load(), failed.Load()
	res.Longest = slices.Max(longest)
	res.EndpointTotal, res.LibraryTotal, res.ClientTotal = ts.calls.Load(), c.fetches(), c.tokenRT.n.Load()
	return res, ctx.Err()
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
