package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"
)

// How a JWKSet keeps its keys fresh: a background loop fetches the set
// when the last response's max-age (clamped) has passed, or sooner after a
// failure; unknown kids may cause a fetch too, rate-limited. Every fetch goes
// through one singleflight group, so that there is only ever one at a time,
// shared by all who ask.

// firstRetry is the first delay after a failed fetch; it doubles on each
// further failure up to MinRefresh.
const firstRetry = time.Second

// errClosed is the outcome of a fetch asked for after Close.
var errClosed = errors.New("inbound: JWKS: closed")

// fetchChan starts a fetch, or joins the one in progress, and returns where
// its result arrives: Val is the delay until the next scheduled fetch.
func (s *JWKSet) fetchChan() <-chan singleflight.Result {
	return s.group.DoChan("fetch", s.flight)
}

// flight is one fetch as the group runs it: on the set's own context, so
// that a caller who gives up cancels nobody else.
func (s *JWKSet) flight() (any, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return time.Duration(0), errClosed
	}
	s.wg.Add(1) // before Close's Wait: closed is checked under the same lock
	s.fetching = true
	s.mu.Unlock()
	defer s.wg.Done()

	next, err := s.fetch()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetching = false
	if err != nil {
		s.failures++
		return s.retryDelay(), err
	}
	s.failures = 0
	return next, nil
}

// unknownKIDFetch returns where the fetch an unknown kid may wait for ends:
// the one in progress, or a new one if none ran for that reason within
// UnknownKIDInterval. Nil means the caller must give up at once.
//
// The fetch is joined under mu: a flight clears fetching under mu before it
// ends, so a caller that saw one in progress joins it rather than starting
// another after it.
func (s *JWKSet) unknownKIDFetch() <-chan singleflight.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fetching {
		now := s.now()
		if s.closed || !s.lastUnknown.IsZero() && now.Sub(s.lastUnknown) < s.unknownInt {
			return nil
		}
		s.lastUnknown = now
	}
	return s.fetchChan()
}

// run refreshes the set in the background until the context is done.
func (s *JWKSet) run(next time.Duration) {
	defer s.wg.Done()
	t := time.NewTimer(next)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		select {
		case <-s.ctx.Done():
			return
		case res := <-s.fetchChan():
			t.Reset(res.Val.(time.Duration))
		}
	}
}

// retryDelay is called with s.mu held after a failed fetch: exponential from
// firstRetry, capped at MinRefresh, with jitter in [d/2, d] so that a fleet of
// servers does not retry in step.
func (s *JWKSet) retryDelay() time.Duration {
	next := firstRetry
	for i := 1; i < s.failures && next < s.minRefresh; i++ {
		next *= 2
	}
	d := min(next, s.minRefresh)
	return d/2 + rand.N(d/2+1)
}

// secureURL reports whether keys may be fetched from u: over https, or over
// http from a loopback host or when the caller allowed it.
func secureURL(u *url.URL, allowInsecure bool) bool {
	if u.Scheme == "https" || allowInsecure {
		return true
	}
	if u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// fetch loads the set once and, on success, swaps it in and returns when to
// refresh next. OnFetch hears of the outcome.
func (s *JWKSet) fetch() (time.Duration, error) {
	s.fetches.Add(1)
	start := time.Now()
	ev := JWKSFetch{URL: s.safeURL}
	next, err := s.load(&ev)
	if s.onFetch != nil {
		ev.Duration, ev.Err = time.Since(start), err
		s.onFetch(ev)
	}
	return next, err
}

// load is one fetch: get, parse, swap in. It counts keys into ev.
func (s *JWKSet) load(ev *JWKSFetch) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	body, maxAge, err := s.get(ctx)
	if err != nil {
		s.report(err)
		return 0, err
	}
	entries, skipped, err := parseJWKS(body, s.allowSym)
	ev.Skipped = len(skipped)
	for _, e := range skipped {
		s.report(fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, e))
	}
	if err != nil {
		err = fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
		s.report(err)
		return 0, err
	}
	ev.Keys = len(entries)
	s.keys.Store(reuseKeys(s.keys.Load(), entries))
	return s.clampRefresh(maxAge), nil
}

func (s *JWKSet) report(err error) {
	if s.onError != nil {
		s.onError(err)
	}
}

// clampRefresh turns a max-age (negative when absent) into the next refresh.
func (s *JWKSet) clampRefresh(maxAge time.Duration) time.Duration {
	if maxAge < 0 {
		return s.maxRefresh
	}
	return min(max(maxAge, s.minRefresh), s.maxRefresh)
}

// get fetches the document; maxAge is -1 without a usable Cache-Control.
func (s *JWKSet) get(ctx context.Context) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error repeats the full URL, query included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, -1, fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, s.maxBody))
		return nil, -1, fmt.Errorf("inbound: JWKS %s: status %d", s.safeURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxBody+1))
	if err != nil {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: reading the body: %w", s.safeURL, err)
	}
	if int64(len(body)) > s.maxBody {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: body larger than %d bytes", s.safeURL, s.maxBody)
	}
	return body, maxAge(resp.Header.Get("Cache-Control")), nil
}

// maxAge parses the max-age directive of a Cache-Control value; no-store and
// no-cache count as 0 (refresh as often as allowed), absence as -1.
func maxAge(cc string) time.Duration {
	age := time.Duration(-1)
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		name, val, _ := strings.Cut(d, "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
			if err == nil && n >= 0 {
				age = time.Duration(min(n, int64(365*24*3600))) * time.Second
			}
		}
	}
	return age
}

// reuseKeys keeps the previous entry (and so the same key object) for every
// key that did not change, so that the verified-token cache, which compares
// key identities, survives refreshes.
func reuseKeys(old *keyMap, entries []*keyEntry) *keyMap {
	if old != nil {
		for i, e := range entries {
			if o, ok := old.byKID[e.kid]; ok && e.kid != "" && o.alg == e.alg && equalKey(o.key, e.key) {
				entries[i] = o
			}
		}
	}
	return newKeyMap(entries)
}
