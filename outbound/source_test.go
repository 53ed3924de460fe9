package outbound

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

// clock is a manual clock for tests.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// countingFetcher issues tokens "tok-1", "tok-2", ... with the given
// lifetime on clk, after waiting for release (if set).
type countingFetcher struct {
	clk      *clock
	life     time.Duration
	calls    atomic.Int64
	release  chan struct{}
	started  chan struct{}
	failWith atomic.Pointer[error]
}

func (f *countingFetcher) Fetch(ctx context.Context) (Token, error) {
	n := f.calls.Add(1)
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
	}
	if p := f.failWith.Load(); p != nil {
		return Token{}, *p
	}
	return Token{Value: fmt.Sprintf("tok-%d", n), Expiry: f.clk.Now().Add(f.life)}, nil
}

func TestSourceDeduplicatesConcurrentFetches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: time.Hour, release: make(chan struct{}), started: make(chan struct{}, 1)}
		src := NewSource(f, &SourceOptions{Now: clk.Now})

		const n = 1000
		var wg sync.WaitGroup
		var entered sync.WaitGroup
		results := make(chan string, n)
		for range n {
			wg.Add(1)
			entered.Add(1)
			go func() {
				defer wg.Done()
				entered.Done()
				tok, err := src.Token(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				results <- tok.Value
			}()
		}
		entered.Wait()
		<-f.started     // the one fetch is running; let the others pile up on it
		synctest.Wait() // every caller is waiting on the one fetch
		if w := src.Stats().Waits; w != n {
			t.Fatalf("waits = %d, want %d", w, n)
		}
		close(f.release)
		wg.Wait()
		close(results)
		for v := range results {
			if v != "tok-1" {
				t.Fatalf("got token %q, want tok-1", v)
			}
		}
		if got := f.calls.Load(); got != 1 {
			t.Fatalf("fetches = %d, want 1", got)
		}
	})
}

func TestSourceStates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: 100 * time.Minute}
		src := NewSource(f, &SourceOptions{Now: clk.Now, RefreshAhead: 5 * time.Minute, ExpiryMargin: 10 * time.Second})
		ctx := context.Background()

		tok, err := src.Token(ctx)
		if err != nil || tok.Value != "tok-1" {
			t.Fatalf("first Token = %v, %v", tok, err)
		}
		// Fresh: no fetch.
		clk.Advance(94 * time.Minute)
		if tok, _ = src.Token(ctx); tok.Value != "tok-1" || f.calls.Load() != 1 {
			t.Fatalf("fresh: got %s after %d fetches", tok.Value, f.calls.Load())
		}
		// Stale: the old token at once, one background refresh.
		clk.Advance(2 * time.Minute)
		if tok, _ = src.Token(ctx); tok.Value != "tok-1" {
			t.Fatalf("stale: got %s, want the cached tok-1", tok.Value)
		}
		synctest.Wait() // the background refresh has ended
		if v := src.cur.Load().tok.Value; v != "tok-2" {
			t.Fatalf("after the refresh: %s, want tok-2", v)
		}
		if st := src.Stats(); st.BackgroundRefreshes != 1 || st.Waits != 1 {
			t.Fatalf("stats = %+v, want 1 background refresh and only the first wait", st)
		}
		// Expired: waits for a new one.
		clk.Advance(100*time.Minute - 5*time.Second)
		if tok, _ = src.Token(ctx); tok.Value != "tok-3" {
			t.Fatalf("expired: got %s, want tok-3", tok.Value)
		}
		if st := src.Stats(); st.Waits != 2 {
			t.Fatalf("waits = %d, want 2", st.Waits)
		}
	})
}

func TestSourceCapsRefreshAheadForShortTokens(t *testing.T) {
	tests := []struct {
		name              string
		life              time.Duration
		wantFresh, wantOK time.Duration // time after fetch until stale, and until expired
	}{
		{"hour", time.Hour, 55 * time.Minute, time.Hour - 10*time.Second},
		{"one minute", time.Minute, 30 * time.Second, 54 * time.Second},
		{"two seconds", 2 * time.Second, time.Second, 1800 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			src := NewSource(&countingFetcher{clk: clk, life: tt.life}, &SourceOptions{Now: clk.Now})
			start := clk.Now()
			e, err := src.entry(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := e.freshUntil - start.Sub(src.base); got != tt.wantFresh {
				t.Errorf("fresh for %v, want %v", got, tt.wantFresh)
			}
			if got := e.staleUntil - start.Sub(src.base); got != tt.wantOK {
				t.Errorf("usable for %v, want %v", got, tt.wantOK)
			}
		})
	}
}

func TestSourceNoExpiry(t *testing.T) {
	var calls atomic.Int64
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		calls.Add(1)
		return Token{Value: "forever"}, nil
	}), nil)
	for range 3 {
		if tok, err := src.Token(context.Background()); err != nil || tok.Value != "forever" {
			t.Fatal(tok, err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("calls = %d", calls.Load())
	}
}

// Under concurrent load with refreshes ahead of expiry, no caller waits for
// the token endpoint after the first fetch.
func TestSourceRefreshAheadUnderLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: time.Minute}
		src := NewSource(f, &SourceOptions{Now: clk.Now})
		ctx := context.Background()
		if _, err := src.Token(ctx); err != nil {
			t.Fatal(err)
		}
		const lifetimes = 20
		for i := range lifetimes {
			// Into the stale window (fresh for 30 s of a 60 s token).
			clk.Advance(40 * time.Second)
			var wg sync.WaitGroup
			for range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := src.Token(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			want := fmt.Sprintf("tok-%d", i+2)
			synctest.Wait() // the background refresh has ended
			if v := src.cur.Load().tok.Value; v != want {
				t.Fatalf("lifetime %d: %s, want %s", i, v, want)
			}
			// The refreshed token's clock starts now.
		}
		st := src.Stats()
		if st.Waits != 1 {
			t.Errorf("waits = %d, want 1 (the warm-up)", st.Waits)
		}
		if st.Fetches != lifetimes+1 || st.BackgroundRefreshes != lifetimes {
			t.Errorf("stats = %+v, want %d fetches, %d of them in the background", st, lifetimes+1, lifetimes)
		}
	})
}

func TestSourceBackoffSharesFailure(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	fail := error(&Error{Op: "fetch token", Status: http.StatusServiceUnavailable, RetryAfter: 30 * time.Second})
	f.failWith.Store(&fail)
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: time.Second, MaxBackoff: time.Minute})

	callMany := func() (errs int) {
		var wg sync.WaitGroup
		var n atomic.Int64
		for range 1000 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := src.Token(context.Background()); err != nil {
					if !errors.Is(err, ErrUnavailable) {
						t.Errorf("err = %v, want ErrUnavailable", err)
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		return int(n.Load())
	}
	if errs := callMany(); errs != 1000 {
		t.Fatalf("%d callers failed, want 1000", errs)
	}
	if got := f.calls.Load(); got != 1 {
		t.Fatalf("fetches after the first storm = %d, want 1", got)
	}
	// Retry-After (30 s) outweighs the first backoff step (1 s).
	clk.Advance(20 * time.Second)
	callMany()
	if got := f.calls.Load(); got != 1 {
		t.Fatalf("fetches during backoff = %d, want 1", got)
	}
	clk.Advance(11 * time.Second)
	callMany()
	if got := f.calls.Load(); got != 2 {
		t.Fatalf("fetches after backoff = %d, want 2", got)
	}
	// Recovery.
	f.failWith.Store(nil)
	clk.Advance(time.Hour)
	if tok, err := src.Token(context.Background()); err != nil || tok.Value != "tok-3" {
		t.Fatalf("after recovery: %v, %v", tok, err)
	}
}

func TestSourceBackoffGrows(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	fail := errors.New("boom")
	f.failWith.Store(&fail)
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: time.Second, MaxBackoff: 8 * time.Second})
	var prev time.Duration
	for i := range 6 {
		_, _ = src.Token(context.Background())
		fl := src.fail.Load()
		d := fl.until.Sub(clk.Now())
		step := min(time.Second<<i, 8*time.Second)
		lo, hi := step, min(step*3/2, 8*time.Second)
		if step == 8*time.Second {
			lo = hi * 2 / 3
		}
		if d < lo || d > hi {
			t.Fatalf("attempt %d: backoff %v outside [%v, %v]", i+1, d, lo, hi)
		}
		if i > 0 && step < 8*time.Second && d < prev/2 {
			t.Fatalf("backoff shrank: %v after %v", d, prev)
		}
		prev = d
		clk.Advance(d)
	}
}

func TestSourceUsableTokenSurvivesFailedRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: time.Hour}
		src := NewSource(f, &SourceOptions{Now: clk.Now})
		ctx := context.Background()
		if _, err := src.Token(ctx); err != nil {
			t.Fatal(err)
		}
		fail := error(&Error{Status: http.StatusBadGateway})
		f.failWith.Store(&fail)
		clk.Advance(56 * time.Minute) // stale
		for range 100 {
			tok, err := src.Token(ctx)
			if err != nil || tok.Value != "tok-1" {
				t.Fatalf("Token = %v, %v; want the cached token and no error", tok, err)
			}
		}
		synctest.Wait() // the failed background refresh has ended
		if f := src.Stats().Failures; f != 1 {
			t.Fatalf("failures = %d, want 1", f)
		}
		for range 100 {
			if tok, err := src.Token(ctx); err != nil || tok.Value != "tok-1" {
				t.Fatalf("during backoff: %v, %v", tok, err)
			}
		}
		if got := f.calls.Load(); got != 2 {
			t.Fatalf("fetches = %d, want 2 (no refresh during backoff)", got)
		}
	})
}

func TestSourceInvalidCredentialsIsDistinct(t *testing.T) {
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{}, &Error{Op: "fetch token", Status: http.StatusUnauthorized, Code: "invalid_client"}
	}), nil)
	_, err := src.Token(context.Background())
	if !errors.Is(err, ErrInvalidCredentials) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrInvalidCredentials only", err)
	}
	var oe *Error
	if !errors.As(err, &oe) || !oe.Permanent() {
		t.Fatalf("err = %#v, want a permanent *Error", err)
	}
}

func TestSourceCallerContextEnds(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour, release: make(chan struct{}), started: make(chan struct{}, 1)}
	src := NewSource(f, &SourceOptions{Now: clk.Now})

	other := make(chan error, 1)
	go func() {
		_, err := src.Token(context.Background())
		other <- err
	}()
	<-f.started

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Token(ctx)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	close(f.release)
	if err := <-other; err != nil {
		t.Fatalf("other caller got %v", err)
	}
	if f.calls.Load() != 1 {
		t.Fatalf("fetches = %d", f.calls.Load())
	}
}

func TestSourceEmptyTokenIsInvalid(t *testing.T) {
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return Token{}, nil }), nil)
	if _, err := src.Token(context.Background()); !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("err = %v", err)
	}
}

func TestSourceInvalidate(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	src := NewSource(f, &SourceOptions{Now: clk.Now})
	ctx := context.Background()
	t1, _ := src.Token(ctx)
	src.Invalidate(Token{Value: "someone else's"})
	if tok, _ := src.Token(ctx); tok.Value != t1.Value || f.calls.Load() != 1 {
		t.Fatal("Invalidate of another token dropped the cached one")
	}
	src.Invalidate(t1)
	src.Invalidate(t1) // a second report of the same token is a no-op
	t2, _ := src.Token(ctx)
	if t2.Value == t1.Value || f.calls.Load() != 2 {
		t.Fatalf("after Invalidate: %d fetches", f.calls.Load())
	}
	src.Invalidate(t1) // stale report after replacement
	if t3, _ := src.Token(ctx); t3.Value != t2.Value {
		t.Fatal("a stale Invalidate dropped the new token")
	}
}

func TestSourceOnFetch(t *testing.T) {
	var mu sync.Mutex
	var phases []FetchPhase
	clk := newClock()
	src := NewSource(&countingFetcher{clk: clk, life: time.Hour}, &SourceOptions{Now: clk.Now, OnFetch: func(ev FetchEvent) {
		mu.Lock()
		defer mu.Unlock()
		phases = append(phases, ev.Phase)
		if ev.Phase == FetchSucceeded && !ev.Expiry.Equal(clk.Now().Add(time.Hour)) {
			t.Errorf("expiry %v", ev.Expiry)
		}
	}})
	_, _ = src.Token(context.Background())
	mu.Lock()
	defer mu.Unlock()
	if len(phases) != 2 || phases[0] != FetchStarted || phases[1] != FetchSucceeded {
		t.Fatalf("phases = %v", phases)
	}
}

type fetchCtxKey struct{}

// TestSourceFetchContext checks that FetchContext's context is the one the
// Fetcher runs on and the one every FetchEvent of the fetch carries, that it
// still holds the caller's values, and that nil keeps the context.
func TestSourceFetchContext(t *testing.T) {
	type callerKey struct{}
	for _, replace := range []bool{true, false} {
		var mu sync.Mutex
		var seen []string
		note := func(where string, ctx context.Context) {
			mu.Lock()
			defer mu.Unlock()
			v, _ := ctx.Value(fetchCtxKey{}).(string)
			c, _ := ctx.Value(callerKey{}).(string)
			seen = append(seen, where+":"+v+":"+c)
		}
		clk := newClock()
		src := NewSource(FetcherFunc(func(ctx context.Context) (Token, error) {
			note("fetcher", ctx)
			return Token{Value: "v", Expiry: clk.Now().Add(time.Hour)}, nil
		}), &SourceOptions{Now: clk.Now,
			FetchContext: func(ctx context.Context, background bool) context.Context {
				if background {
					t.Error("a first fetch reported as background")
				}
				if !replace {
					return nil
				}
				return context.WithValue(ctx, fetchCtxKey{}, "span")
			},
			OnFetch: func(ev FetchEvent) { note(ev.Phase.String(), ev.Context) }})
		if _, err := src.Token(context.WithValue(context.Background(), callerKey{}, "req-1")); err != nil {
			t.Fatal(err)
		}
		v := ""
		if replace {
			v = "span"
		}
		want := []string{"started:" + v + ":req-1", "fetcher:" + v + ":req-1", "succeeded:" + v + ":req-1"}
		if !slices.Equal(seen, want) {
			t.Fatalf("replace=%v: seen %v, want %v", replace, seen, want)
		}
	}
}

func BenchmarkSourceTokenFresh(b *testing.B) {
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: "v", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := src.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestSourceTokenExpiredOnArrivalBacksOff(t *testing.T) {
	clk := newClock()
	var calls atomic.Int64
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		calls.Add(1)
		return Token{Value: "old", Expiry: clk.Now().Add(-time.Second)}, nil
	}), &SourceOptions{Now: clk.Now})
	for range 100 {
		if _, err := src.Token(context.Background()); !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("err = %v, want ErrInvalidResponse", err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("fetches = %d, want 1 (then backoff)", calls.Load())
	}
}

func TestSourceRetryAfterOnlyFor429And503(t *testing.T) {
	for _, tt := range []struct {
		status  int
		honored bool
	}{{429, true}, {503, true}, {500, false}, {502, false}} {
		clk := newClock()
		src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
			return Token{}, &Error{Status: tt.status, RetryAfter: 5 * time.Minute}
		}), &SourceOptions{Now: clk.Now, MinBackoff: time.Second, MaxBackoff: time.Second})
		_, _ = src.Token(context.Background())
		d := src.fail.Load().until.Sub(clk.Now())
		if got := d == 5*time.Minute; got != tt.honored {
			t.Errorf("status %d: backoff %v, Retry-After honoured = %v, want %v", tt.status, d, got, tt.honored)
		}
	}
}

func TestSourceInvalidateIsRateLimited(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: 10 * time.Second})
	ctx := context.Background()
	t1, _ := src.Token(ctx)
	src.Invalidate(t1)
	t2, _ := src.Token(ctx)
	src.Invalidate(t2) // within MinBackoff: ignored
	if tok, _ := src.Token(ctx); tok.Value != t2.Value || f.calls.Load() != 2 {
		t.Fatalf("second invalidation within MinBackoff took effect (%d fetches)", f.calls.Load())
	}
	clk.Advance(11 * time.Second)
	src.Invalidate(t2)
	if tok, _ := src.Token(ctx); tok.Value == t2.Value || f.calls.Load() != 3 {
		t.Fatalf("invalidation after MinBackoff ignored (%d fetches)", f.calls.Load())
	}
}

// BenchmarkTimeNow is the floor under BenchmarkSourceTokenFresh: the clock
// read that every Token call makes.
func BenchmarkTimeNow(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = time.Now()
		}
	})
}

// BenchmarkTimeSince is the clock read of a Source on the default clock: the
// monotonic clock alone.
func BenchmarkTimeSince(b *testing.B) {
	base := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = time.Since(base)
		}
	})
}
