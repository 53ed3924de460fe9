package inbound

import (
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
	n := 1
	for n < 16 && n*1024 <= o.Size {
		n *= 2
	}
	c := &memoryReplay{seed: maphash.MakeSeed(), now: o.Now, per: (o.Size + n - 1) / n, shards: make([]replayShard, n)}
	for i := range c.shards {
		c.shards[i].m = make(map[string]int64)
	}
	return c
}

type memoryReplay struct {
	seed   maphash.Seed
	now    func() time.Time
	per    int
	shards []replayShard
}

type replayEntry struct {
	id    string
	until int64
}

// replayShard keeps its entries in a map and, in insertion order, in a
// queue: proofs arrive roughly in the order they expire, so expired entries
// are dropped from the queue's front in constant time per entry.
type replayShard struct {
	mu        sync.Mutex
	m         map[string]int64
	q         []replayEntry
	head      int
	fullUntil int64 // while the shard is full: the earliest expiry in it
}

// Seen implements ReplayCache.
func (c *memoryReplay) Seen(_ context.Context, id string, until time.Time) (bool, error) {
	now := c.now().UnixNano()
	s := &c.shards[maphash.String(c.seed, id)%uint64(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if u, ok := s.m[id]; ok && u > now {
		return true, nil
	}
	if len(s.m) >= c.per && !s.sweep(now, c.per) {
		return false, ErrReplayCacheFull
	}
	u := until.UnixNano()
	s.m[id] = u
	s.q = append(s.q, replayEntry{id, u})
	return false, nil
}

// expire drops the expired entries at the queue's front.
func (s *replayShard) expire(now int64) {
	for s.head < len(s.q) && s.q[s.head].until <= now {
		e := s.q[s.head]
		if s.m[e.id] == e.until {
			delete(s.m, e.id)
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
	for id, u := range s.m {
		if u <= now {
			delete(s.m, id)
			continue
		}
		s.q = append(s.q, replayEntry{id, u})
	}
	slices.SortFunc(s.q, func(a, b replayEntry) int {
		switch {
		case a.until < b.until:
			return -1
		case a.until > b.until:
			return 1
		}
		return 0
	})
	if len(s.m) < limit {
		s.fullUntil = 0
		return true
	}
	s.fullUntil = s.q[0].until
	return false
}
