package harness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The credentials both libraries send to the fake token endpoint.
const (
	clientID     = "bench-client"
	clientSecret = "bench-secret-never-printed"
)

// tokenServer is an OAuth2 client-credentials endpoint on loopback that
// answers after a fixed latency, issues tokens of a fixed lifetime, and can be
// switched into an outage (503 with Retry-After).
type tokenServer struct {
	srv        *httptest.Server
	latency    time.Duration
	lifetime   time.Duration
	retryAfter int // seconds; 0 sends no Retry-After

	calls    atomic.Int64 // every request received
	issued   atomic.Int64 // tokens issued
	failing  atomic.Bool
	rejected atomic.Int64 // requests with bad credentials or grant

	mu     sync.RWMutex
	tokens map[string]*issuedToken // checked by the API

	arrivalsMu sync.Mutex
	arrivals   []time.Time // of every request, for the charts
}

// issuedToken is what the endpoint remembers of a token it issued.
type issuedToken struct {
	n      int64 // its number, from 1, in issue order
	expiry time.Time
	used   atomic.Bool // the API has accepted it at least once
}

func newTokenServer(latency, lifetime time.Duration, retryAfter int) *tokenServer {
	ts := &tokenServer{latency: latency, lifetime: lifetime, retryAfter: retryAfter,
		tokens: make(map[string]*issuedToken)}
	ts.srv = httptest.NewServer(http.HandlerFunc(ts.serve))
	return ts
}

func (ts *tokenServer) URL() string { return ts.srv.URL + "/oauth/token" }

func (ts *tokenServer) Close() { ts.srv.Close() }

func (ts *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	ts.calls.Add(1)
	ts.arrivalsMu.Lock()
	ts.arrivals = append(ts.arrivals, time.Now())
	ts.arrivalsMu.Unlock()
	if ts.latency > 0 {
		t := time.NewTimer(ts.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if ts.failing.Load() {
		if ts.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(ts.retryAfter))
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable","error_description":"maintenance"}`))
		return
	}
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || !ok || id != clientID || secret != clientSecret ||
		r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		ts.rejected.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
		return
	}
	n := ts.issued.Add(1)
	tok := fmt.Sprintf("tok-%d-%d", n, time.Now().UnixNano())
	ts.mu.Lock()
	ts.tokens[tok] = &issuedToken{n: n, expiry: time.Now().Add(ts.lifetime)}
	ts.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(ts.lifetime / time.Second),
	})
}

// valid reports whether tok was issued here and has not expired, and marks
// it used if so.
func (ts *tokenServer) valid(tok string) bool {
	ts.mu.RLock()
	t, ok := ts.tokens[tok]
	ts.mu.RUnlock()
	if !ok || !time.Now().Before(t.expiry) {
		return false
	}
	if !t.used.Load() {
		t.used.Store(true)
	}
	return true
}

// arrivalsBetween returns the arrivals of requests in [from, to), as offsets
// from from.
func (ts *tokenServer) arrivalsBetween(from, to time.Time) []time.Duration {
	ts.arrivalsMu.Lock()
	defer ts.arrivalsMu.Unlock()
	var out []time.Duration
	for _, a := range ts.arrivals {
		if !a.Before(from) && a.Before(to) {
			out = append(out, a.Sub(from))
		}
	}
	return out
}

// endsBetween returns the instants in [from, to) at which the tokens issued
// stopped being usable to a client that drops them margin before their
// expiry, as offsets from from, in order.
func (ts *tokenServer) endsBetween(from, to time.Time, margin time.Duration) []time.Duration {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	var out []time.Duration
	for _, t := range ts.tokens {
		if end := t.expiry.Add(-margin); !end.Before(from) && end.Before(to) {
			out = append(out, end.Sub(from))
		}
	}
	slices.Sort(out)
	return out
}

// usedAfter counts the tokens numbered above n that the API accepted.
func (ts *tokenServer) usedAfter(n int64) int64 {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	var used int64
	for _, t := range ts.tokens {
		if t.n > n && t.used.Load() {
			used++
		}
	}
	return used
}

// newAPIServer returns the protected API: 200 for a valid bearer token from
// ts, 401 otherwise.
func newAPIServer(ts *tokenServer) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !ts.valid(tok) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
}

// countingTransport counts the requests a library sends to the token
// endpoint, seen from the client side.
type countingTransport struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(req)
}
