package outbound

import (
	"log/slog"
	"strconv"
	"time"
)

// SharedEventKind tells what a SharedEvent reports.
type SharedEventKind int

// The kinds of SharedEvent.
const (
	// SharedHit: a fresh token was found in the store; no provider call.
	SharedHit SharedEventKind = iota
	// SharedMiss: the store held no usable token (none, stale, invalidated,
	// or unreadable: Err says why for the last).
	SharedMiss
	// SharedLeaseWon: this process took the lease and fetches for the fleet.
	SharedLeaseWon
	// SharedLeaseWaited: another process held the lease; this one waited
	// (Waited long) and got the token it saved.
	SharedLeaseWaited
	// SharedStoreError: a store call (Op) failed (Err).
	SharedStoreError
	// SharedLocalFallback: this process fetches for itself (Err says why: a
	// store error, or a lease held longer than LeaseTTL).
	SharedLocalFallback
)

var sharedEventNames = [...]string{"hit", "miss", "lease_won", "lease_waited", "store_error", "local_fallback"}

// String returns "hit", "miss", "lease_won", "lease_waited", "store_error"
// or "local_fallback".
func (k SharedEventKind) String() string {
	if k >= 0 && int(k) < len(sharedEventNames) {
		return sharedEventNames[k]
	}
	return "SharedEventKind(" + strconv.Itoa(int(k)) + ")"
}

// SharedEvent describes what Shared did, to SharedOptions.OnEvent. It never
// holds a token.
type SharedEvent struct {
	Kind SharedEventKind
	// Key is the store key (a hash: see CredentialKey).
	Key string
	// Op is the store call that failed, for SharedStoreError: "load",
	// "save", "lease", "release", "drop" or "watch".
	Op string
	// Waited is how long this process waited for another's fetch
	// (SharedLeaseWaited, and SharedLocalFallback after a wait).
	Waited time.Duration
	// Err is the cause, for SharedStoreError, SharedLocalFallback and an
	// unreadable SharedMiss.
	Err error
}

// LogValue implements slog.LogValuer.
func (e SharedEvent) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", e.Kind.String()), slog.String("key", e.Key)}
	if e.Op != "" {
		attrs = append(attrs, slog.String("op", e.Op))
	}
	if e.Waited != 0 {
		attrs = append(attrs, slog.Duration("waited", e.Waited))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("err", e.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}
