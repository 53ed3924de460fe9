package outbound

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
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
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// OnFetch, if set, is called when a fetch starts and when it ends, for
	// logs and metrics. It is called from the fetching goroutine and must not
	// block. The event never holds the token's value.
	OnFetch func(FetchEvent)
}

// FetchPhase tells a FetchEvent's place in a fetch.
type FetchPhase int

// The phases of a fetch.
const (
	FetchStarted FetchPhase = iota
	FetchSucceeded
	FetchFailed
)

// FetchEvent describes a fetch to SourceOptions.OnFetch.
type FetchEvent struct {
	Phase FetchPhase
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

// Source caches the token a Fetcher returns and refreshes it ahead of expiry.
//
// A cached token is fresh until Expiry-RefreshAhead, stale until
// Expiry-ExpiryMargin, then expired. Token returns a fresh token with one
// atomic load, no lock and no allocation. It returns a stale token too, and
// starts one background refresh unless one is running or the Source is backing
// off after a failure. Only when there is no usable token does a caller wait,
// on its own context, for the one fetch that all waiting callers share.
//
// Failed fetches are retried with exponential backoff and jitter. While a
// usable token exists, callers never see a failure; without one, the callers
// of one attempt share its error, and callers during the backoff get that error
// at once instead of causing new requests to the token endpoint.
//
// A Source is safe for concurrent use. It starts no goroutine that outlives a
// fetch, so it needs no Close.
type Source struct {
	f            Fetcher
	now          func() time.Time
	refreshAhead time.Duration
	expiryMargin time.Duration
	fetchTimeout time.Duration
	minBackoff   time.Duration
	maxBackoff   time.Duration
	onFetch      func(FetchEvent)

	cur        atomic.Pointer[entry]
	fail       atomic.Pointer[failure]
	refreshing atomic.Bool
	// lastInvalidate is when Invalidate last dropped a token (unix
	// nanoseconds on the Source's clock), for its rate limit.
	lastInvalidate atomic.Int64
	// group deduplicates fetches. Each Source has its own group, so two
	// Sources (two credentials) never share a flight.
	group singleflight.Group

	fetches, failures, background, waits atomic.Int64
}

// entry is an immutable cached token with its precomputed thresholds and
// Authorization header value.
type entry struct {
	tok        Token
	freshUntil time.Time
	staleUntil time.Time
	// auth is the Authorization header value, built once per token; its
	// capacity is 1 so that an append by a later RoundTripper copies it.
	auth []string
}

type failure struct {
	err      error
	until    time.Time
	attempts int
}

const flightKey = "token"

// NewSource returns a Source that gets its tokens from f. opts may be nil.
// NewSource panics if f is nil, as that is a programming error.
func NewSource(f Fetcher, opts *SourceOptions) *Source {
	if f == nil {
		panic("outbound: NewSource with nil Fetcher")
	}
	var o SourceOptions
	if opts != nil {
		o = *opts
	}
	s := &Source{
		f:            f,
		now:          o.Now,
		refreshAhead: positiveOr(o.RefreshAhead, DefaultRefreshAhead),
		expiryMargin: positiveOr(o.ExpiryMargin, DefaultExpiryMargin),
		fetchTimeout: positiveOr(o.FetchTimeout, DefaultFetchTimeout),
		minBackoff:   positiveOr(o.MinBackoff, DefaultMinBackoff),
		maxBackoff:   positiveOr(o.MaxBackoff, DefaultMaxBackoff),
		onFetch:      o.OnFetch,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBackoff < s.minBackoff {
		s.maxBackoff = s.minBackoff
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
	e := s.cur.Load()
	if e != nil {
		now := s.now()
		if now.Before(e.freshUntil) {
			return e, nil
		}
		if now.Before(e.staleUntil) {
			s.startRefresh(ctx, now)
			return e, nil
		}
	}
	return s.wait(ctx)
}

// startRefresh starts one background refresh unless one is running or the
// Source is backing off.
func (s *Source) startRefresh(ctx context.Context, now time.Time) {
	if f := s.fail.Load(); f != nil && now.Before(f.until) {
		return
	}
	if !s.refreshing.CompareAndSwap(false, true) {
		return
	}
	fctx := context.WithoutCancel(ctx)
	go func() {
		defer s.refreshing.Store(false)
		// Do joins a fetch already in flight for waiting callers.
		_, _, _ = s.group.Do(flightKey, func() (any, error) { return s.fetch(fctx, true) })
	}()
}

// wait is the path without a usable token: share the one fetch in flight,
// each caller on its own context.
func (s *Source) wait(ctx context.Context) (*entry, error) {
	s.waits.Add(1)
	if f := s.fail.Load(); f != nil && s.now().Before(f.until) {
		return nil, f.err
	}
	fctx := context.WithoutCancel(ctx)
	ch := s.group.DoChan(flightKey, func() (any, error) { return s.fetch(fctx, false) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*entry), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetch runs inside the singleflight group.
func (s *Source) fetch(ctx context.Context, background bool) (*entry, error) {
	now := s.now()
	// A flight that ended just before this one started may already have
	// stored a fresh token, or a failure whose backoff still runs: then there
	// is nothing to fetch.
	if e := s.cur.Load(); e != nil && now.Before(e.freshUntil) {
		return e, nil
	}
	if f := s.fail.Load(); f != nil && now.Before(f.until) {
		return nil, f.err
	}

	s.fetches.Add(1)
	if background {
		s.background.Add(1)
	}
	start := time.Now()
	s.emit(FetchEvent{Phase: FetchStarted, Background: background, Start: start})

	ctx, cancel := context.WithTimeout(ctx, s.fetchTimeout)
	tok, err := s.f.Fetch(ctx)
	cancel()
	switch {
	case err != nil:
	case tok.Value == "":
		err = &Error{Op: "fetch token", Err: fmt.Errorf("%w: empty token", ErrInvalidResponse)}
	case !tok.Expiry.IsZero() && !s.now().Before(tok.Expiry):
		// Stored, it would send every caller back to the endpoint at once,
		// and each of those fetches would "succeed": as a failure, it backs
		// off. A zone-less expiry that is really local time, or a clock far
		// ahead of the provider's, end up here.
		err = &Error{Op: "fetch token", Err: fmt.Errorf("%w: the token had expired on arrival", ErrInvalidResponse)}
	}
	if err != nil {
		s.failures.Add(1)
		backoff := s.recordFailure(err)
		s.emit(FetchEvent{Phase: FetchFailed, Background: background, Start: start,
			Duration: time.Since(start), Err: err, Backoff: backoff})
		return nil, err
	}

	e := s.newEntry(tok, s.now())
	s.cur.Store(e)
	s.fail.Store(nil)
	s.emit(FetchEvent{Phase: FetchSucceeded, Background: background, Start: start,
		Duration: time.Since(start), Expiry: tok.Expiry})
	return e, nil
}

func (s *Source) emit(ev FetchEvent) {
	if s.onFetch != nil {
		s.onFetch(ev)
	}
}

func (s *Source) newEntry(tok Token, now time.Time) *entry {
	e := &entry{tok: tok, auth: []string{tok.Scheme() + " " + tok.Value}}
	e.auth = e.auth[:1:1]
	if tok.Expiry.IsZero() {
		// Never expires: fresh for ever.
		never := time.Unix(1<<62, 0)
		e.freshUntil, e.staleUntil = never, never
		return e
	}
	life := tok.Expiry.Sub(now)
	ahead := min(s.refreshAhead, life/2)
	margin := min(s.expiryMargin, life/10)
	if life <= 0 {
		ahead, margin = 0, 0
	}
	e.freshUntil = tok.Expiry.Add(-ahead)
	e.staleUntil = tok.Expiry.Add(-margin)
	return e
}

// recordFailure stores the failure and the end of its backoff, and returns
// the backoff.
func (s *Source) recordFailure(err error) time.Duration {
	attempts := 1
	if prev := s.fail.Load(); prev != nil {
		attempts = prev.attempts + 1
	}
	d := s.minBackoff
	for i := 1; i < attempts && d < s.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.maxBackoff)
	// Jitter in [d/2, d) spreads the retries of many processes sharing
	// a provider.
	d = d/2 + rand.N(d/2+1)
	var oe *Error
	if errors.As(err, &oe) && (oe.Status == http.StatusTooManyRequests || oe.Status == http.StatusServiceUnavailable) &&
		oe.RetryAfter > d {
		d = min(oe.RetryAfter, MaxRetryAfter)
	}
	s.fail.Store(&failure{err: err, until: s.now().Add(d), attempts: attempts})
	return d
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
// token fetch per MinBackoff, rather than one per request.
func (s *Source) Invalidate(stale Token) {
	e := s.cur.Load()
	if e == nil || e.tok.Value != stale.Value {
		return
	}
	now := s.now().UnixNano()
	last := s.lastInvalidate.Load()
	if last != 0 && now-last < int64(s.minBackoff) {
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
