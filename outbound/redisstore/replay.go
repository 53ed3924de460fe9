package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// replayPrefix begins the Redis key of every identifier NewReplayCache
// records.
const replayPrefix = "gatehouse:replay:"

// NewReplayCache returns an inbound.ReplayCache on client, for
// inbound.DPoPOptions.Replay: every replica that shares the Redis refuses a
// DPoP proof any of them has accepted, so a proof captured on its way to one
// replica cannot be replayed to another.
//
// Seen is one `SET key 1 NX PX ttl` (atomic: of concurrent first uses, one
// wins), the key being "gatehouse:replay:" and the hex SHA-256 of the id,
// the TTL the time left until the until that inbound passes: a DPoP proof's
// whole acceptance span (the window plus inbound.DPoPFutureSkew) counted
// from its first use, so that a replica whose clock lags the accepting
// one's still finds the key. Redis counts the TTL on its own clock. Every command is
// bounded by opts.Timeout; a failing Redis makes Seen fail, which refuses
// the proof (503 replay_cache_unavailable), never accepts it. The client
// stays the caller's to close. New panics if client is nil, as that is a
// programming error.
func NewReplayCache(client redis.UniversalClient, opts *Options) inbound.ReplayCache {
	if client == nil {
		panic("redisstore: NewReplayCache with a nil client")
	}
	s := &store{c: client, timeout: DefaultTimeout}
	if opts != nil && opts.Timeout > 0 {
		s.timeout = opts.Timeout
	}
	return replayCache{s}
}

type replayCache struct{ s *store }

// Seen implements inbound.ReplayCache.
func (r replayCache) Seen(ctx context.Context, id string, until time.Time) (bool, error) {
	sum := sha256.Sum256([]byte(id))
	key := replayPrefix + hex.EncodeToString(sum[:])
	// PX counts milliseconds; round up so the key outlives the window.
	ttl := time.Until(until).Truncate(time.Millisecond) + time.Millisecond
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	var first bool
	err := r.s.do(ctx, "replay", func(ctx context.Context) (err error) {
		first, err = r.s.c.SetNX(ctx, key, "1", ttl).Result()
		return err
	})
	if err != nil {
		return false, err
	}
	return !first, nil
}
