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

// TestReplayCacheShareOfOneKey: a client flooding proofs of one key is
// refused once its key holds its share of the in-process cache, and the
// other clients' proofs are still accepted.
func TestReplayCacheShareOfOneKey(t *testing.T) {
	pk := popFixtures()
	const size = 400
	v := dpopValidator(t, &DPoPOptions{Replay: NewReplayCache(&ReplayCacheOptions{Size: size, Now: fixedClock})})
	flood := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	other := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec2)})
	refusedAt := 0
	for i := range size + 1 {
		if _, err := v.Validate(dpopRequest(flood, makeProof(t, pk.ec, "", proofClaims(flood), nil))); err != nil {
			if e, ok := AsError(err); !ok || e.Code != CodeReplayCacheUnavailable {
				t.Fatalf("proof %d: %v", i, err)
			}
			refusedAt = i
			break
		}
	}
	if refusedAt == 0 || refusedAt > size/2 {
		t.Fatalf("the flooding key was refused after %d proofs (cache of %d)", refusedAt, size)
	}
	for i := range 10 {
		if _, err := v.Validate(dpopRequest(other, makeProof(t, pk.ec2, "", proofClaims(other), nil))); err != nil {
			t.Fatalf("another client's proof %d: %v", i, err)
		}
	}
}

// TestDPoPReplayLaggingReplica: two replicas share a replay cache; the one
// whose clock lags (within DPoPFutureSkew) must still refuse a proof the
// other accepted near the end of its window.
func TestDPoPReplayLaggingReplica(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	clk := &testClock{t: testNow}
	shared := NewReplayCache(&ReplayCacheOptions{Now: clk.Now})
	a := newTestValidator(t, func(o *JWTOptions) { o.Now = clk.Now; o.DPoP = &DPoPOptions{Replay: shared} })
	lag := func() time.Time { return clk.Now().Add(-4 * time.Second) }
	b := newTestValidator(t, func(o *JWTOptions) { o.Now = lag; o.DPoP = &DPoPOptions{Replay: shared} })
	c := proofClaims(tok)
	c["iat"] = testNow.Add(-DefaultDPoPWindow + time.Second).Unix()
	proof := makeProof(t, pk.ec, "", c, nil)
	if _, err := a.Validate(dpopRequest(tok, proof)); err != nil {
		t.Fatal(err)
	}
	clk.Add(3 * time.Second) // b's clock still accepts the proof's iat
	_, err := b.Validate(dpopRequest(tok, proof))
	wantRefusal(t, err, CodeInvalidDPoPProof, CodeInvalidDPoPProof, ChallengeDPoPError)
}

// TestReplayCacheKeyShareExpires: a key's share frees as its identifiers
// expire, and a key with none left is forgotten.
func TestReplayCacheKeyShareExpires(t *testing.T) {
	clk := &testClock{t: testNow}
	c := NewReplayCache(&ReplayCacheOptions{Size: 100, PerKey: 10, Now: clk.Now}).(*memoryReplay)
	ctx := context.Background()
	until := testNow.Add(time.Minute)
	for i := range 10 {
		if seen, err := c.seenScoped(ctx, "k", strconv.Itoa(i), until); seen || err != nil {
			t.Fatalf("id %d: %v, %v", i, seen, err)
		}
	}
	if _, err := c.seenScoped(ctx, "k", "10", until); !errors.Is(err, ErrReplayKeyFull) {
		t.Fatalf("11th id of one key: %v", err)
	}
	if seen, _ := c.seenScoped(ctx, "k", "3", until); !seen {
		t.Fatal("a replay of a full key is not reported as one")
	}
	if _, err := c.seenScoped(ctx, "j", "j0", until); err != nil {
		t.Fatalf("another key: %v", err)
	}
	clk.Add(time.Minute)
	if _, err := c.seenScoped(ctx, "k", "11", until.Add(time.Minute)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := len(c.shards[0].keys); n != 1 {
		t.Fatalf("%d keys tracked, want 1", n)
	}
}
