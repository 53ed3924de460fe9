package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// The fleet tests run in a synctest bubble: the replicas' Sources, Shared
// fetchers, the provider and the callers sleep on the bubble's clock, while
// each Redis command goes to a real redis-server. A goroutine waiting on the
// network is not durably blocked, so the bubble's clock stands still during
// a command: Redis answers in no time, and every threshold, backoff and
// poll is exact, however loaded the machine.

// provider is a token endpoint that answers after delay with tokens of the
// given lifetime, recording when each request started. now is its clock
// (nil: time.Now).
type provider struct {
	life, delay time.Duration
	now         func() time.Time
	// check, if set, runs at the start of each request: for orders that
	// the test asserts.
	check  func()
	mu     sync.Mutex
	starts []time.Time
}

func (p *provider) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

func (p *provider) Fetch(ctx context.Context) (outbound.Token, error) {
	if p.check != nil {
		p.check()
	}
	p.mu.Lock()
	p.starts = append(p.starts, p.clock())
	n := len(p.starts)
	p.mu.Unlock()
	if p.delay > 0 {
		t := time.NewTimer(p.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return outbound.Token{}, ctx.Err()
		}
	}
	return outbound.Token{Value: fmt.Sprintf("tok-%d", n), Expiry: p.clock().Add(p.life)}, nil
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

// oneFetchPerCycle checks that no two requests in starts (bubble times) fall
// in one refresh cycle: a token is fresh for half its life, counted from the
// start of its request, so the next request starts that much later.
func oneFetchPerCycle(t *testing.T, starts []time.Time, life time.Duration) {
	t.Helper()
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < life/2 {
			t.Errorf("token requests %d and %d only %v apart: two in one refresh cycle", i, i+1, gap)
		}
	}
}

// polling hides the store's Watch, so that Shared polls on the bubble's
// clock: a subscription keeps a goroutine reading from Redis, which would
// hold the bubble's clock still for good. TestStore and the replica
// processes cover Watch.
type polling struct{ outbound.Store }

func (polling) Watch(context.Context, string) (<-chan struct{}, error) { return nil, nil }

// fleet is n replicas, each with its own Redis client, Shared fetcher and
// Source, and goroutines calling Token every 50 ms.
type fleet struct {
	srcs     []*outbound.Source
	errs     atomic.Int64
	fallback atomic.Int64
	lastErr  atomic.Pointer[error]
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startFleet starts the fleet in the caller's bubble.
func startFleet(t *testing.T, addr string, p outbound.Fetcher, replicas, goroutines int) *fleet {
	f := &fleet{}
	key := outbound.CredentialKey("test", "fleet")
	for range replicas {
		st := polling{redisstore.New(client(t, addr), nil)}
		f.srcs = append(f.srcs, outbound.NewSource(outbound.Shared(p, st, key, &outbound.SharedOptions{
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
					if _, err := s.Token(ctx); err != nil && ctx.Err() == nil {
						f.errs.Add(1)
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
	synctest.Wait() // saves and releases in the background
}

// Replicas of one process on one Redis: one request per refresh cycle, no
// caller waits after warm-up.
func TestFleetOneFetchPerCycle(t *testing.T) {
	srv := startRedis(t)
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: 4 * time.Second, delay: 50 * time.Millisecond}
		begin := time.Now()
		f := startFleet(t, srv.Addr(), p, 10, 20)
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
		oneFetchPerCycle(t, starts, p.life)
		// 6.5 s of 2 s cycles: requests at 0, 2, 4 and 6 s.
		if len(starts) != 4 {
			t.Errorf("%d token requests in 6.5s of 4s tokens, want 4", len(starts))
		}
	})
}

// Redis killed mid-run and restarted: no caller error while the provider is
// up, and sharing resumes.
func TestFleetRedisKilled(t *testing.T) {
	srv := startRedis(t)
	out := newOutsider(t)
	synctest.Test(t, func(t *testing.T) {
		p := &provider{life: 2 * time.Second, delay: 50 * time.Millisecond}
		f := startFleet(t, srv.Addr(), p, 4, 10)
		time.Sleep(1500 * time.Millisecond)
		warm := f.waits()
		out.run(srv.Stop)
		time.Sleep(2 * time.Second)
		var err error
		out.run(func() { err = srv.Start() })
		if err != nil {
			t.Fatal(err)
		}
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
		// lifetime after the restart the fleet shares again: one request
		// per 1 s cycle.
		after := p.fetchesSince(restarted.Add(p.life))
		oneFetchPerCycle(t, after, p.life)
		if len(after) == 0 {
			t.Error("no token request in the 2s (two cycles) from a lifetime after the restart")
		}
	})
}

// outsider runs functions on a goroutine outside the synctest bubble, on the
// real clock: for what waits on another process (redis-server starting).
// The bubble's clock stands still meanwhile.
type outsider struct {
	do   chan func()
	done chan struct{}
}

func newOutsider(t *testing.T) *outsider {
	o := &outsider{do: make(chan func()), done: make(chan struct{})}
	go func() {
		for f := range o.do {
			f()
			o.done <- struct{}{}
		}
	}()
	t.Cleanup(func() { close(o.do) })
	return o
}

func (o *outsider) run(f func()) {
	o.do <- f
	<-o.done
}

// A slow Redis (every packet delayed past the store timeout) does not touch
// the callers: with a stale token they get it at once, the refresh falls
// back to the provider, and nobody waits. The Sources and the provider run
// on a clock the test moves; Redis and the store timeouts on the real one.
func TestFleetSlowRedis(t *testing.T) {
	srv := startRedis(t)
	proxy := newDelayProxy(t, srv.Addr())
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	p := &provider{life: time.Hour, now: clock}
	key := outbound.CredentialKey("test", "slow")
	refreshed := make(chan outbound.FetchEvent, 4)
	var fallbacks, loadErrors atomic.Int64
	var srcs []*outbound.Source
	for range 2 {
		st := redisstore.New(client(t, proxy.Addr()), nil)
		srcs = append(srcs, outbound.NewSource(outbound.Shared(p, st, key, &outbound.SharedOptions{
			Now: clock,
			OnEvent: func(ev outbound.SharedEvent) {
				switch {
				case ev.Kind == outbound.SharedLocalFallback:
					fallbacks.Add(1)
				case ev.Kind == outbound.SharedStoreError && ev.Op == "load":
					loadErrors.Add(1)
				}
			},
		}), &outbound.SourceOptions{Now: clock, OnFetch: func(ev outbound.FetchEvent) {
			if ev.Background && ev.Phase != outbound.FetchStarted {
				refreshed <- ev
			}
		}}))
	}
	for _, s := range srcs { // warm-up: one shares the other's token
		if _, err := s.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	warm := srcs[0].Stats().Waits + srcs[1].Stats().Waits
	proxy.SetDelay(time.Second)
	now.Add(int64(56 * time.Minute)) // stale
	var wg sync.WaitGroup
	for _, s := range srcs {
		for range 50 {
			wg.Go(func() {
				if tok, err := s.Token(t.Context()); err != nil || tok.Value != "tok-1" {
					t.Errorf("with a stale token and a slow Redis: %q, %v; want tok-1 at once", tok.Value, err)
				}
			})
		}
	}
	wg.Wait()
	for range srcs {
		if ev := <-refreshed; ev.Phase != outbound.FetchSucceeded {
			t.Errorf("background refresh: %v", ev.Err)
		}
	}
	if w := srcs[0].Stats().Waits + srcs[1].Stats().Waits - warm; w != 0 {
		t.Errorf("callers waited %d times while Redis was slow", w)
	}
	if fallbacks.Load() != 2 || loadErrors.Load() != 2 {
		t.Errorf("%d local fallbacks, %d load errors; want 2 each: the refreshes did not go past the slow store",
			fallbacks.Load(), loadErrors.Load())
	}
	if len(p.starts) != 3 {
		t.Errorf("%d token requests, want 3 (a shared one, then one per replica)", len(p.starts))
	}
	proxy.Close() // ends the connections the proxy is still holding
}
