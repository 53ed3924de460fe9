package outbound

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Defaults of SharedOptions.
const (
	DefaultLeaseTTL     = 30 * time.Second
	DefaultStoreTimeout = 250 * time.Millisecond
)

// SharedOptions configures Shared. The zero value (or nil) gives the defaults
// documented on each field.
type SharedOptions struct {
	// LeaseTTL is how long one process may hold the fetch lease. A process
	// that dies holding it delays the others' next fetch by at most this
	// long, and a process waits at most this long for another's fetch before
	// fetching for itself. Zero means DefaultLeaseTTL (30 s); it should
	// exceed the token endpoint's slowest answer. Give every process of a
	// credential the same LeaseTTL: a lease left without an expiry, or with
	// more of it left than the taker's LeaseTTL, is taken for broken (a
	// writer's bug, or a process with a longer LeaseTTL) and replaced, so
	// that it cannot stop the sharing for good.
	LeaseTTL time.Duration
	// RefreshAhead is the freshness rule of a Shared fetcher called without
	// a Source above it (zero means DefaultRefreshAhead): a stored token is
	// fresh until Expiry-RefreshAhead, RefreshAhead capped at half the
	// lifetime measured from SharedToken.Fetched. Under a Source, the
	// Source's own RefreshAhead and ExpiryMargin apply and this is unused,
	// so that the Source and the store never disagree on a token's state.
	RefreshAhead time.Duration
	// StoreTimeout bounds every call to the Store. A call that fails or
	// times out makes the process fetch for itself, so a slow or dead store
	// never holds up a token for longer. Zero means DefaultStoreTimeout
	// (250 ms).
	StoreTimeout time.Duration
	// EncryptionKey, if set, must be 32 bytes: tokens are then sealed with
	// AES-256-GCM (the store key as associated data) before they reach the
	// Store, so the store's contents, backups and network traffic hold no
	// usable token. A stored token that does not open with this key (another
	// key, or no encryption) is a miss and is fetched anew, never sent.
	// Nil stores tokens in the clear: only for a store that is as private as
	// the process's memory.
	//
	// The seal also binds the token's type, expiry and fetch time, so that
	// someone who can write the store but has no key can neither forge a
	// token, nor move one to another credential, nor stretch its life. What
	// such a writer can do is put back an older sealed token of the same
	// credential, still unexpired. A process never goes back to a token
	// issued before the newest it has seen for its key, nor to one it
	// invalidated after a 401: it takes such a token for a miss (a
	// SharedMiss whose Err says so) and fetches anew. What remains: a
	// process that has seen no token for the key yet (one just started)
	// cannot tell an older token from the current one, and uses it until
	// the API refuses it (Bearer then invalidates it) or it turns stale.
	// Keep the store writable by the fleet alone. Clock skew between
	// processes larger than the time between two fetches costs at most an
	// extra fetch.
	EncryptionKey []byte
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// OnEvent, if set, is called for what Shared does (see SharedEventKind),
	// for logs and metrics. It must not block. Events never hold a token.
	OnEvent func(SharedEvent)
}

// Validate reports what is wrong with o (all of it at once, joined with
// errors.Join, each wrapping ErrInvalidConfig). A nil o is valid.
func (o *SharedOptions) Validate() error {
	return errors.Join(o.problems()...)
}

func (o *SharedOptions) problems() []error {
	if o == nil {
		return nil
	}
	var errs []error
	if n := len(o.EncryptionKey); n != 0 && n != 32 {
		errs = append(errs, configError(fmt.Sprintf("SharedOptions.EncryptionKey is %d bytes, AES-256 needs 32", n)))
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"LeaseTTL", o.LeaseTTL}, {"RefreshAhead", o.RefreshAhead}, {"StoreTimeout", o.StoreTimeout}} {
		if d.d < 0 {
			errs = append(errs, configError("SharedOptions."+d.name+" is negative"))
		}
	}
	return errs
}

// String describes o without its EncryptionKey.
func (o SharedOptions) String() string {
	key := "none"
	if len(o.EncryptionKey) > 0 {
		key = "REDACTED"
	}
	return fmt.Sprintf("outbound.SharedOptions{LeaseTTL: %v, RefreshAhead: %v, StoreTimeout: %v, EncryptionKey: %s}",
		o.LeaseTTL, o.RefreshAhead, o.StoreTimeout, key)
}

// GoString is String, so that %#v redacts too.
func (o SharedOptions) GoString() string { return o.String() }

// Format prints String in every verb: fmt would otherwise print the key's
// bytes.
func (o SharedOptions) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, o.String()) }

// LogValue logs String, redacted.
func (o SharedOptions) LogValue() slog.Value { return slog.StringValue(o.String()) }

// MarshalJSON encodes String, redacted.
func (o SharedOptions) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }
