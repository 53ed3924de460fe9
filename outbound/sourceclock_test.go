package outbound

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// A clock that steps back below the time a token was stored makes its age
// unknown: the token is used but refreshed, never kept fresh for the length
// of the step.
func TestSourceClockStepBackRefreshes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newClock()
		f := &countingFetcher{clk: clk, life: time.Hour}
		src := NewSource(f, &SourceOptions{Now: clk.Now})
		ctx := context.Background()
		if _, err := src.Token(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(-time.Minute)
		if tok, err := src.Token(ctx); err != nil || tok.Value != "tok-1" {
			t.Fatalf("after the step back: %v, %v; want the cached token", tok, err)
		}
		synctest.Wait()
		if got := f.calls.Load(); got != 2 {
			t.Fatalf("fetches = %d, want 2: the step back must start a refresh", got)
		}
		// The new token was stored at the stepped-back time: fresh again.
		if tok, _ := src.Token(ctx); tok.Value != "tok-2" {
			t.Fatalf("got %s, want tok-2", tok.Value)
		}
		synctest.Wait()
		if got := f.calls.Load(); got != 2 {
			t.Fatalf("fetches = %d, want no more", got)
		}
	})
}

// A step back during a backoff ends it rather than freezing it for the
// length of the step.
func TestSourceClockStepBackEndsBackoff(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	fail := errors.New("boom")
	f.failWith.Store(&fail)
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: time.Second, MaxBackoff: time.Second})
	ctx := context.Background()
	if _, err := src.Token(ctx); err == nil {
		t.Fatal("no error")
	}
	f.failWith.Store(nil)
	clk.Advance(-time.Hour)
	if tok, err := src.Token(ctx); err != nil || tok.Value != "tok-2" {
		t.Fatalf("after the step back: %v, %v; want a new token at once", tok, err)
	}
}

// A step back ends the invalidation rate limit rather than prolonging it:
// a revoked token is dropped at the next 401.
func TestSourceClockStepBackEndsInvalidationLimit(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: 10 * time.Second})
	ctx := context.Background()
	t1, _ := src.Token(ctx)
	src.Invalidate(t1)
	t2, _ := src.Token(ctx)
	clk.Advance(-time.Hour)
	clk.Advance(11 * time.Second) // MinBackoff has passed in real time
	src.Invalidate(t2)
	if tok, _ := src.Token(ctx); tok.Value == t2.Value {
		t.Fatalf("invalidation after a step back ignored (%d fetches)", f.calls.Load())
	}
}

// With the default clock, thresholds and the invalidation limit are kept on
// the monotonic clock, so a step of the wall clock (NTP) moves none of them.
func TestSourceDefaultClockIsMonotonic(t *testing.T) {
	// An absolute expiry, as parsed from an ISO time: no monotonic reading.
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: "v", Expiry: time.Now().Round(0).Add(time.Hour)}, nil
	}), nil)
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !src.mono || src.base == src.base.Round(0) {
		t.Fatal("the Source's base has no monotonic reading")
	}
	e := src.cur.Load()
	if life := e.staleUntil - e.fetchedAt; life < 59*time.Minute || life > time.Hour {
		t.Errorf("usable for %v after arrival, want just under an hour", life)
	}
	src.Invalidate(tok)
	if last := src.lastInvalidate.Load(); last < 0 || last > int64(time.Minute) {
		t.Errorf("lastInvalidate = %d, want nanoseconds since the Source was made (monotonic), not wall time", last)
	}
}
