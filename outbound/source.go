package outbound

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of SourceOptions.
const (
	DefaultRefreshAhead = 5 * time.Minute
	DefaultExpiryMargin = 10 * time.Second
	DefaultFetchTimeout = 30 * time.Second
	DefaultMinBackoff   = time.Second
	DefaultMaxBackoff   = time.Minute
	// MaxRetryAfter caps how long a provider's Retry-After can hold off
	// fetches, so a bogus header cannot stop refreshes for hours.
	MaxRetryAfter = 10 * time.Minute
)

// SourceOptions configures a Source. The zero value (or nil) gives the
// defaults documented on each field.
type SourceOptions struct {
	// RefreshAhead is how long before expiry a token turns stale: it is
	// still returned, and one background refresh starts. Zero means
	// DefaultRefreshAhead (5 minutes, as DiviPay's and the Banking API's docs
	// advise). It is capped at half of each token's lifetime, so short-lived
	// tokens are refreshed halfway.
	RefreshAhead time.Duration
	// ExpiryMargin is how long before expiry a token stops being used at all
	// (to absorb clock skew and the request's time in flight). Zero means
	// DefaultExpiryMargin (10 s). It is capped at a tenth of each token's
	// lifetime, so a stale window always remains in which the background
	// refresh can finish before anyone has to wait.
	//
	// A Shared fetcher under the Source judges the tokens of its store by
	// these two as well, the lifetime of a token another process fetched
	// counted from that fetch: the Source and the fleet agree on when a
	// token turns stale.
	ExpiryMargin time.Duration
	// FetchTimeout bounds one call to the Fetcher. Fetches run on a context
	// detached from the callers' (it keeps their values, not their
	// cancellation), so that one caller giving up cancels nobody else. Zero
	// means DefaultFetchTimeout (30 s).
	FetchTimeout time.Duration
	// MinBackoff and MaxBackoff bound the exponential backoff (with jitter)
	// after failed fetches. A Retry-After sent with a 429 or 503 lengthens the
	// delay up to MaxRetryAfter. Zero means DefaultMinBackoff (1 s) and
	// DefaultMaxBackoff (1 min). MinBackoff is also the least time between two
	// invalidations (see Invalidate).
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock. Nil means time.Now, and then the token thresholds,
	// the backoff and the invalidation limit run on the monotonic clock: a
	// step of the wall clock moves none of them. An injected clock that
	// steps back ends a backoff and makes the cached token's age unknown
	// (it is refreshed) rather than extending either. Fetchers that stamp
	// expiries must use the same clock (the provider packages do).
	Now func() time.Time
	// OnFetch, if set, is called when a fetch starts and when it ends, for
	// logs and metrics. It is called from the fetching goroutine and must not
	// block. The event never holds the token's value.
	OnFetch func(FetchEvent)
	// FetchContext, if set, is called as a fetch starts, before OnFetch,
	// with the context the fetch runs on (see FetchEvent.Context). The
	// context it returns replaces it: the Fetcher runs on it and every
	// FetchEvent of that fetch carries it. A tracer starts the fetch's span
	// here, so that the token request's own spans (an instrumented
	// http.Client, a store's commands) are its children; nil keeps the
	// context. It is called from the fetching goroutine and must not block.
	FetchContext func(ctx context.Context, background bool) context.Context
	// OnWait, if set, is called when a Token call finds no usable token and
	// waits for a fetch (or gets the last failure at once, during backoff):
	// the calls SourceStats.Waits counts. Token calls that find a usable
	// token never call it. It runs on the caller's goroutine and must not
	// block.
	OnWait func(WaitEvent)
}

// FetchPhase tells a FetchEvent's place in a fetch.
type FetchPhase int

// The phases of a fetch.
const (
	FetchStarted FetchPhase = iota
	FetchSucceeded
	FetchFailed
)

// String returns "started", "succeeded" or "failed", so that logs read
// phase=failed rather than phase=2.
func (p FetchPhase) String() string {
	switch p {
	case FetchStarted:
		return "started"
	case FetchSucceeded:
		return "succeeded"
	case FetchFailed:
		return "failed"
	}
	return "FetchPhase(" + strconv.Itoa(int(p)) + ")"
}

// FetchEvent describes a fetch to SourceOptions.OnFetch.
type FetchEvent struct {
	Phase FetchPhase
	// Context is the context the fetch runs on: it carries the values (a
	// trace span, a request id) of the Token call that caused the fetch,
	// never its cancellation. For a background refresh that is the call
	// that found the token stale.
	Context context.Context
	// Background is true for a refresh ahead of expiry that no caller waits
	// for.
	Background bool
	// Start is when the fetch started; Duration is how long it took (zero
	// for FetchStarted).
	Start    time.Time
	Duration time.Duration
	// Expiry is the new token's expiry (FetchSucceeded only).
	Expiry time.Time
	// Err is the failure (FetchFailed only).
	Err error
	// Backoff is how long fetches are held off after this failure.
	Backoff time.Duration
}

// SourceStats counts what a Source did. All counts are since NewSource.
type SourceStats struct {
	// Fetches counts calls to the Fetcher; Failures counts those that failed.
	Fetches, Failures int64
	// BackgroundRefreshes counts fetches started ahead of expiry, while the
	// cached token was still usable.
	BackgroundRefreshes int64
	// Waits counts Token calls that had no usable token and waited for a
	// fetch (or failed at once during backoff). After warm-up, with a
	// refresh ahead of every expiry, it stays constant.
	Waits int64
}

// Source caches the token a Fetcher returns and refreshes it ahead of
// expiry, as the package documentation describes: a fresh token costs one
// atomic load, a stale one starts one background refresh, and only callers
// without a usable token wait, each on its own context, for the one fetch
// they share.
//
// A Source is safe for concurrent use. It starts no goroutine that outlives a
// fetch, so it needs no Close. Create it with NewSource: the zero Source has
// no Fetcher, and its Token returns an error wrapping ErrInvalidConfig.
type Source struct {
	f            Fetcher
	now          func() time.Time
	rule         freshness
	fetchTimeout time.Duration
	minBackoff   time.Duration
	maxBackoff   time.Duration
	onFetch      func(FetchEvent)
	fetchCtx     func(context.Context, bool) context.Context
	onWait       func(WaitEvent)
	// invalid is the configuration error found by NewSource; Token returns
	// it and never fetches.
	invalid error

	cur  atomic.Pointer[entry]
	fail atomic.Pointer[failure]
	// mu is held to start or join a flight and to publish its outcome, so
	// that a caller about to start one sees what the last one left. group
	// dedups the fetch (one flight at a time, key flightKey); running says
	// one is in progress: written under mu, read without it by callers with
	// a stale token, to skip the lock while it runs. A flight forgets its
	// key when it publishes, under mu, so a flight started after that
	// point never joins one that has already published.
	mu      sync.Mutex
	group   singleflight.Group
	running atomic.Bool
	// base is the Source's clock at creation. Token thresholds and
	// lastInvalidate (when Invalidate last dropped a token, noInvalidate for
	// never) are offsets from it. With the default clock (mono), offsets are
	// read on the monotonic clock alone: cheaper than time.Now, and a step
	// of the wall clock moves none of them.
	base           time.Time
	mono           bool
	lastInvalidate atomic.Int64

	fetches, failures, background, waits atomic.Int64
}

const noInvalidate = math.MinInt64

// entry is an immutable cached token with its precomputed thresholds and
// Authorization header value.
type entry struct {
	tok Token
	// fetchedAt is when the token was issued (when it was stored, unless a
	// Shared fetcher says another process fetched it earlier); freshUntil
	// and staleUntil are the ends of its fresh and stale states. All three
	// are offsets from the Source's base on its clock (see Source.at); a
	// token that never expires has fetchedAt math.MinInt64 and the others
	// math.MaxInt64.
	fetchedAt, freshUntil, staleUntil time.Duration
	// auth is the Authorization header value, built once per token; its
	// capacity is 1 so that an append by a later RoundTripper copies it.
	auth []string
}

// tokenState is what a cached token is good for at a given time.
type tokenState uint8

const (
	// expired: not to be used; callers wait for a fetch. Also the state of
	// no token at all.
	expired tokenState = iota
	// stale: used, while one background refresh runs.
	stale
	// fresh: used as is.
	fresh
)

// state returns e's state at at (an offset from the Source's base). A
// clock that reads earlier than the time the token was stored has stepped
// back: the token's age is unknown, so it is stale, never fresh, and gets
// refreshed.
func (e *entry) state(at time.Duration) tokenState {
	switch {
	case e == nil:
		return expired
	case at < e.freshUntil && at >= e.fetchedAt:
		return fresh
	case at < e.staleUntil:
		return stale
	}
	return expired
}

type failure struct {
	err error
	// at is when the failure was recorded and until the end of its backoff,
	// on the Source's clock.
	at, until time.Time
	attempts  int
}

// holds reports whether f's backoff still runs at now. A clock that reads
// earlier than the failure has stepped back: the backoff is over, rather
// than frozen for the length of the step.
func (f *failure) holds(now time.Time) bool {
	return f != nil && !now.Before(f.at) && now.Before(f.until)
}

// flightKey is the singleflight key of a Source's fetch. Each Source has its
// own group, so two Sources never share a flight.
const flightKey = "token"

// NewSource returns a Source that gets its tokens from f. opts may be nil.
//
// If f has a Validate method (ClientCredentials and JSONFetcher do) and it
// reports an error, or f is nil, the Source never fetches: every Token call
// returns that error, which wraps ErrInvalidConfig. Call Validate first to
// get the error at start-up.
func NewSource(f Fetcher, opts *SourceOptions) *Source {
	var o SourceOptions
	if opts != nil {
		o = *opts
	}
	s := &Source{
		f:   f,
		now: o.Now,
		rule: freshness{
			refreshAhead: positiveOr(o.RefreshAhead, DefaultRefreshAhead),
			expiryMargin: positiveOr(o.ExpiryMargin, DefaultExpiryMargin),
		},
		fetchTimeout: positiveOr(o.FetchTimeout, DefaultFetchTimeout),
		minBackoff:   positiveOr(o.MinBackoff, DefaultMinBackoff),
		maxBackoff:   positiveOr(o.MaxBackoff, DefaultMaxBackoff),
		onFetch:      o.OnFetch,
		fetchCtx:     o.FetchContext,
		onWait:       o.OnWait,
	}
	if s.now == nil {
		s.now, s.mono = time.Now, true
	}
	if s.maxBackoff < s.minBackoff {
		s.maxBackoff = s.minBackoff
	}
	s.base = s.now()
	s.lastInvalidate.Store(noInvalidate)
	switch v := f.(type) {
	case nil:
		s.invalid = fmt.Errorf("outbound: %w: NewSource with a nil Fetcher", ErrInvalidConfig)
	case interface{ Validate() error }:
		s.invalid = v.Validate()
	}
	return s
}

func positiveOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Token returns a usable token, fetching one if there is none. It returns an
// error only when no usable token exists and the fetch failed (or is backing
// off after a failure), or when ctx ends first. A caller whose ctx ends
// returns at once; the shared fetch goes on for the others.
func (s *Source) Token(ctx context.Context) (Token, error) {
	e, err := s.entry(ctx)
	if err != nil {
		return Token{}, err
	}
	return e.tok, nil
}

// entry is Token returning the cache entry, so that Bearer can use its
// precomputed header.
func (s *Source) entry(ctx context.Context) (*entry, error) {
	if e := s.cur.Load(); e != nil {
		switch e.state(s.at()) {
		case fresh:
			return e, nil
		case stale:
			s.startRefresh(ctx)
			return e, nil
		}
	}
	return s.wait(ctx)
}

// at returns the time on the Source's clock as an offset from its base.
func (s *Source) at() time.Duration {
	if s.mono {
		return time.Since(s.base)
	}
	return s.now().Sub(s.base)
}

// startRefresh starts one background refresh unless one is running, the
// token was refreshed meanwhile, or the Source is backing off.
func (s *Source) startRefresh(ctx context.Context) {
	if s.running.Load() || s.fail.Load().holds(s.now()) {
		return // checked without the lock: every stale call comes here
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running.Load() && s.cur.Load().state(s.at()) == stale && !s.fail.Load().holds(s.now()) {
		s.launch(ctx, true)
	}
}

// wait is the path without a usable token: join the fetch in flight, or
// start one, and wait for it on the caller's own context.
func (s *Source) wait(ctx context.Context) (*entry, error) {
	if s.f == nil || s.invalid != nil {
		return nil, s.configError()
	}
	s.waits.Add(1)
	s.mu.Lock()
	var fl <-chan singleflight.Result
	e, f := s.cur.Load(), s.fail.Load()
	switch {
	case s.running.Load():
		fl = s.flight(ctx, false)
	case e.state(s.at()) == expired:
		e = nil
		if !f.holds(s.now()) {
			fl = s.launch(ctx, false)
		}
	}
	s.mu.Unlock()
	if s.onWait != nil {
		s.onWait(WaitEvent{Context: ctx, BackingOff: fl == nil && e == nil})
	}
	switch {
	case fl == nil && e != nil:
		return e, nil // a flight that ended since this caller looked left one
	case fl == nil:
		return nil, f.err
	}
	select {
	case r := <-fl:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*entry), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// launch starts a flight on a context that keeps ctx's values but not its
// cancellation, so that one caller giving up cancels nobody else. The caller
// holds s.mu.
func (s *Source) launch(ctx context.Context, background bool) <-chan singleflight.Result {
	s.running.Store(true)
	return s.flight(ctx, background)
}

// flight returns a channel for the outcome of the flight in progress,
// starting it if there is none. A caller that joins holds s.mu and has seen
// s.running set, so the flight has not yet published and its key is still
// in the group: the function passed here runs only for the one launch
// starts.
func (s *Source) flight(ctx context.Context, background bool) <-chan singleflight.Result {
	ctx = context.WithoutCancel(ctx)
	return s.group.DoChan(flightKey, func() (any, error) {
		e, err := s.run(ctx, background)
		if err != nil {
			return nil, err
		}
		return e, nil
	})
}

func (s *Source) configError() error {
	if s.invalid != nil {
		return s.invalid
	}
	return fmt.Errorf("outbound: %w: zero Source; create it with NewSource", ErrInvalidConfig)
}

// Invalidate drops the cached token if it is still the current one, so that
// the next Token call fetches a new one. It is what to call when an API
// answers 401 to that token. A token that has already been replaced is left
// alone, so many callers reporting the same rejected token cause one fetch,
// not many.
//
// Invalidations are rate-limited: after one that dropped a token, further
// ones within MinBackoff are ignored. An API that answers 401 for reasons
// other than the token (a permission, an allowlist) then costs at most one
// token fetch per MinBackoff, rather than one per request. A clock that
// steps back ends the limit rather than prolonging it.
func (s *Source) Invalidate(stale Token) {
	e := s.cur.Load()
	if e == nil || e.tok.Value != stale.Value {
		return
	}
	now := int64(s.at())
	last := s.lastInvalidate.Load()
	if last != noInvalidate && now >= last && now-last < int64(s.minBackoff) {
		return
	}
	if s.lastInvalidate.CompareAndSwap(last, now) && s.cur.CompareAndSwap(e, nil) {
		// A Shared fetcher drops the token fleet-wide too.
		if inv, ok := s.f.(invalidator); ok {
			inv.invalidate(e.tok)
		}
	}
}

// Stats returns the Source's counters.
func (s *Source) Stats() SourceStats {
	return SourceStats{
		Fetches:             s.fetches.Load(),
		Failures:            s.failures.Load(),
		BackgroundRefreshes: s.background.Load(),
		Waits:               s.waits.Load(),
	}
}

// Format prints the Source without anything its Fetcher holds: the fetcher
// sits in an unexported field, which fmt would print field by field, secrets
// included, without calling its own redacting methods.
func (s *Source) Format(f fmt.State, verb rune) {
	st := s.Stats()
	fmt.Fprintf(f, "outbound.Source{Fetcher: %T, Fetches: %d, Failures: %d}", s.f, st.Fetches, st.Failures)
}
