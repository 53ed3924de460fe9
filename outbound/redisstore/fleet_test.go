package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// provider is a token endpoint that answers after delay with tokens of the
// given lifetime, recording when each request started.
type provider struct {
	life, delay time.Duration
	mu          sync.Mutex
	starts      []time.Time
}

func (p *provider) Fetch(ctx context.Context) (outbound.Token, error) {
	p.mu.Lock()
	p.starts = append(p.starts, time.Now())
	n := len(p.starts)
	p.mu.Unlock()
	select {
	case <-time.After(p.delay):
	case <-ctx.Done():
		return outbound.Token{}, ctx.Err()
	}
	return outbound.Token{Value: fmt.Sprintf("tok-%d", n), Expiry: time.Now().Add(p.life)}, nil
}

// fetchesSince returns the start times of the requests made after t.
func (p *provider) fetchesSince(t time.Time) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Time
	for _, s := range p.starts {
		if !s.Before(t) {
			out = append(out, s)
		}
	}
	return out
}

// sharedCycles checks that no two requests in starts fall in one refresh
// cycle (life/2): with one request per cycle they are about life/2 apart.
func sharedCycles(t *testing.T, starts []time.Time, life time.Duration) {
	t.Helper()
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < life/4 {
			t.Errorf("token requests %d and %d only %v apart: two in one refresh cycle", i, i+1, gap)
		}
	}
}

// offsets returns the times as offsets from begin, for logs.
func offsets(begin time.Time, ts []time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = t.Sub(begin).Round(time.Millisecond)
	}
	return out
}

// fleet is n replicas, each with its own Redis client, Shared fetcher and
// Source, and goroutines calling Token in a loop.
type fleet struct {
	srcs     []*outbound.Source
	errs     atomic.Int64
	maxLat   atomic.Int64
	fallback atomic.Int64
	lastErr  atomic.Pointer[error]
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startFleet starts the fleet; storeTimeout is SharedOptions.StoreTimeout
// (0: the default).
func startFleet(t *testing.T, addr string, p outbound.Fetcher, replicas, goroutines int, storeTimeout time.Duration) *fleet {
	f := &fleet{}
	key := outbound.CredentialKey("test", "fleet")
	for range replicas {
		st := redisstore.New(client(t, addr), &redisstore.Options{Timeout: storeTimeout})
		f.srcs = append(f.srcs, outbound.NewSource(outbound.Shared(p, st, key, &outbound.SharedOptions{
			StoreTimeout: storeTimeout,
			OnEvent: func(ev outbound.SharedEvent) {
				if ev.Kind == outbound.SharedLocalFallback {
					f.fallback.Add(1)
					f.lastErr.Store(&ev.Err)
				}
			},
		}), nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	for _, s := range f.srcs {
		for range goroutines {
			f.wg.Go(func() {
				for ctx.Err() == nil {
					start := time.Now()
					_, err := s.Token(ctx)
					if ctx.Err() != nil {
						return
					}
					if err != nil {
						f.errs.Add(1)
					}
					if d := int64(time.Since(start)); d > f.maxLat.Load() {
						f.maxLat.Store(d) // racy max: good enough for a bound
					}
					time.Sleep(50 * time.Millisecond)
				}
			})
		}
	}
	return f
}

func (f *fleet) waits() (w int64) {
	for _, s := range f.srcs {
		w += s.Stats().Waits
	}
	return w
}

func (f *fleet) stop() {
	f.cancel()
	f.wg.Wait()
}

// Replicas of one process on one Redis: one request per refresh cycle, no
// caller waits after warm-up.
func TestFleetOneFetchPerCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	srv := startRedis(t)
	// 4 s tokens: a stale window of 1.6 s, in which the refresh must finish
	// even on a starved machine (the race detector with GOMAXPROCS=1).
	p := &provider{life: 4 * time.Second, delay: 50 * time.Millisecond}
	begin := time.Now()
	// A generous store timeout: this test is about sharing, and a loaded
	// machine (the race detector, 1,000 goroutines) can hold a Redis round
	// trip past the default 250 ms, which falls back to a local fetch.
	f := startFleet(t, srv.Addr(), p, 10, 100, 10*time.Second) // 1,000 goroutines
	time.Sleep(500 * time.Millisecond)
	warm := f.waits()
	time.Sleep(6 * time.Second)
	f.stop()
	if n := f.errs.Load(); n != 0 {
		t.Errorf("%d caller errors", n)
	}
	if w := f.waits() - warm; w != 0 {
		t.Errorf("callers waited %d times after warm-up", w)
	}
	if n := f.fallback.Load(); n != 0 {
		t.Errorf("%d local fallbacks with a healthy Redis, the last for %v", n, *f.lastErr.Load())
	}
	starts := p.fetchesSince(begin)
	sharedCycles(t, starts, p.life)
	if len(starts) > 5 { // 6.5 s of 2 s cycles, plus the cold start
		t.Errorf("%d token requests in 6.5s of 4s tokens", len(starts))
	}
	t.Logf("%d token requests for 10 replicas in 6.5s of 4s tokens (at %v); max Token latency %v",
		len(starts), offsets(begin, starts), time.Duration(f.maxLat.Load()))
}

// Redis killed mid-run and restarted: no caller error while the provider is
// up, and sharing resumes.
func TestFleetRedisKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	srv := startRedis(t)
	p := &provider{life: 2 * time.Second, delay: 50 * time.Millisecond}
	f := startFleet(t, srv.Addr(), p, 4, 50, time.Second)
	time.Sleep(1500 * time.Millisecond)
	warm := f.waits()
	srv.Stop()
	time.Sleep(2 * time.Second)
	srv.Start()
	restarted := time.Now()
	time.Sleep(4 * time.Second)
	f.stop()
	if n := f.errs.Load(); n != 0 {
		t.Errorf("%d caller errors while Redis was down", n)
	}
	if w := f.waits() - warm; w != 0 {
		t.Errorf("callers waited %d times for a token: a refresh outlasted the stale window", w)
	}
	if f.fallback.Load() == 0 {
		t.Error("no local fallback reported while Redis was down")
	}
	// go-redis's pool probes a server it failed to dial once a second; a
	// lifetime after the restart the fleet shares again.
	after := p.fetchesSince(restarted.Add(p.life))
	sharedCycles(t, after, p.life)
	if len(after) > 3 {
		t.Errorf("%d token requests in the 2s (two cycles) from a lifetime after the restart: sharing did not resume", len(after))
	}
	t.Logf("%d local fallbacks during the outage; %d requests in the 2s from a lifetime after the restart", f.fallback.Load(), len(after))
}

// A slow Redis (every packet delayed past the store timeout) does not touch
// the callers: their tokens are fresh or refreshed in the background, and the
// refresh falls back to the provider.
func TestFleetSlowRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	srv := startRedis(t)
	proxy := newDelayProxy(t, srv.Addr())
	p := &provider{life: 2 * time.Second, delay: 50 * time.Millisecond}
	f := startFleet(t, proxy.Addr(), p, 4, 50, 0)
	time.Sleep(500 * time.Millisecond)
	warm := f.waits()
	f.maxLat.Store(0)
	proxy.SetDelay(time.Second)
	time.Sleep(3 * time.Second)
	f.stop()
	if n := f.errs.Load(); n != 0 {
		t.Errorf("%d caller errors", n)
	}
	if w := f.waits() - warm; w != 0 {
		t.Errorf("callers waited %d times for a token while Redis was slow", w)
	}
	if lat := time.Duration(f.maxLat.Load()); lat > 100*time.Millisecond {
		t.Errorf("a caller took %v with a slow Redis", lat)
	}
	if f.fallback.Load() == 0 {
		t.Error("no local fallback: the refresh did not go through the slow store")
	}
	proxy.SetDelay(0)
	proxy.Close()
}
