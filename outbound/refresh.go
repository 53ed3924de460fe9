package outbound

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"time"
)

// fetch runs inside the singleflight group.
func (s *Source) fetch(ctx context.Context, background bool) (*entry, error) {
	if e, err, done := s.nothingToFetch(); done {
		return e, err
	}
	s.fetches.Add(1)
	if background {
		s.background.Add(1)
	}
	if s.fetchCtx != nil {
		if c := s.fetchCtx(ctx, background); c != nil {
			ctx = c
		}
	}
	start := time.Now()
	s.emit(FetchEvent{Phase: FetchStarted, Context: ctx, Background: background, Start: start})

	fctx, cancel := context.WithTimeout(ctx, s.fetchTimeout)
	tok, err := s.f.Fetch(fctx)
	cancel()
	now := s.now()
	if err == nil {
		err = checkArrival(tok, now)
	}
	if err != nil {
		s.failures.Add(1)
		f := s.newFailure(err, now)
		s.publish(nil, f)
		s.emit(FetchEvent{Phase: FetchFailed, Context: ctx, Background: background, Start: start,
			Duration: time.Since(start), Err: err, Backoff: f.until.Sub(f.at)})
		return nil, err
	}
	e := s.newEntry(tok, now)
	s.publish(e, nil)
	s.emit(FetchEvent{Phase: FetchSucceeded, Context: ctx, Background: background, Start: start,
		Duration: time.Since(start), Expiry: tok.Expiry})
	return e, nil
}

// nothingToFetch ends a flight at once when a flight that ended just before
// it started stored a fresh token, or a failure whose backoff still runs.
func (s *Source) nothingToFetch() (*entry, error, bool) {
	s.end.Lock()
	defer s.end.Unlock()
	now := s.now()
	if e := s.cur.Load(); e != nil && e.state(now.Sub(s.base)) == fresh {
		s.endFlight()
		return e, nil, true
	}
	if f := s.fail.Load(); f.holds(now) {
		s.endFlight()
		return nil, f.err, true
	}
	return nil, nil, false
}

// publish makes a flight's outcome visible: a new token, or a failure. The
// flight is first forgotten and refreshing cleared, so that a caller who
// finds the new token already stale starts a refresh of its own, rather than
// joining this finished flight or being turned away by the flag.
func (s *Source) publish(e *entry, f *failure) {
	s.end.Lock()
	defer s.end.Unlock()
	s.endFlight()
	if e != nil {
		s.cur.Store(e)
		s.fail.Store(nil)
		return
	}
	s.fail.Store(f)
}

// endFlight must be called with s.end held. A flight started after it finds,
// under s.end, what this one published.
func (s *Source) endFlight() {
	s.group.Forget(flightKey)
	s.refreshing.Store(false)
}

// checkArrival refuses a token that cannot be sent or is already expired.
func checkArrival(tok Token, now time.Time) error {
	why := checkValue(tok.Value)
	if why == "" {
		why = checkScheme(tok.Type)
	}
	if why == "" && !tok.Expiry.IsZero() && !now.Before(tok.Expiry) {
		// Stored, it would send every caller back to the endpoint at once,
		// and each of those fetches would "succeed": as a failure, it backs
		// off. A zone-less expiry that is really local time, or a clock far
		// ahead of the provider's, end up here.
		why = "the token had expired on arrival"
	}
	if why == "" {
		return nil
	}
	return &Error{Op: "fetch token", Err: fmt.Errorf("%w: %s", ErrInvalidResponse, why)}
}

func (s *Source) emit(ev FetchEvent) {
	if s.onFetch != nil {
		s.onFetch(ev)
	}
}

// newEntry computes tok's thresholds from now, the time it arrived, as
// offsets from the Source's base (see Source.at).
func (s *Source) newEntry(tok Token, now time.Time) *entry {
	e := &entry{tok: tok, auth: []string{tok.Scheme() + " " + tok.Value}}
	e.auth = e.auth[:1:1]
	if tok.Expiry.IsZero() {
		// Never expires: fresh for ever, whatever the clock does.
		e.fetchedAt, e.freshUntil, e.staleUntil = math.MinInt64, math.MaxInt64, math.MaxInt64
		return e
	}
	life := tok.Expiry.Sub(now)
	ahead := min(s.refreshAhead, life/2)
	margin := min(s.expiryMargin, life/10)
	e.fetchedAt = now.Sub(s.base)
	e.freshUntil = e.fetchedAt + life - ahead
	e.staleUntil = e.fetchedAt + life - margin
	return e
}

// newFailure returns err's failure with the end of its backoff: exponential
// from MinBackoff, with jitter above it (never below MinBackoff), up to
// MaxBackoff; a Retry-After on 429 or 503 lengthens it up to MaxRetryAfter.
func (s *Source) newFailure(err error, now time.Time) *failure {
	attempts := 1
	if prev := s.fail.Load(); prev != nil {
		attempts = prev.attempts + 1
	}
	d := s.minBackoff
	for i := 1; i < attempts && d < s.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.maxBackoff)
	// Jitter spreads the retries of many processes sharing a provider:
	// within [d, 1.5d], or below MaxBackoff once d has reached it.
	upper := min(d+d/2, s.maxBackoff)
	lower := max(s.minBackoff, upper*2/3)
	d = lower + rand.N(upper-lower+1)
	var oe *Error
	if errors.As(err, &oe) && (oe.Status == http.StatusTooManyRequests || oe.Status == http.StatusServiceUnavailable) &&
		oe.RetryAfter > d {
		d = min(oe.RetryAfter, MaxRetryAfter)
	}
	return &failure{err: err, at: now, until: now.Add(d), attempts: attempts}
}
