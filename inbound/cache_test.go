package inbound

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// countVerifications makes v count its signature verifications.
func countVerifications(v *jwtValidator) *atomic.Int64 {
	n := new(atomic.Int64)
	for i := range v.algs {
		check := v.algs[i].check
		v.algs[i].check = func(input, sig []byte, key any) error {
			n.Add(1)
			return check(input, sig, key)
		}
	}
	return n
}

// settableClock is a clock tests move by hand.
type settableClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *settableClock {
	c := &settableClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *settableClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *settableClock) add(d time.Duration) { c.ns.Add(int64(d)) }

func TestCacheHitSkipsVerification(t *testing.T) {
	k := fixtures()
	for _, tc := range []struct {
		name string
		tok  string
	}{
		{"HS256", sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))},
		{"RS256", sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil))},
		{"ES256", sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(nil))},
		{"EdDSA no kid", sign(t, jwt.SigningMethodEdDSA, k.ed, "", claims(nil))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestValidator(t, nil)
			n := countVerifications(v)
			first, err := v.Validate(bearerRequest(tc.tok))
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 100 {
						p, err := v.Validate(bearerRequest(tc.tok))
						if err != nil || p != first {
							t.Errorf("hit: %v, same principal %v", err, p == first)
							return
						}
					}
				}()
			}
			wg.Wait()
			if got := n.Load(); got != 1 {
				t.Fatalf("%d verifications, want 1", got)
			}
		})
	}
}

func TestCacheDisabled(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) { o.CacheSize = -1 })
	n := countVerifications(v)
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	for range 3 {
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 3 || v.cache != nil {
		t.Fatalf("%d verifications with the cache off", n.Load())
	}
}

func TestCacheExpiredEntryNotServed(t *testing.T) {
	k := fixtures()
	clock := newClock(testNow)
	v := newTestValidator(t, func(o *JWTOptions) { o.Now = clock.now; o.Leeway = 10 * time.Second })
	n := countVerifications(v)
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"exp": testNow.Add(time.Minute).Unix()}))
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Minute + 5*time.Second) // past exp, within leeway
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	clock.add(5 * time.Second) // exp + leeway
	if _, err := v.Validate(bearerRequest(tok)); code(err) != CodeTokenExpired {
		t.Fatalf("got %v, want token_expired", err)
	}
	if v.cache.len() != 0 {
		t.Fatal("expired entry still cached")
	}
	if _, err := v.Validate(bearerRequest(tok)); code(err) != CodeTokenExpired {
		t.Fatalf("got %v, want token_expired", err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d verifications, want 2 (first sight, then after eviction)", n.Load())
	}
}

func TestCacheNotYetValidEntry(t *testing.T) {
	k := fixtures()
	clock := newClock(testNow)
	v := newTestValidator(t, func(o *JWTOptions) { o.Now = clock.now })
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"nbf": testNow.Unix()}))
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatal(err)
	}
	clock.add(-time.Second) // a clock stepped back is re-checked on hit
	if _, err := v.Validate(bearerRequest(tok)); code(err) != CodeTokenNotYetValid {
		t.Fatalf("got %v", err)
	}
}

func TestCacheRemovedKeyEvicts(t *testing.T) {
	k := fixtures()
	keys := &mutableKeys{m: map[string]any{"hmac": k.hmac, "rsa": &k.rsa.PublicKey}}
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = keys })
	n := countVerifications(v)
	hs := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	rs := sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil))
	for _, tok := range []string{hs, rs, hs, rs} {
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 2 {
		t.Fatalf("%d verifications, want 2", n.Load())
	}
	keys.set("rsa", nil)
	if _, err := v.Validate(bearerRequest(rs)); code(err) != CodeUnknownKey {
		t.Fatalf("removed key: got %v", err)
	}
	if v.cache.len() != 1 {
		t.Fatalf("cache holds %d entries, want 1", v.cache.len())
	}
	// Replaced by another key under the same kid: the entry goes and the token
	// is verified against the new key (and fails).
	keys.set("hmac", []byte("another-secret-another-secret-another-secret"))
	if _, err := v.Validate(bearerRequest(hs)); code(err) != CodeInvalidToken {
		t.Fatalf("replaced key: got %v", err)
	}
	if v.cache.len() != 0 {
		t.Fatalf("cache holds %d entries, want 0", v.cache.len())
	}
}

func TestCacheBoundUnderFlood(t *testing.T) {
	k := fixtures()
	const size = 300
	v := newTestValidator(t, func(o *JWTOptions) { o.CacheSize = size })
	if c := v.cache.capacity(); c < size || c > size+64 {
		t.Fatalf("capacity %d for size %d", c, size)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"jti": fmt.Sprint(g, "-", i)}))
				if _, err := v.Validate(bearerRequest(tok)); err != nil {
					t.Error(err)
					return
				}
				if l := v.cache.len(); l > v.cache.capacity() {
					t.Errorf("cache grew to %d", l)
					return
				}
			}
		}()
	}
	wg.Wait()
	if l := v.cache.len(); l == 0 || l > v.cache.capacity() {
		t.Fatalf("cache holds %d", l)
	}
	big := newTokenCache(DefaultCacheSize)
	if c := big.capacity(); c < DefaultCacheSize || c > DefaultCacheSize+64 || len(big.shards) < 2 {
		t.Fatalf("default cache: capacity %d in %d shards", c, len(big.shards))
	}
}

// Tokens without exp (ExpOptional) are verified each time, never cached.
func TestCacheSkipsTokensWithoutExp(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) { o.ExpOptional = true })
	n := countVerifications(v)
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"exp": nil}))
	for range 2 {
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 2 || v.cache.len() != 0 {
		t.Fatalf("%d verifications, %d cached", n.Load(), v.cache.len())
	}
}

// TestCacheEvictsOldest: a full shard evicts its oldest entry; a removed
// entry's slot lingers harmlessly and the bound holds.
func TestCacheEvictsOldest(t *testing.T) {
	c := newTokenCache(4) // one shard of 4
	e := &cacheEntry{}
	has := func(want string) {
		t.Helper()
		var got []string
		for _, k := range []string{"a", "b", "c", "d", "e", "f", "g"} {
			if c.get(k) != nil {
				got = append(got, k)
			}
		}
		if fmt.Sprint(got) != want || c.len() > c.capacity() {
			t.Fatalf("holds %v, want %s", got, want)
		}
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		c.put(k, e)
	}
	has("[a b c d]")
	c.put("a", e) // an update keeps its place
	c.remove("b", e)
	has("[a c d]")
	c.put("e", e) // full ring: a, the oldest, goes
	has("[c d e]")
	c.put("f", e) // b's stale slot goes, nothing live
	has("[c d e f]")
	c.put("g", e)
	has("[d e f g]")
}
