package inbound

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestReplayCacheSeen(t *testing.T) {
	clk := &testClock{t: testNow}
	c := NewReplayCache(&ReplayCacheOptions{Now: clk.Now})
	ctx := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		id      string
		until   time.Duration // after testNow
		want    bool
	}{
		{"first use", 0, "a", time.Minute, false},
		{"replay", 0, "a", time.Minute, true},
		{"other id", 0, "b", time.Minute, false},
		{"replay just before expiry", time.Minute - time.Nanosecond, "a", time.Minute, true},
		{"after expiry", time.Nanosecond, "a", 3 * time.Minute, false},
		{"recorded again", 0, "a", 3 * time.Minute, true},
	}
	for _, s := range steps {
		clk.Add(s.advance)
		seen, err := c.Seen(ctx, s.id, testNow.Add(s.until))
		if err != nil || seen != s.want {
			t.Fatalf("%s: Seen = %v, %v; want %v", s.name, seen, err, s.want)
		}
	}
}

// TestReplayCacheAtomic: of many concurrent first uses of one id, exactly
// one is told it is new.
func TestReplayCacheAtomic(t *testing.T) {
	c := NewReplayCache(nil)
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen, err := c.Seen(context.Background(), "jti", time.Now().Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if !seen {
				fresh.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := fresh.Load(); n != 1 {
		t.Fatalf("%d callers saw a first use, want 1", n)
	}
}

func TestReplayCacheBounded(t *testing.T) {
	clk := &testClock{t: testNow}
	const size = 100
	c := NewReplayCache(&ReplayCacheOptions{Size: size, Now: clk.Now}).(*memoryReplay)
	ctx := context.Background()
	full := 0
	for i := range 3 * size {
		// Later ids live longer, so the earliest expire first.
		seen, err := c.Seen(ctx, strconv.Itoa(i), testNow.Add(time.Minute+time.Duration(i)*time.Millisecond))
		if errors.Is(err, ErrReplayCacheFull) {
			full++
			continue
		}
		if err != nil || seen {
			t.Fatalf("Seen(%d) = %v, %v", i, seen, err)
		}
	}
	held := 0
	for i := range c.shards {
		held += len(c.shards[i].m)
	}
	if held > size || full == 0 {
		t.Fatalf("held %d (bound %d), %d refused", held, size, full)
	}
	// No live id was forgotten: every accepted one is still a replay.
	for i := range 3 * size {
		if seen, err := c.Seen(ctx, strconv.Itoa(i), testNow.Add(time.Hour)); err == nil && !seen {
			t.Fatalf("id %d was forgotten before it expired", i)
		}
	}
	clk.Add(time.Minute + time.Second)
	if seen, err := c.Seen(ctx, "new", clk.Now().Add(time.Minute)); err != nil || seen {
		t.Fatalf("after expiry: Seen = %v, %v", seen, err)
	}
}

func BenchmarkReplayCache(b *testing.B) {
	c := NewReplayCache(nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			_, _ = c.Seen(ctx, strconv.Itoa(i), time.Now().Add(time.Second))
		}
	})
}
