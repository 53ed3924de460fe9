package outbound

import (
	"context"
	"crypto/cipher"
	"crypto/sha256"
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
// Source's rule (see SharedOptions.RefreshAhead). Otherwise one process takes
// the store's lease, fetches from the provider, returns the token to its
// Source at once, and saves it and releases the lease without making its
// callers wait. The others wait for that save (on Store.Watch, or polling)
// for at most LeaseTTL and their ctx; meanwhile their Sources' callers keep
// the still-usable token.
//
// The store failing never fails a fetch whose provider is up: each store call
// is bounded by StoreTimeout, and on an error the process fetches for itself
// (reported as SharedStoreError and SharedLocalFallback) and shares again as
// soon as the store answers.
//
// When the Source above invalidates a token (an API answered 401), Shared
// drops it from the store if it is still the stored one, and from then on
// treats it as a miss, even before the drop completes.
//
// key must identify the credential (see CredentialKey) and never contain a
// secret. Shared panics if f or st is nil, key is empty or opts is invalid
// (see SharedOptions.Validate): programming errors, like NewSource's.
func Shared(f Fetcher, st Store, key string, opts *SharedOptions) Fetcher {
	if f == nil || st == nil || key == "" {
		panic("outbound: Shared with a nil Fetcher, a nil Store or an empty key")
	}
	if err := opts.Validate(); err != nil {
		panic(err.Error())
	}
	var o SharedOptions
	if opts != nil {
		o = *opts
	}
	aead, err := newAEAD(o.EncryptionKey)
	if err != nil {
		panic("outbound: " + err.Error())
	}
	s := &shared{
		f:            f,
		st:           st,
		key:          key,
		leaseTTL:     positiveOr(o.LeaseTTL, DefaultLeaseTTL),
		refreshAhead: positiveOr(o.RefreshAhead, DefaultRefreshAhead),
		storeTimeout: positiveOr(o.StoreTimeout, DefaultStoreTimeout),
		aead:         aead,
		now:          o.Now,
		onEvent:      o.OnEvent,
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

type shared struct {
	f            Fetcher
	st           Store
	key          string
	leaseTTL     time.Duration
	refreshAhead time.Duration
	storeTimeout time.Duration
	aead         cipher.AEAD
	now          func() time.Time
	onEvent      func(SharedEvent)

	mu sync.Mutex
	// last is the token this process got last, and its stored form (what
	// Drop compares).
	last struct {
		digest [32]byte
		stored string
	}
	// invalid holds the digests of the last invalidated values, which are
	// misses from the moment Invalidate is called.
	invalid [4][32]byte
	nextInv int
}

// invalidator is implemented by Fetchers that keep state about the tokens
// they returned: Source.Invalidate calls it after dropping a token.
type invalidator interface {
	invalidate(t Token)
}

// Fetch returns a token that is fresh fleet-wide, fetching one from the
// provider only if no other process is doing so.
func (s *shared) Fetch(ctx context.Context) (Token, error) {
	tok, ok, usable, err := s.load(ctx)
	if err != nil {
		return s.fallback(ctx, "load", err, 0)
	}
	if ok {
		s.emit(SharedEvent{Kind: SharedHit})
		return tok, nil
	}
	s.emit(SharedEvent{Kind: SharedMiss})
	return s.leaseOrWait(ctx, usable)
}

// leaseOrWait takes the lease and fetches, or waits for the holder's token,
// retrying the lease on every signal and poll. usable is when the stale
// token in the store (which the Source above may be serving) stops being
// usable; zero if there is none.
func (s *shared) leaseOrWait(ctx context.Context, usable time.Time) (Token, error) {
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
			tok, ok, _, err := s.load(ctx)
			if err != nil {
				return s.fallback(ctx, "load", err, s.now().Sub(start))
			}
			if ok {
				s.emit(SharedEvent{Kind: SharedLeaseWaited, Waited: s.now().Sub(start)})
				return tok, nil
			}
		}
		release, won, err := s.lease(ctx)
		if err != nil {
			return s.fallback(ctx, "lease", err, s.now().Sub(start))
		}
		if won {
			// Look once more: the previous holder may have saved and
			// released between our load and our lease.
			if tok, ok, _, err := s.load(ctx); err == nil && ok {
				go release()
				s.emit(SharedEvent{Kind: SharedLeaseWaited, Waited: s.now().Sub(start)})
				return tok, nil
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
			return Token{}, err
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
func (s *shared) fetchAndShare(ctx context.Context, release func()) (Token, error) {
	s.emit(SharedEvent{Kind: SharedLeaseWon})
	fetched := s.now()
	tok, err := s.f.Fetch(ctx)
	if err != nil || !headerSafe(tok.Value) || (!tok.Expiry.IsZero() && !s.now().Before(tok.Expiry)) {
		// Nothing worth sharing: let another process try. The Source above
		// reports the failure.
		go release()
		return tok, err
	}
	st := SharedToken{Token: tok, Fetched: fetched}
	st.Token.Value = seal(s.aead, associatedData(s.key, st), tok.Value)
	s.remember(tok.Value, st.Token.Value)
	bg := context.WithoutCancel(ctx)
	go func() {
		defer release()
		sctx, cancel := context.WithTimeout(bg, s.storeTimeout)
		defer cancel()
		if err := s.st.Save(sctx, s.key, st); err != nil {
			s.storeError("save", err)
		}
	}()
	return tok, nil
}

// fallback fetches for this process alone.
func (s *shared) fallback(ctx context.Context, op string, err error, waited time.Duration) (Token, error) {
	if ctx.Err() != nil {
		return Token{}, ctx.Err() // the caller gave up: not the store's fault
	}
	if op != "" {
		s.storeError(op, err)
	}
	s.emit(SharedEvent{Kind: SharedLocalFallback, Waited: waited, Err: err})
	return s.f.Fetch(ctx)
}

// load returns the stored token if it is usable and fresh. For a stale one
// it returns when that token stops being usable (Expiry less the Source's
// default margin), for the waiting rule of leaseOrWait.
func (s *shared) load(ctx context.Context) (tok Token, fresh bool, usable time.Time, err error) {
	lctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	st, ok, err := s.st.Load(lctx, s.key)
	if err != nil || !ok {
		return Token{}, false, time.Time{}, err
	}
	tok = st.Token
	tok.Value, err = open(s.aead, associatedData(s.key, st), st.Token.Value)
	if err == nil && !headerSafe(tok.Value) {
		err = errBadValue
	}
	if err != nil {
		s.emit(SharedEvent{Kind: SharedMiss, Err: err})
		return Token{}, false, time.Time{}, nil
	}
	if s.invalidated(tok.Value) {
		return Token{}, false, time.Time{}, nil
	}
	if !s.fresh(tok, st.Fetched) {
		life := tok.Expiry.Sub(st.Fetched)
		if st.Fetched.IsZero() {
			life = 0
		}
		return Token{}, false, tok.Expiry.Add(-min(DefaultExpiryMargin, life/10)), nil
	}
	s.remember(tok.Value, st.Token.Value)
	return tok, true, time.Time{}, nil
}

// fresh applies the Source's rule: fresh until Expiry-min(RefreshAhead,
// lifetime/2), the lifetime measured from when the token was fetched.
func (s *shared) fresh(tok Token, fetched time.Time) bool {
	if tok.Expiry.IsZero() {
		return true
	}
	now := s.now()
	if fetched.IsZero() || fetched.After(now) {
		fetched = now
	}
	ahead := min(s.refreshAhead, tok.Expiry.Sub(fetched)/2)
	return now.Before(tok.Expiry.Add(-ahead))
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

// remember records the token last returned, with its stored form.
func (s *shared) remember(value, stored string) {
	d := sha256.Sum256([]byte(value))
	s.mu.Lock()
	s.last.digest, s.last.stored = d, stored
	s.mu.Unlock()
}

func (s *shared) invalidated(value string) bool {
	d := sha256.Sum256([]byte(value))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.invalid {
		if v == d {
			return true
		}
	}
	return false
}

// invalidate makes t a miss at once and drops it from the store if it is
// still the stored token.
func (s *shared) invalidate(t Token) {
	d := sha256.Sum256([]byte(t.Value))
	s.mu.Lock()
	s.invalid[s.nextInv] = d
	s.nextInv = (s.nextInv + 1) % len(s.invalid)
	stored := ""
	if s.last.digest == d {
		stored = s.last.stored
	}
	s.mu.Unlock()
	if stored == "" {
		return // not the token this process got last: already replaced
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.storeTimeout)
		defer cancel()
		if err := s.st.Drop(ctx, s.key, stored); err != nil {
			s.storeError("drop", err)
		}
	}()
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

// Validate is the wrapped Fetcher's Validate, if it has one, so that a
// Source over a Shared fetcher still refuses an invalid configuration.
func (s *shared) Validate() error {
	if v, ok := s.f.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}
