package inbound

import (
	"cmp"
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"sync"
	"time"
)

// ReplayCache remembers the identifiers of single-use proofs (the "jti" of a
// DPoP proof) so that each is accepted once. The in-process default comes
// from NewReplayCache; a fleet of replicas shares one through the redisstore
// module, so that a proof replayed to another replica is refused too.
//
// Implementations must be safe for concurrent use.
type ReplayCache interface {
	// Seen records id until the time until and reports whether it was
	// already recorded and not yet expired. It is atomic: of any number of
	// concurrent calls with one id, exactly one returns false. An error
	// means the answer is unknown; the caller refuses the proof.
	Seen(ctx context.Context, id string, until time.Time) (bool, error)
}

// ErrReplayCacheFull is returned by the in-process ReplayCache when every
// slot holds an identifier that has not expired yet. Evicting one would let
// its proof be replayed, so the cache refuses new ones instead.
var ErrReplayCacheFull = errors.New("inbound: replay cache full")

// ErrReplayKeyFull is returned by the in-process ReplayCache when one proof
// key holds its whole share of the cache (ReplayCacheOptions.PerKey): that
// client's proofs are refused until some of its identifiers expire, while
// other clients' proofs are still accepted.
var ErrReplayKeyFull = errors.New("inbound: replay cache share of this proof key full")

// DefaultReplayCacheSize is the number of identifiers NewReplayCache keeps
// when ReplayCacheOptions.Size is 0: about 15 MB when full. With DPoP's
// default window (a proof lives 65 s at most) it sustains about 1500 proofs
// per second.
const DefaultReplayCacheSize = 100_000

// ReplayCacheOptions configures NewReplayCache. A nil *ReplayCacheOptions and
// zero fields mean the defaults.
type ReplayCacheOptions struct {
	// Size bounds the number of identifiers held. 0 means
	// DefaultReplayCacheSize.
	Size int
	// PerKey bounds the identifiers held for one DPoP proof key (its
	// thumbprint), so that one client, however fast it sends proofs, never
	// fills the cache for the others. 0 means Size/20 (5000 identifiers of
	// the default size: with DPoP's default window, about 75 proofs per
	// second and key); a value above Size means Size. The bound is kept per
	// shard of the cache, so a key may be refused slightly before it holds
	// PerKey identifiers.
	PerKey int
	// Now is the clock that expires entries. Nil means time.Now.
	Now func() time.Time
}

// NewReplayCache returns an in-process ReplayCache bounded to opts.Size
// identifiers. Entries are dropped once their time has passed; when every
// slot holds a live one, Seen fails with ErrReplayCacheFull rather than
// forget an identifier early.
func NewReplayCache(opts *ReplayCacheOptions) ReplayCache {
	var o ReplayCacheOptions
	if opts != nil {
		o = *opts
	}
	if o.Size <= 0 {
		o.Size = DefaultReplayCacheSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PerKey <= 0 {
		o.PerKey = max(o.Size/20, 1)
	}
	o.PerKey = min(o.PerKey, o.Size)
	n := 1
	for n < 16 && n*1024 <= o.Size {
		n *= 2
	}
	c := &memoryReplay{seed: maphash.MakeSeed(), now: o.Now, per: (o.Size + n - 1) / n,
		perKey: (o.PerKey + n - 1) / n, shards: make([]replayShard, n)}
	for i := range c.shards {
		c.shards[i].m = make(map[string]replayValue)
		c.shards[i].keys = make(map[string]*keyCount)
	}
	return c
}

// scopedReplay is implemented by the in-process ReplayCache: Seen for an id
// that belongs to a proof key (scope, its thumbprint), which holds at most
// its share of the cache.
type scopedReplay interface {
	seenScoped(ctx context.Context, scope, id string, until time.Time) (bool, error)
}

type memoryReplay struct {
	seed   maphash.Seed
	now    func() time.Time
	per    int // capacity of one shard
	perKey int // share of one proof key in one shard
	shards []replayShard
}

// keyCount counts the live identifiers of one proof key in a shard.
type keyCount struct {
	scope string
	n     int
}

type replayValue struct {
	until int64
	key   *keyCount // nil for ids of no key (Seen)
}

type replayEntry struct {
	id string
	replayValue
}

// replayShard keeps its entries in a map and, in insertion order, in a
// queue: proofs arrive roughly in the order they expire, so expired entries
// are dropped from the queue's front in constant time per entry.
type replayShard struct {
	mu        sync.Mutex
	m         map[string]replayValue
	keys      map[string]*keyCount // by scope; only keys with live ids
	q         []replayEntry
	head      int
	fullUntil int64 // while the shard is full: the earliest expiry in it
}

// Seen implements ReplayCache.
func (c *memoryReplay) Seen(_ context.Context, id string, until time.Time) (bool, error) {
	return c.seen("", id, until)
}

func (c *memoryReplay) seenScoped(_ context.Context, scope, id string, until time.Time) (bool, error) {
	return c.seen(scope, id, until)
}

func (c *memoryReplay) seen(scope, id string, until time.Time) (bool, error) {
	now := c.now().UnixNano()
	s := &c.shards[maphash.String(c.seed, id)%uint64(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if v, ok := s.m[id]; ok && v.until > now {
		return true, nil
	}
	var key *keyCount
	if scope != "" {
		if key = s.keys[scope]; key != nil && key.n >= c.perKey {
			return false, ErrReplayKeyFull
		}
	}
	if len(s.m) >= c.per && !s.sweep(now, c.per) {
		return false, ErrReplayCacheFull
	}
	if scope != "" {
		if key = s.keys[scope]; key == nil { // a sweep may have dropped it
			key = &keyCount{scope: scope}
			s.keys[scope] = key
		}
		key.n++
	}
	v := replayValue{until: until.UnixNano(), key: key}
	if old, ok := s.m[id]; ok {
		s.release(old.key) // an expired entry not yet dropped
	}
	s.m[id] = v
	s.q = append(s.q, replayEntry{id, v})
	return false, nil
}

// release counts one identifier of key less.
func (s *replayShard) release(key *keyCount) {
	if key == nil {
		return
	}
	if key.n--; key.n == 0 {
		delete(s.keys, key.scope)
	}
}

// expire drops the expired entries at the queue's front.
func (s *replayShard) expire(now int64) {
	for s.head < len(s.q) && s.q[s.head].until <= now {
		e := s.q[s.head]
		if v, ok := s.m[e.id]; ok && v == e.replayValue {
			delete(s.m, e.id)
			s.release(v.key)
		}
		s.q[s.head] = replayEntry{}
		s.head++
	}
	if s.head > len(s.q)/2 {
		s.q = append(s.q[:0], s.q[s.head:]...)
		s.head = 0
	}
}

// sweep drops every expired entry of a full shard and rebuilds the queue in
// expiry order. It reports whether there is room now. A shard that stays
// full is not swept again before its earliest entry expires, so a full
// cache costs O(1) per refused call.
func (s *replayShard) sweep(now int64, limit int) bool {
	if now < s.fullUntil {
		return false
	}
	s.q = s.q[:0]
	s.head = 0
	for id, v := range s.m {
		if v.until <= now {
			delete(s.m, id)
			s.release(v.key)
			continue
		}
		s.q = append(s.q, replayEntry{id, v})
	}
	slices.SortFunc(s.q, func(a, b replayEntry) int { return cmp.Compare(a.until, b.until) })
	if len(s.m) < limit {
		s.fullUntil = 0
		return true
	}
	s.fullUntil = s.q[0].until
	return false
}
