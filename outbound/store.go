package outbound

import (
	"context"
	"time"
)

// Store holds tokens shared between the processes (replicas) of a service, so
// that the whole fleet makes one token request per lifetime instead of one
// per process. Shared uses it; outbound/redisstore implements it on Redis, and
// MemoryStore in memory, for tests and for Sources of one process.
//
// Every method must honour ctx: Shared bounds each call by
// SharedOptions.StoreTimeout and falls back to the provider when a call fails.
// Implementations must be safe for concurrent use.
type Store interface {
	// Load returns the token saved under key; ok is false when there is none
	// (or it has expired).
	Load(ctx context.Context, key string) (t SharedToken, ok bool, err error)
	// Save stores t under key, replacing what was there, and keeps it until
	// t.Token.Expiry (for ever if that is zero). It signals the key's
	// watchers.
	Save(ctx context.Context, key string, t SharedToken) error
	// Lease takes the key's fetch lease for ttl, if nobody holds it: one
	// holder fleet-wide. ok reports whether it was taken. A lease held
	// without an expiry, or with more than ttl of it left, is broken (no
	// holder asks for more than ttl) and must be taken as if free, so that a
	// stray write cannot stop the sharing for good. release gives it back
	// (only if it is still this holder's: a lease that expired and was taken
	// by another process is left alone) and signals the watchers; release
	// must return promptly, bounded by the store's own timeout, and may be
	// called more than once.
	Lease(ctx context.Context, key string, ttl time.Duration) (release func(), ok bool, err error)
	// Drop deletes the token saved under key only if its stored value is
	// still value (compare-and-delete), and signals the watchers. The value
	// is the stored form: the sealed one when tokens are encrypted.
	Drop(ctx context.Context, key string, value string) error
	// Watch returns a channel that receives (coalesced) signals when key is
	// saved or dropped or its lease released. The channel is closed when ctx
	// ends, and no goroutine started by Watch outlives ctx. A nil channel
	// (with a nil error) means the store cannot watch: Shared then polls.
	Watch(ctx context.Context, key string) (<-chan struct{}, error)
}

// SharedToken is a token as a Store holds it.
type SharedToken struct {
	// Token is the token; with SharedOptions.EncryptionKey its Value is
	// sealed.
	Token Token
	// Fetched is when the provider issued the token, on the clock of the
	// process that fetched it. The token's lifetime, and so when it turns
	// stale, is measured from it.
	Fetched time.Time
}
