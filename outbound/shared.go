package outbound

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// errLeaseWait is why a process fetches for itself after waiting LeaseTTL.
var errLeaseWait = errors.New("outbound: another process held the fetch lease without saving a token for LeaseTTL (or half the fetch's time)")

// Shared returns a Fetcher that shares f's tokens with the other processes
// that use st and key, so that the fleet makes one token request per refresh
// cycle instead of one per process. Put a Source above it as usual: the
// Source still dedups in-process and refreshes ahead, and a fresh token still
// costs it one atomic load; only its fetches go to the store.
//
// A fetch loads the stored token and returns it if it is still fresh by the
// rule of the Source above: the Source hands the fetcher its RefreshAhead and
// ExpiryMargin, and counts the token's lifetime from when the process that
// fetched it did (SharedToken.Fetched), so that the Source and the store
// agree on when a token turns stale. Otherwise one process takes the store's
// lease, fetches from the provider, returns the token to its Source at once,
// and saves it and releases the lease without making its callers wait. The
// others wait for that save (on Store.Watch, or polling) for at most LeaseTTL
// and their ctx; meanwhile their Sources' callers keep the still-usable
// token.
//
// The store failing never fails a fetch whose provider is up: each store call
// is bounded by StoreTimeout, and on an error the process fetches for itself
// (reported as SharedStoreError and SharedLocalFallback) and shares again as
// soon as the store answers.
//
// When the Source above invalidates a token (an API answered 401), Shared
// drops it from the store if it is still the stored one, and from then on
// treats it as a miss, even before the drop completes. It never goes back to
// a token older than one it has already seen (see
// SharedOptions.EncryptionKey).
//
// key must identify the credential (see CredentialKey) and never contain a
// secret. If f or st is nil, key is empty, opts is invalid (see
// SharedOptions.Validate) or st reports a configuration error of its own
// (a Validate method, as redisstore's has), Shared reports all of it at once:
// the Fetcher it returns never fetches, its Fetch and Validate return the
// error (wrapping ErrInvalidConfig), and a Source above it returns that error
// from every Token call. To fail at start-up instead, check the result's
// Validate method (an interface{ Validate() error }), or call
// SharedOptions.Validate and pass a non-nil Fetcher, Store and key.
func Shared(f Fetcher, st Store, key string, opts *SharedOptions) Fetcher {
	var o SharedOptions
	if opts != nil {
		o = *opts
	}
	s := &shared{
		f:            f,
		st:           st,
		key:          key,
		leaseTTL:     positiveOr(o.LeaseTTL, DefaultLeaseTTL),
		storeTimeout: positiveOr(o.StoreTimeout, DefaultStoreTimeout),
		rule:         freshness{refreshAhead: positiveOr(o.RefreshAhead, DefaultRefreshAhead), expiryMargin: DefaultExpiryMargin},
		now:          o.Now,
		onEvent:      o.OnEvent,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.invalid = checkShared(f, st, key, opts); s.invalid != nil {
		return s
	}
	// A 32-byte key always makes an AES-256-GCM (checked above).
	s.aead, _ = newAEAD(o.EncryptionKey)
	return s
}

// checkShared returns every configuration error of Shared's arguments,
// joined, each wrapping ErrInvalidConfig.
func checkShared(f Fetcher, st Store, key string, opts *SharedOptions) error {
	var errs []error
	if f == nil {
		errs = append(errs, configError("Shared with a nil Fetcher"))
	}
	if st == nil {
		errs = append(errs, configError("Shared with a nil Store"))
	} else if v, ok := st.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if key == "" {
		errs = append(errs, configError("Shared with an empty key"))
	}
	errs = append(errs, opts.problems()...)
	return errors.Join(errs...)
}

type shared struct {
	f            Fetcher
	st           Store
	key          string
	leaseTTL     time.Duration
	storeTimeout time.Duration
	// rule judges stored tokens when Fetch is called directly; a Source
	// above passes its own (see ruleFetcher).
	rule    freshness
	aead    cipher.AEAD
	now     func() time.Time
	onEvent func(SharedEvent)
	// invalid is the configuration error found by Shared; Fetch returns it
	// and never fetches.
	invalid error

	mu sync.Mutex
	// last is the token this process got last, and its stored form (what
	// Drop compares).
	last struct {
		digest [32]byte
		stored string
	}
	// newest is the issue time (SharedToken.Fetched) of the newest token
	// this process has seen, capped at its own clock: a stored token issued
	// before it has been rolled back and is a miss.
	newest time.Time
	// dropped holds the digests of the last invalidated values, which are
	// misses from the moment Invalidate is called.
	dropped [4][32]byte
	nextInv int
}

// invalidator is implemented by Fetchers that keep state about the tokens
// they returned: Source.Invalidate calls it after dropping a token.
type invalidator interface {
	invalidate(t Token)
}

// Fetch returns a token that is fresh fleet-wide, fetching one from the
// provider only if no other process is doing so. Called directly (without a
// Source above), it judges the stored token by SharedOptions.RefreshAhead and
// DefaultExpiryMargin.
func (s *shared) Fetch(ctx context.Context) (Token, error) {
	tok, _, err := s.fetchRule(ctx, s.rule)
	return tok, err
}

// fetchRule is Fetch by the rule r of the Source above; it also returns when
// the token was issued.
func (s *shared) fetchRule(ctx context.Context, r freshness) (Token, time.Time, error) {
	if s.invalid != nil {
		return Token{}, time.Time{}, s.invalid
	}
	l, err := s.load(ctx, r)
	if err != nil {
		return s.fallback(ctx, "load", err, 0)
	}
	if l.fresh {
		s.emit(SharedEvent{Kind: SharedHit})
		return l.tok, l.issued, nil
	}
	s.emit(SharedEvent{Kind: SharedMiss})
	return s.leaseOrWait(ctx, r, l.usable)
}

// leaseOrWait takes the lease and fetches, or waits for the holder's token,
// retrying the lease on every signal and poll. usable is when the stale
// token in the store (which the Source above may be serving) stops being
// usable; zero if there is none.
func (s *shared) leaseOrWait(ctx context.Context, r freshness, usable time.Time) (Token, time.Time, error) {
	start := s.now()
	// Wait at most LeaseTTL, and at most half of what ctx leaves, so that
	// a fetch of our own still fits when the holder never delivers; and at
	// most half of what the stale token has left, so that a slow holder
	// costs one more token request rather than callers waiting.
	maxWait := s.leaseTTL
	if dl, ok := ctx.Deadline(); ok {
		maxWait = min(maxWait, time.Until(dl)/2)
	}
	if left := usable.Sub(start); !usable.IsZero() && left > 0 {
		maxWait = min(maxWait, left/2)
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var signals <-chan struct{}
	// Polls cost one load and one lease attempt each, and only while
	// waiting; short ones bound how long a waiter can miss a signal (a
	// store that just died, a dropped subscription) within a token's
	// stale window.
	poll := min(max(s.leaseTTL/20, 5*time.Millisecond), 200*time.Millisecond)
	for i := 0; ; i++ {
		if i > 0 {
			l, err := s.load(ctx, r)
			if err != nil {
				return s.fallback(ctx, "load", err, s.now().Sub(start))
			}
			if l.fresh {
				s.emit(SharedEvent{Kind: SharedLeaseWaited, Waited: s.now().Sub(start)})
				return l.tok, l.issued, nil
			}
		}
		release, won, err := s.lease(ctx)
		if err != nil {
			return s.fallback(ctx, "lease", err, s.now().Sub(start))
		}
		if won {
			// Look once more: the previous holder may have saved and
			// released between our load and our lease.
			if l, err := s.load(ctx, r); err == nil && l.fresh {
				go release()
				s.emit(SharedEvent{Kind: SharedLeaseWaited, Waited: s.now().Sub(start)})
				return l.tok, l.issued, nil
			}
			return s.fetchAndShare(ctx, release)
		}
		if i == 0 {
			// Subscribe, then look again: the holder may have saved in
			// between.
			signals = s.watch(wctx)
			continue
		}
		waited := s.now().Sub(start)
		if waited >= maxWait {
			return s.fallback(ctx, "", errLeaseWait, waited)
		}
		if err := s.waitSignal(ctx, signals, min(poll, maxWait-waited)); err != nil {
			return Token{}, time.Time{}, err
		}
	}
}

// waitSignal waits for a signal, the poll interval, or the end of ctx.
func (s *shared) waitSignal(ctx context.Context, signals <-chan struct{}, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-signals: // nil when the store cannot watch; closed: poll
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// fetchAndShare fetches from the provider as the lease holder, and saves the
// token and releases the lease in the background.
func (s *shared) fetchAndShare(ctx context.Context, release func()) (Token, time.Time, error) {
	s.emit(SharedEvent{Kind: SharedLeaseWon})
	fetched := s.now()
	tok, err := s.f.Fetch(ctx)
	if err != nil || !headerSafe(tok.Value) || (!tok.Expiry.IsZero() && !s.now().Before(tok.Expiry)) {
		// Nothing worth sharing: let another process try. The Source above
		// reports the failure.
		go release()
		return tok, fetched, err
	}
	st := SharedToken{Token: tok, Fetched: fetched}
	st.Token.Value = seal(s.aead, associatedData(s.key, st), tok.Value)
	s.remember(tok.Value, st.Token.Value)
	s.mu.Lock()
	s.newest = fetched // ours is the newest, even if the clock stepped back
	s.mu.Unlock()
	bg := context.WithoutCancel(ctx)
	go func() {
		defer release()
		sctx, cancel := context.WithTimeout(bg, s.storeTimeout)
		defer cancel()
		if err := s.st.Save(sctx, s.key, st); err != nil {
			s.storeError("save", err)
		}
	}()
	return tok, fetched, nil
}

// fallback fetches for this process alone.
func (s *shared) fallback(ctx context.Context, op string, err error, waited time.Duration) (Token, time.Time, error) {
	if ctx.Err() != nil {
		return Token{}, time.Time{}, ctx.Err() // the caller gave up: not the store's fault
	}
	if op != "" {
		s.storeError(op, err)
	}
	s.emit(SharedEvent{Kind: SharedLocalFallback, Waited: waited, Err: err})
	fetched := s.now()
	tok, err := s.f.Fetch(ctx)
	return tok, fetched, err
}

func (s *shared) lease(ctx context.Context) (func(), bool, error) {
	lctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	release, ok, err := s.st.Lease(lctx, s.key, s.leaseTTL)
	if err != nil || !ok {
		return nil, false, err
	}
	if release == nil {
		release = func() {}
	}
	return release, true, nil
}

// watch subscribes to the key's signals until ctx ends; nil means poll.
func (s *shared) watch(ctx context.Context) <-chan struct{} {
	// ctx is the subscription's lifetime, so it cannot carry StoreTimeout:
	// stores bound the subscribing by their own timeout.
	ch, err := s.st.Watch(ctx, s.key)
	if err != nil {
		s.storeError("watch", err)
		return nil
	}
	return ch
}

func (s *shared) storeError(op string, err error) {
	s.emit(SharedEvent{Kind: SharedStoreError, Op: op, Err: err})
}

func (s *shared) emit(ev SharedEvent) {
	if s.onEvent != nil {
		ev.Key = s.key
		s.onEvent(ev)
	}
}

// String describes the fetcher without anything its Fetcher holds.
func (s *shared) String() string {
	return fmt.Sprintf("outbound.Shared{Fetcher: %T, Store: %T, Key: %s, Encrypted: %t}", s.f, s.st, s.key, s.aead != nil)
}

// Format prints String in every verb: fmt would otherwise print the
// unexported fields, the Fetcher's secrets included.
func (s *shared) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, s.String()) }

// LogValue logs String.
func (s *shared) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Validate returns Shared's configuration error, and the wrapped Fetcher's
// Validate error if it has one, so that a Source over a Shared fetcher
// refuses an invalid configuration.
func (s *shared) Validate() error {
	err := s.invalid
	if v, ok := s.f.(interface{ Validate() error }); ok {
		err = errors.Join(err, v.Validate())
	}
	return err
}
