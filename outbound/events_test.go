package outbound

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type ctxKey struct{}

// TestSourceOnWait: OnWait is called exactly for the calls Stats counts as
// waits, with the caller's context, and says when a call was answered from
// the backoff.
func TestSourceOnWait(t *testing.T) {
	clk := newClock()
	f := &countingFetcher{clk: clk, life: time.Hour}
	var mu sync.Mutex
	var got []WaitEvent
	src := NewSource(f, &SourceOptions{Now: clk.Now, MinBackoff: time.Minute, OnWait: func(ev WaitEvent) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
	}})
	ctx := context.WithValue(context.Background(), ctxKey{}, "caller")

	boom := errors.New("boom")
	f.failWith.Store(&boom)
	if _, err := src.Token(ctx); !errors.Is(err, boom) { // waits, fetch fails
		t.Fatalf("first Token: %v", err)
	}
	if _, err := src.Token(ctx); !errors.Is(err, boom) { // answered from the backoff
		t.Fatalf("second Token: %v", err)
	}
	f.failWith.Store(nil)
	clk.Advance(2 * time.Minute)
	if _, err := src.Token(ctx); err != nil { // waits, fetch succeeds
		t.Fatal(err)
	}
	if _, err := src.Token(ctx); err != nil { // fresh: no wait
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	if n := src.Stats().Waits; int64(len(got)) != n || n != 3 {
		t.Fatalf("%d OnWait calls, Stats().Waits = %d, want 3 each", len(got), n)
	}
	for i, want := range []bool{false, true, false} {
		if got[i].BackingOff != want {
			t.Errorf("wait %d: BackingOff = %v, want %v", i, got[i].BackingOff, want)
		}
		if got[i].Context.Value(ctxKey{}) != "caller" {
			t.Errorf("wait %d: not the caller's context", i)
		}
	}
}

// TestFetchEventContext: every event of a fetch carries the values of the
// caller that caused it, without its cancellation.
func TestFetchEventContext(t *testing.T) {
	for _, background := range []bool{false, true} {
		t.Run(map[bool]string{false: "wait", true: "background"}[background], func(t *testing.T) {
			clk := newClock()
			events := make(chan FetchEvent, 4)
			src := NewSource(&countingFetcher{clk: clk, life: time.Hour}, &SourceOptions{Now: clk.Now,
				OnFetch: func(ev FetchEvent) { events <- ev }})
			if background {
				if _, err := src.Token(context.Background()); err != nil {
					t.Fatal(err)
				}
				<-events
				<-events
				clk.Advance(57 * time.Minute) // stale: fresh until 55 min, usable until 59:50
			}
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "caller"))
			if _, err := src.Token(ctx); err != nil {
				t.Fatal(err)
			}
			cancel()
			for _, phase := range []FetchPhase{FetchStarted, FetchSucceeded} {
				ev := <-events
				if ev.Phase != phase || ev.Background != background {
					t.Fatalf("event %v background %v, want %v %v", ev.Phase, ev.Background, phase, background)
				}
				if ev.Context == nil || ev.Context.Value(ctxKey{}) != "caller" {
					t.Fatalf("%v: the caller's values are missing", phase)
				}
				if ev.Context.Err() != nil {
					t.Fatalf("%v: the fetch context is cancelled with the caller", phase)
				}
			}
		})
	}
}

func TestEventLogValue(t *testing.T) {
	expiry := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    slog.LogValuer
		want string
	}{
		{"started", FetchEvent{Phase: FetchStarted, Background: true, Context: context.Background()},
			`"ev":{"phase":"started","background":true}`},
		{"succeeded", FetchEvent{Phase: FetchSucceeded, Duration: 2 * time.Millisecond, Expiry: expiry},
			`"ev":{"phase":"succeeded","background":false,"duration":2000000,"expiry":"2026-01-01T01:00:00Z"}`},
		{"failed", FetchEvent{Phase: FetchFailed, Duration: time.Millisecond, Err: &Error{Op: "fetch token", Status: 503}, Backoff: time.Second},
			`"ev":{"phase":"failed","background":false,"duration":1000000,"err":"outbound: fetch token: status 503","backoff":1000000000}`},
		{"wait", WaitEvent{Context: context.Background(), BackingOff: true}, `"ev":{"backing_off":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "ev", tt.v)
			if !strings.Contains(buf.String(), tt.want) {
				t.Errorf("got %s\nwant %s", buf.String(), tt.want)
			}
		})
	}
}

// TestSourceTokenFreshNoAllocsWithHooks: hooks cost nothing on the fresh path.
func TestSourceTokenFreshNoAllocsWithHooks(t *testing.T) {
	clk := newClock()
	src := NewSource(&countingFetcher{clk: clk, life: time.Hour}, &SourceOptions{Now: clk.Now,
		OnFetch: func(FetchEvent) {}, OnWait: func(WaitEvent) {}})
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = src.Token(ctx) }); n != 0 {
		t.Fatalf("%v allocations per fresh Token", n)
	}
}
