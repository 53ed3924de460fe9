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

// run makes a flight's fetch and publishes its outcome (a new token, or a
// failure and its backoff); singleflight then hands it to the flight's
// waiters. Publishing, forgetting the flight's key and clearing running
// happen together under s.mu, so a caller that takes s.mu afterwards sees
// the outcome and starts, never joins, the next flight.
func (s *Source) run(ctx context.Context, background bool) (*entry, error) {
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
	e, f := s.fetch(ctx)
	if f != nil {
		s.failures.Add(1)
	}
	s.mu.Lock()
	if f == nil {
		s.cur.Store(e)
	}
	s.fail.Store(f)
	s.group.Forget(flightKey)
	s.running.Store(false)
	s.mu.Unlock()

	ev := FetchEvent{Phase: FetchSucceeded, Context: ctx, Background: background, Start: start, Duration: time.Since(start)}
	if f != nil {
		ev.Phase, ev.Err, ev.Backoff = FetchFailed, f.err, f.until.Sub(f.at)
		s.emit(ev)
		return nil, f.err
	}
	ev.Expiry = e.tok.Expiry
	s.emit(ev)
	return e, nil
}

// fetch calls the Fetcher, bounded by FetchTimeout, and checks the token.
func (s *Source) fetch(ctx context.Context) (*entry, *failure) {
	ctx, cancel := context.WithTimeout(ctx, s.fetchTimeout)
	defer cancel()
	var (
		tok    Token
		issued time.Time
		err    error
	)
	if rf, ok := s.f.(ruleFetcher); ok {
		tok, issued, err = rf.fetchRule(ctx, s.rule)
	} else {
		tok, err = s.f.Fetch(ctx)
	}
	now := s.now()
	if err == nil {
		err = checkArrival(tok, now)
	}
	if err != nil {
		return nil, s.newFailure(err, now)
	}
	return s.newEntry(tok, issued, now), nil
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

// newEntry computes tok's thresholds by the Source's rule, as offsets from
// its base (see Source.at). The lifetime counts from issued, when a Shared
// fetcher reports that another process fetched the token earlier, and
// otherwise from now, the token's arrival.
func (s *Source) newEntry(tok Token, issued, now time.Time) *entry {
	e := &entry{tok: tok, auth: []string{tok.Scheme() + " " + tok.Value}}
	e.auth = e.auth[:1:1]
	if tok.Expiry.IsZero() {
		// Never expires: fresh for ever, whatever the clock does.
		e.fetchedAt, e.freshUntil, e.staleUntil = math.MinInt64, math.MaxInt64, math.MaxInt64
		return e
	}
	var age time.Duration
	if !issued.IsZero() && issued.Before(now) {
		age = now.Sub(issued)
	}
	fresh, usable := s.rule.limits(tok.Expiry.Sub(now) + age)
	e.fetchedAt = now.Sub(s.base) - age
	e.freshUntil = e.fetchedAt + fresh
	e.staleUntil = e.fetchedAt + usable
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
