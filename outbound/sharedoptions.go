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
	// exceed the token endpoint's slowest answer.
	LeaseTTL time.Duration
	// RefreshAhead must be the SourceOptions.RefreshAhead of the Source above
	// (zero means DefaultRefreshAhead): a stored token is fresh until
	// Expiry-RefreshAhead, RefreshAhead capped at half the lifetime measured
	// from SharedToken.Fetched.
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
	EncryptionKey []byte
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// OnEvent, if set, is called for what Shared does (see SharedEventKind),
	// for logs and metrics. It must not block. Events never hold a token.
	OnEvent func(SharedEvent)
}

// Validate reports what is wrong with o (all of it at once), wrapping
// ErrInvalidConfig. A nil o is valid.
func (o *SharedOptions) Validate() error {
	if o == nil {
		return nil
	}
	var errs []error
	if n := len(o.EncryptionKey); n != 0 && n != 32 {
		errs = append(errs, fmt.Errorf("EncryptionKey is %d bytes, AES-256 needs 32", n))
	}
	if o.LeaseTTL < 0 || o.RefreshAhead < 0 || o.StoreTimeout < 0 {
		errs = append(errs, errors.New("negative duration"))
	}
	if len(errs) == 0 {
		return nil
	}
	return &Error{Op: "shared options", Err: fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))}
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
