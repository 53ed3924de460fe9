package inbound_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// fakeStore is a KeyStore whose answers and latency the test controls.
type fakeStore struct {
	mu      sync.Mutex
	keys    map[[32]byte]*inbound.Principal
	expires map[[32]byte]time.Time
	err     error
	gate    chan struct{} // when set, every lookup waits for it (or its ctx)
	calls   atomic.Int64
}

func newFakeStore(keys ...string) *fakeStore {
	s := &fakeStore{keys: map[[32]byte]*inbound.Principal{}, expires: map[[32]byte]time.Time{}}
	for i, k := range keys {
		s.keys[sha256.Sum256([]byte(k))] = &inbound.Principal{Subject: fmt.Sprint("user", i), KeyID: fmt.Sprint("k", i)}
	}
	return s
}

func (s *fakeStore) Lookup(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
	p, _, err := s.LookupExpiry(ctx, sum)
	return p, err
}

func (s *fakeStore) LookupExpiry(ctx context.Context, sum [32]byte) (*inbound.Principal, time.Time, error) {
	s.calls.Add(1)
	s.mu.Lock()
	gate, err, p, exp := s.gate, s.err, s.keys[sum], s.expires[sum]
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, time.Time{}, ctx.Err()
		}
	}
	switch {
	case err != nil:
		return nil, time.Time{}, err
	case p == nil:
		return nil, time.Time{}, inbound.ErrKeyNotFound
	}
	return p, exp, nil
}

func (s *fakeStore) set(f func(s *fakeStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// plainStore hides LookupExpiry.
type plainStore struct{ s *fakeStore }

func (p plainStore) Lookup(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
	return p.s.Lookup(ctx, sum)
}

func lookup(c *inbound.KeyCache, key string) (*inbound.Principal, error) {
	return c.Lookup(context.Background(), sha256.Sum256([]byte(key)))
}

// TestKeyCacheTTL: a found key is remembered for TTL, an unknown one for
// NegativeTTL, and a store error is never remembered.
func TestKeyCacheTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newFakeStore("good")
		c := inbound.CachedKeys(plainStore{store}, &inbound.CachedKeysOptions{TTL: time.Minute, NegativeTTL: 10 * time.Second, Now: time.Now})
		calls := func(want int64) {
			t.Helper()
			if n := store.calls.Swap(0); n != want {
				t.Fatalf("%d store calls, want %d", n, want)
			}
		}
		for range 3 {
			if p, err := lookup(c, "good"); err != nil || p.Subject != "user0" || p.Scheme != inbound.SchemeAPIKey {
				t.Fatalf("good: %+v, %v", p, err)
			}
			if _, err := lookup(c, "bad"); !errors.Is(err, inbound.ErrKeyNotFound) {
				t.Fatalf("bad: %v", err)
			}
		}
		calls(2)
		time.Sleep(10 * time.Second)
		lookup(c, "good")
		lookup(c, "bad")
		calls(1) // the negative entry expired
		time.Sleep(50 * time.Second)
		lookup(c, "good")
		calls(1) // the positive entry expired

		store.set(func(s *fakeStore) { s.err = errors.New("db down") })
		for range 3 {
			if _, err := lookup(c, "other"); err == nil || errors.Is(err, inbound.ErrKeyNotFound) {
				t.Fatalf("store down: %v", err)
			}
		}
		calls(3) // errors are not remembered
		store.set(func(s *fakeStore) { s.err = nil })
		if _, err := lookup(c, "other"); !errors.Is(err, inbound.ErrKeyNotFound) {
			t.Fatalf("store back: %v", err)
		}
		calls(1)
	})
}

// TestKeyCacheStoreExpiry: a key is not remembered past the expiry its store
// gives, however long the TTL.
func TestKeyCacheStoreExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newFakeStore("good")
		sum := sha256.Sum256([]byte("good"))
		store.expires[sum] = time.Now().Add(5 * time.Second)
		c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{TTL: time.Hour, Now: time.Now})
		if _, err := lookup(c, "good"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		store.set(func(s *fakeStore) { delete(s.keys, sum) }) // the store no longer finds it
		if _, err := lookup(c, "good"); !errors.Is(err, inbound.ErrKeyNotFound) {
			t.Fatalf("after expiry: %v", err)
		}
		if n := store.calls.Load(); n != 2 {
			t.Fatalf("%d store calls, want 2", n)
		}
	})
}

// TestKeyCacheCoarseClock: without an injected clock, a hit sees expiry
// within a clock tick (50 ms), and the clock's goroutine stops when the
// cache is idle (synctest fails a test whose goroutines outlive it).
func TestKeyCacheCoarseClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newFakeStore("good")
		c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{TTL: time.Second})
		for range 30 { // 1.5 s of hits every 50 ms
			lookup(c, "good")
			time.Sleep(50 * time.Millisecond)
		}
		// Asked at 0 s, then at most 50 ms after 1 s: twice in all.
		if n := store.calls.Load(); n != 2 {
			t.Errorf("%d store calls in 1.5 s with a 1 s TTL, want 2", n)
		}
		time.Sleep(time.Second) // idle: the clock's goroutine ends
		synctest.Wait()
		lookup(c, "good") // and starts again, with the exact time
		if n := store.calls.Load(); n != 3 {
			t.Errorf("%d store calls after 1 s idle, want 3", n)
		}
		time.Sleep(time.Second) // let it end again
	})
}

// TestKeyCacheForget: Forget makes the next lookup ask the store, and a
// lookup under way when Forget is called does not remember its answer.
func TestKeyCacheForget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newFakeStore("good")
		sum := sha256.Sum256([]byte("good"))
		c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{Now: time.Now})
		lookup(c, "good")
		store.set(func(s *fakeStore) { delete(s.keys, sum) }) // revoked
		if _, err := lookup(c, "good"); err != nil {
			t.Fatalf("before Forget, the cached answer: %v", err)
		}
		c.Forget(sum)
		if _, err := lookup(c, "good"); !errors.Is(err, inbound.ErrKeyNotFound) {
			t.Fatalf("after Forget: %v", err)
		}

		// A lookup in flight, answered with the key, while it is revoked.
		store.set(func(s *fakeStore) { s.keys[sum] = &inbound.Principal{Subject: "x"}; s.gate = make(chan struct{}) })
		c.Forget(sum)
		done := make(chan error)
		go func() { _, err := lookup(c, "good"); done <- err }()
		synctest.Wait()
		c.Forget(sum)
		store.set(func(s *fakeStore) { delete(s.keys, sum); close(s.gate); s.gate = nil })
		if err := <-done; err != nil {
			t.Fatalf("the lookup in flight: %v", err)
		}
		if _, err := lookup(c, "good"); !errors.Is(err, inbound.ErrKeyNotFound) {
			t.Fatalf("the in-flight answer was remembered after Forget: %v", err)
		}
	})
}

// TestKeyCacheOneStoreCall: 1,000 concurrent first lookups of one key make
// one store call (singleflight), as do 1,000 lookups of an unknown key.
func TestKeyCacheOneStoreCall(t *testing.T) {
	for _, key := range []string{"good", "unknown"} {
		t.Run(key, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				store := newFakeStore("good")
				store.gate = make(chan struct{})
				c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{Now: time.Now})
				var wg sync.WaitGroup
				var found atomic.Int64
				for range 1000 {
					wg.Go(func() {
						if _, err := lookup(c, key); err == nil {
							found.Add(1)
						} else if !errors.Is(err, inbound.ErrKeyNotFound) {
							t.Error(err)
						}
					})
				}
				synctest.Wait() // all 1,000 wait on the one store call
				close(store.gate)
				wg.Wait()
				if n := store.calls.Load(); n != 1 {
					t.Errorf("%d store calls, want 1", n)
				}
				if want := map[bool]int64{true: 1000, false: 0}[key == "good"]; found.Load() != want {
					t.Errorf("%d found, want %d", found.Load(), want)
				}
			})
		})
	}
}

// TestKeyCacheHangingStore: a store that never answers holds each request
// no longer than its own context, and its call ends with StoreTimeout.
func TestKeyCacheHangingStore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newFakeStore("good")
		store.gate = make(chan struct{}) // never closed
		c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{StoreTimeout: time.Minute, Now: time.Now})
		v := mustAPIKey(t, c, nil)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := v.Validate(akRequest("access_token", "good").WithContext(ctx))
		if !errors.Is(err, &inbound.Error{Code: inbound.CodeKeyStoreUnavailable}) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want 503 key_store_unavailable after the deadline", err)
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("waited %v, want the request's 2s", d)
		}
		// A second request joins the same store call, bounded by its own ctx.
		ctx2, cancel2 := context.WithCancel(context.Background())
		go func() { time.Sleep(time.Second); cancel2() }()
		if _, err := v.Validate(akRequest("access_token", "good").WithContext(ctx2)); !errors.Is(err, context.Canceled) {
			t.Fatalf("second request: %v", err)
		}
		if n := store.calls.Load(); n != 1 {
			t.Errorf("%d store calls, want 1", n)
		}
		time.Sleep(time.Minute) // the store call ends with StoreTimeout: no goroutine outlives the bubble
	})
}

// TestKeyCacheBounded: a flood of distinct keys keeps at most MaxEntries,
// and found keys survive a flood of unknown ones.
func TestKeyCacheBounded(t *testing.T) {
	store := newFakeStore("good")
	c := inbound.CachedKeys(store, &inbound.CachedKeysOptions{MaxEntries: 1000})
	lookup(c, "good")
	for i := range 50_000 {
		lookup(c, fmt.Sprint("random-", i))
		if i%1000 == 0 && c.Len() > 1000 {
			t.Fatalf("%d entries after %d keys", c.Len(), i)
		}
	}
	if n := c.Len(); n > 1000 || n < 900 {
		t.Fatalf("%d entries, want at most 1000 (and near it)", n)
	}
	before := store.calls.Load()
	if _, err := lookup(c, "good"); err != nil || store.calls.Load() != before {
		t.Errorf("the found key was evicted by unknown ones (err %v)", err)
	}
	if s := fmt.Sprint(c); !strings.HasPrefix(s, "inbound.KeyCache(") {
		t.Errorf("String() = %q", s)
	}
}

// TestKeyCacheThroughAPIKey: APIKey over a KeyCache completes the Principal
// with the environment of the prefix, without modifying the store's, and a
// hit allocates nothing (as with HashedKeys).
func TestKeyCacheThroughAPIKey(t *testing.T) {
	store := newFakeStore(prodKey)
	stored := store.keys[sha256.Sum256([]byte(prodKey))]
	c := inbound.CachedKeys(store, nil)
	v := mustAPIKey(t, c, &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"})
	r := akRequest("access_token", prodKey, "User-Agent", "my-app/1.0")
	p, err := v.Validate(r)
	if err != nil || p.Environment != "production" || p.Scheme != "APIKey" || p.Subject != "user0" {
		t.Fatalf("Validate = %+v, %v", p, err)
	}
	if stored.Environment != "" || stored.Scheme != "" {
		t.Errorf("the store's Principal was modified: %+v", stored)
	}
	both := inbound.All(inbound.UserAgent(), v)
	if n := testing.AllocsPerRun(100, func() { _, _ = both.Validate(r) }); n != 0 {
		t.Errorf("a cache hit allocates %v times per request, want 0", n)
	}
	if n := store.calls.Load(); n != 1 {
		t.Errorf("%d store calls, want 1", n)
	}
}

// TestCachedKeysNilStore: a cache of no store is a configuration error
// that APIKey reports, and that every lookup answers (never a panic).
func TestCachedKeysNilStore(t *testing.T) {
	c := inbound.CachedKeys(nil, nil)
	if _, err := inbound.APIKey(c, nil); !errors.Is(err, inbound.ErrInvalidConfig) || !strings.Contains(err.Error(), "CachedKeys: nil KeyStore") {
		t.Errorf("APIKey: %v", err)
	}
	if _, err := lookup(c, "k"); !errors.Is(err, inbound.ErrInvalidConfig) {
		t.Errorf("Lookup: %v", err)
	}
}

// BenchmarkAPIKeyStores compares, in one run, the API key + User-Agent check
// over the in-memory HashedKeys and over a KeyCache hit in front of a store.
func BenchmarkAPIKeyStores(b *testing.B) {
	opts := &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"}
	stores := []struct {
		name  string
		store inbound.KeyStore
	}{
		{"HashedKeys", akStore()},
		{"CachedKeys", inbound.CachedKeys(newFakeStore(prodKey), nil)},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			both := inbound.All(inbound.UserAgent(), mustAPIKey(b, s.store, opts))
			r := akRequest("access_token", prodKey, "User-Agent", "my-app/1.0")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := both.Validate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAPIKeyCachedVsHashed measures the two paths of
// BenchmarkAPIKeyStores interleaved, in blocks of 1,000 requests, so that a
// busy machine slows both alike; it reports the median block of each and
// their ratio (target: cached/hashed ≤ 1.10).
func BenchmarkAPIKeyCachedVsHashed(b *testing.B) {
	opts := &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"}
	hashed := inbound.All(inbound.UserAgent(), mustAPIKey(b, akStore(), opts))
	cached := inbound.All(inbound.UserAgent(), mustAPIKey(b, inbound.CachedKeys(newFakeStore(prodKey), nil), opts))
	r := akRequest("access_token", prodKey, "User-Agent", "my-app/1.0")
	const block = 1000
	var th, tc []float64
	run := func(v inbound.Validator) float64 {
		start := time.Now()
		for range block {
			if _, err := v.Validate(r); err != nil {
				b.Fatal(err)
			}
		}
		return float64(time.Since(start).Nanoseconds()) / block
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			th = append(th, run(hashed))
			tc = append(tc, run(cached))
		} else {
			tc = append(tc, run(cached))
			th = append(th, run(hashed))
		}
	}
	slices.Sort(th)
	slices.Sort(tc)
	mh, mc := th[len(th)/2], tc[len(tc)/2]
	b.ReportMetric(mh, "hashed-ns/req")
	b.ReportMetric(mc, "cached-ns/req")
	b.ReportMetric(mc/mh, "cached/hashed")
	b.ReportMetric(0, "ns/op")
}
