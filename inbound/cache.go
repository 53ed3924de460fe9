package inbound

import (
	"hash/maphash"
	"sync"
)

// DefaultCacheSize is the number of verified tokens a BearerJWT validator
// remembers when JWTOptions.CacheSize is 0. An entry holds the token (the
// map key), its decoded claims and the Principal: typically one or two KiB for
// a token of a few hundred bytes, so about 10–20 MB when full, and up to about
// 100 MB with tokens near the 8 KiB size limit. The bound is a count of
// entries, not of bytes: lower CacheSize where memory is tight.
const DefaultCacheSize = 10_000

// cacheEntry is a token that fully verified. Everything in it is read-only
// once stored, so readers need no lock beyond the map lookup.
type cacheEntry struct {
	principal Principal
	kid, alg  string
	key       any        // the key that verified it, compared by identity on hit
	times     tokenTimes // entries without exp are not cached
	scopeOK   bool       // the validator's required scopes were all granted
	// cnf is the token's binding, read once: handlers may change
	// principal.Claims, so it is never read from there again.
	cnf confirmation
}

// tokenCache is a bounded, sharded map from the exact token string to its
// verified result. Each shard is a plain map under an RWMutex: hits take a
// read lock only. When a shard is full, its oldest entry is evicted (first
// in, first out: a ring of the keys in insertion order), so a flood of
// distinct tokens can never grow it past its bound, and cannot pick which
// entry goes, only push the oldest out.
type tokenCache struct {
	seed   maphash.Seed
	mask   uint64
	per    int // capacity of one shard
	shards []cacheShard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string]*cacheEntry
	// ring holds the keys in insertion order, from head, count of them.
	// Every key of m is in it; a removed key may linger until its turn,
	// when deleting it again is harmless. So len(m) <= count <= len(ring).
	ring        []string
	head, count int
	_           [40]byte // keep neighbouring shards' locks on separate cache lines
}

// newTokenCache returns a cache holding at most about size entries (rounded up
// to a multiple of the shard count), or nil when size <= 0.
func newTokenCache(size int) *tokenCache {
	if size <= 0 {
		return nil
	}
	n := 1
	for n < 64 && n*256 <= size { // shards of at least 256 entries, at most 64 shards
		n *= 2
	}
	per := (size + n - 1) / n
	c := &tokenCache{seed: maphash.MakeSeed(), mask: uint64(n - 1), per: per, shards: make([]cacheShard, n)}
	for i := range c.shards {
		c.shards[i].m = make(map[string]*cacheEntry)
		c.shards[i].ring = make([]string, per)
	}
	return c
}

func (c *tokenCache) shard(token string) *cacheShard {
	return &c.shards[maphash.String(c.seed, token)&c.mask]
}

func (c *tokenCache) get(token string) *cacheEntry { return c.shard(token).get(token) }

func (c *tokenCache) put(token string, e *cacheEntry) { c.shard(token).put(token, e) }

// get and put on a shard let a caller hash the token once for both.
func (s *cacheShard) get(token string) *cacheEntry {
	s.mu.RLock()
	e := s.m[token]
	s.mu.RUnlock()
	return e
}

func (s *cacheShard) put(token string, e *cacheEntry) {
	s.mu.Lock()
	if _, ok := s.m[token]; !ok {
		if s.count == len(s.ring) { // full: the oldest goes
			delete(s.m, s.ring[s.head])
			s.head = (s.head + 1) % len(s.ring)
			s.count--
		}
		s.ring[(s.head+s.count)%len(s.ring)] = token
		s.count++
	}
	s.m[token] = e
	s.mu.Unlock()
}

// remove deletes token's entry if it is still e (a concurrent put may have
// replaced it with a fresher one).
func (c *tokenCache) remove(token string, e *cacheEntry) {
	s := c.shard(token)
	s.mu.Lock()
	if s.m[token] == e {
		delete(s.m, token)
	}
	s.mu.Unlock()
}

// len returns the number of entries, for tests.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// capacity returns the bound len never exceeds.
func (c *tokenCache) capacity() int { return c.per * len(c.shards) }
