package inbound

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of CachedKeysOptions.
const (
	DefaultKeyCacheTTL          = 30 * time.Second
	DefaultKeyCacheNegativeTTL  = 5 * time.Second
	DefaultKeyCacheMaxEntries   = 100_000
	DefaultKeyCacheStoreTimeout = 5 * time.Second
)

// keyCacheShards spreads the entries over several locks, so that lookups of
// different keys on several cores do not contend on one.
const keyCacheShards = 16

// CachedKeysOptions configures CachedKeys. A nil *CachedKeysOptions, like
// every zero field, means the documented defaults.
type CachedKeysOptions struct {
	// TTL is how long a found key is remembered. Default 30 s. A key revoked
	// in the store is still accepted for up to this long, unless the cache
	// is told with Forget (which a store's watcher does).
	TTL time.Duration

	// NegativeTTL is how long an unknown or revoked key is remembered.
	// Default 5 s. A key created in the store is refused for up to this long
	// if it was presented (and refused) just before.
	NegativeTTL time.Duration

	// MaxEntries bounds the number of keys remembered, found or not, so that
	// a flood of distinct keys costs bounded memory. Default 100,000. When
	// full, expired entries go first, then unknown keys, then any.
	MaxEntries int

	// StoreTimeout bounds one store lookup. Default 5 s. Each request still
	// waits no longer than its own context allows.
	StoreTimeout time.Duration

	// Now is the clock; nil means the system's monotonic clock. Then a hit
	// does not read the clock itself (that would cost as much as the rest
	// of the lookup): a goroutine that runs while the cache is in use reads
	// it every 50 ms, so a key may be remembered up to 50 ms past its TTL or
	// its store's expiry. With Now set, every hit calls it. (In a
	// testing/synctest bubble, set Now to time.Now, or let the cache idle
	// for 100 ms before the bubble ends, so that the goroutine has ended.)
	Now func() time.Time
}

// ExpiringKeyStore is a KeyStore that also tells until when a key it found
// is valid. A KeyCache never remembers such a key past that time; a zero
// time means the key does not expire.
type ExpiringKeyStore interface {
	KeyStore
	LookupExpiry(ctx context.Context, sha256 [32]byte) (p *Principal, expires time.Time, err error)
}

// KeyCache is a KeyStore that remembers the answers of another one, so that
// a database behind it is asked once per key per TTL instead of once per
// request. Create it with CachedKeys; it is safe for concurrent use.
//
// Concurrent lookups of one key make one store call, each caller waiting no
// longer than its own context; found keys are remembered for TTL, unknown
// ones (ErrKeyNotFound) for NegativeTTL; any other store error is returned to
// the callers of that one store call and never remembered, so an outage
// answers 503 and ends as soon as the store answers again.
//
// The Principals it returns are shared by every request of the same key, as
// HashedKeys' are: treat them as read-only (copy one before changing it).
type KeyCache struct {
	store   KeyStore
	err     error            // the configuration error, answered to every lookup
	expiry  ExpiringKeyStore // store, when it tells expiry times
	ttl     time.Duration
	negTTL  time.Duration
	timeout time.Duration
	now     func() time.Time // nil: the monotonic clock, which is cheaper
	epoch   time.Time
	group   singleflight.Group
	coarse  coarseClock
	shards  [keyCacheShards]keyShard
}

type keyShard struct {
	mu  sync.RWMutex
	m   map[[32]byte]*cachedKey
	max int
	// gen counts Forget calls, so that a lookup that started before a
	// Forget does not remember its (possibly revoked) answer.
	gen uint64
}

// cachedKey is one remembered answer; p nil means "not found".
type cachedKey struct {
	p       *Principal
	expires int64 // on c.clock()
	withEnv envCache
}

// CachedKeys returns a KeyCache in front of store. A nil store is a
// configuration error, which this signature cannot return: APIKey refuses
// such a cache with an error wrapping ErrInvalidConfig, and its every Lookup
// returns that error (503, never a panic or 401 for everyone).
func CachedKeys(store KeyStore, opts *CachedKeysOptions) *KeyCache {
	var o CachedKeysOptions
	if opts != nil {
		o = *opts
	}
	c := &KeyCache{
		store:   store,
		ttl:     orDefault(o.TTL, DefaultKeyCacheTTL),
		negTTL:  orDefault(o.NegativeTTL, DefaultKeyCacheNegativeTTL),
		timeout: orDefault(o.StoreTimeout, DefaultKeyCacheStoreTimeout),
		now:     o.Now,
	}
	if store == nil {
		c.err = newConfigError("CachedKeys", "nil KeyStore")
	}
	c.expiry, _ = store.(ExpiringKeyStore)
	max := o.MaxEntries
	if max <= 0 {
		max = DefaultKeyCacheMaxEntries
	}
	if c.now != nil {
		c.epoch = c.now()
	} else {
		c.epoch = time.Now()
	}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.m = make(map[[32]byte]*cachedKey)
		// Exactly max in all: the first max%16 shards hold one more.
		sh.max = max / keyCacheShards
		if i < max%keyCacheShards {
			sh.max++
		}
	}
	return c
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// clock returns the time since the cache was made. Without an injected
// clock it reads only the monotonic clock (time.Since), about half the cost
// of time.Now on the hit path.
func (c *KeyCache) clock() int64 {
	if c.now != nil {
		return int64(c.now().Sub(c.epoch))
	}
	return int64(time.Since(c.epoch))
}

func (c *KeyCache) shard(sum *[32]byte) *keyShard {
	return &c.shards[sum[0]%keyCacheShards]
}

// Lookup implements KeyStore.
func (c *KeyCache) Lookup(ctx context.Context, sum [32]byte) (*Principal, error) {
	return c.lookupIn(ctx, sum, "")
}

// Forget drops what the cache remembers of the key with hash sum, and
// detaches a store lookup of it under way, so that the next lookup asks the
// store: call it when a key is revoked.
func (c *KeyCache) Forget(sum [32]byte) {
	sh := c.shard(&sum)
	sh.mu.Lock()
	sh.gen++
	delete(sh.m, sum)
	// Under the shard's lock: a lookup that misses once Forget has
	// returned starts a new store call rather than joining one that began
	// before the revocation.
	c.group.Forget(string(sum[:]))
	sh.mu.Unlock()
}

// Len returns the number of keys remembered, expired ones included.
func (c *KeyCache) Len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

// String describes the cache without any key material.
func (c *KeyCache) String() string {
	return fmt.Sprintf("inbound.KeyCache(%d keys)", c.Len())
}

// lookupIn is Lookup with the Principal completed for env (see
// withEnvironment); a hit allocates nothing once the entry has seen env.
func (c *KeyCache) lookupIn(ctx context.Context, sum [32]byte, env string) (*Principal, error) {
	if c.err != nil {
		return nil, c.err
	}
	sh := c.shard(&sum)
	sh.mu.RLock()
	e := sh.m[sum]
	sh.mu.RUnlock()
	if e == nil || c.hitClock() >= e.expires {
		var err error
		if e, err = c.miss(ctx, sum); err != nil {
			return nil, err
		}
	}
	if e.p == nil {
		return nil, ErrKeyNotFound
	}
	return e.withEnv.get(e.p, env), nil
}

// miss asks the store, once for all the callers that miss on sum at the same
// time; each waits for the answer no longer than its own ctx.
func (c *KeyCache) miss(ctx context.Context, sum [32]byte) (*cachedKey, error) {
	ch := c.group.DoChan(string(sum[:]), func() (any, error) {
		// The store call outlives any one caller: it runs on a context
		// that keeps the first caller's values but not its cancellation.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		return c.fill(fctx, sum)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*cachedKey), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("inbound: KeyCache: gave up waiting for the key store: %w", context.Cause(ctx))
	}
}

// fill asks the store and remembers its answer, unless the key was
// forgotten meanwhile.
func (c *KeyCache) fill(ctx context.Context, sum [32]byte) (*cachedKey, error) {
	sh := c.shard(&sum)
	sh.mu.RLock()
	e, gen := sh.m[sum], sh.gen
	sh.mu.RUnlock()
	// Another flight of this key may have finished between the caller's
	// miss and this one's start: then its answer is here.
	if e != nil && c.clock() < e.expires {
		return e, nil
	}
	p, until, err := c.ask(ctx, sum)
	now := c.clock()
	switch {
	case err == nil && p != nil:
		e = &cachedKey{p: p, expires: now + int64(c.ttl)}
		if !until.IsZero() {
			e.expires = min(e.expires, now+int64(c.untilClock(until)))
		}
	case err == nil || errors.Is(err, ErrKeyNotFound):
		e = &cachedKey{expires: now + int64(c.negTTL)}
	default:
		return nil, err // never remembered
	}
	sh.mu.Lock()
	if sh.gen == gen {
		sh.put(sum, e, now)
	}
	sh.mu.Unlock()
	return e, nil
}

func (c *KeyCache) ask(ctx context.Context, sum [32]byte) (*Principal, time.Time, error) {
	if c.expiry != nil {
		return c.expiry.LookupExpiry(ctx, sum)
	}
	p, err := c.store.Lookup(ctx, sum)
	return p, time.Time{}, err
}

// untilClock returns how long from now until t.
func (c *KeyCache) untilClock(t time.Time) time.Duration {
	if c.now != nil {
		return t.Sub(c.now())
	}
	return time.Until(t)
}

// put stores e, making room first when the shard is full: it looks at a few
// entries (map iteration starts at a random place) and drops the expired
// ones, else an unknown key, else the first one seen.
func (sh *keyShard) put(sum [32]byte, e *cachedKey, now int64) {
	if sh.max == 0 {
		return
	}
	if _, ok := sh.m[sum]; !ok && len(sh.m) >= sh.max {
		var victim [32]byte
		found, negative, seen := false, false, 0
		for k, v := range sh.m {
			if v.expires <= now {
				delete(sh.m, k)
				found = false
				break
			}
			if !found || (!negative && v.p == nil) {
				victim, found, negative = k, true, v.p == nil
			}
			if seen++; seen == 8 {
				break
			}
		}
		if found {
			delete(sh.m, victim)
		}
	}
	sh.m[sum] = e
}
