package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// api is an httptest server that accepts only the token in valid and
// records the bodies it received.
type api struct {
	*httptest.Server
	mu     sync.Mutex
	valid  string
	bodies []string
	auths  []string
}

func newAPI(t *testing.T) *api {
	a := &api{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		defer a.mu.Unlock()
		a.bodies = append(a.bodies, string(b))
		a.auths = append(a.auths, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer "+a.valid {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid_token"}`)
			return
		}
		_, _ = io.WriteString(w, "ok:"+r.Header.Get("X-Caller"))
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *api) setValid(v string) { a.mu.Lock(); a.valid = v; a.mu.Unlock() }

// seqFetcher issues tok-1, tok-2, ... valid for an hour.
func seqFetcher() (Fetcher, *atomic.Int64) {
	var n atomic.Int64
	return FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: fmt.Sprintf("tok-%d", n.Add(1)), Expiry: time.Now().Add(time.Hour)}, nil
	}), &n
}

func TestBearerRetriesOnceWithReplayedBody(t *testing.T) {
	a := newAPI(t)
	a.setValid("tok-2") // the first token is refused, as if revoked
	f, n := seqFetcher()
	client := &http.Client{Transport: Chain(nil, Bearer(NewSource(f, nil)))}

	req, _ := http.NewRequest(http.MethodPost, a.URL, strings.NewReader(`{"amount":100}`))
	req.Header.Set("X-Caller", "me")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok:me" {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	if n.Load() != 2 {
		t.Fatalf("fetches = %d, want 2", n.Load())
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.bodies) != 2 || a.bodies[0] != a.bodies[1] || a.bodies[1] != `{"amount":100}` {
		t.Fatalf("bodies = %q, want the same body twice", a.bodies)
	}
	if a.auths[0] != "Bearer tok-1" || a.auths[1] != "Bearer tok-2" {
		t.Fatalf("auths = %q", a.auths)
	}
	if req.Header.Get("Authorization") != "" || len(req.Header) != 1 {
		t.Fatalf("caller's request was mutated: %v", req.Header)
	}
}

func TestBearerNoRetryWithoutReplayableBody(t *testing.T) {
	a := newAPI(t)
	a.setValid("never")
	f, n := seqFetcher()
	client := &http.Client{Transport: Chain(nil, Bearer(NewSource(f, nil)))}
	// A reader http.NewRequest does not know cannot be replayed.
	req, _ := http.NewRequest(http.MethodPost, a.URL, io.MultiReader(strings.NewReader("once")))
	if req.GetBody != nil {
		t.Fatal("test needs a request without GetBody")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want the API's 401", resp.StatusCode)
	}
	a.mu.Lock()
	calls := len(a.bodies)
	a.mu.Unlock()
	if calls != 1 {
		t.Fatalf("API calls = %d, want 1", calls)
	}
	// The refused token was still invalidated: the next request fetches.
	req, _ = http.NewRequest(http.MethodGet, a.URL, nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// tok-1 was refused and not retried; the GET got tok-2, refused too, but
	// that second invalidation within MinBackoff is ignored (an API refusing
	// everything must not cost a token fetch per request): no third fetch,
	// no retry.
	if n.Load() != 2 {
		t.Fatalf("fetches = %d, want 2", n.Load())
	}
}

// countingRT answers with a fixed sequence of statuses and counts bodies.
type countingRT struct {
	statuses    []int
	calls       atomic.Int64
	opened      atomic.Int64
	closed      atomic.Int64
	lastHeaders atomic.Pointer[http.Header]
}

type trackedBody struct {
	io.Reader
	closed *atomic.Int64
}

func (b *trackedBody) Close() error { b.closed.Add(1); return nil }

func (c *countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	i := c.calls.Add(1) - 1
	h := req.Header.Clone()
	c.lastHeaders.Store(&h)
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	status := c.statuses[min(int(i), len(c.statuses)-1)]
	c.opened.Add(1)
	return &http.Response{StatusCode: status, Header: http.Header{},
		Body: &trackedBody{Reader: strings.NewReader("body"), closed: &c.closed}, Request: req}, nil
}

func TestBearerClosesBodies(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		wantCalls  int64
		wantStatus int
	}{
		{"ok", []int{200}, 1, 200},
		{"retry succeeds", []int{401, 200}, 2, 200},
		{"retry refused too", []int{401, 401}, 2, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &countingRT{statuses: tt.statuses}
			f, _ := seqFetcher()
			tr := Bearer(NewSource(f, nil))(rt)
			var reqClosed atomic.Int64
			req, _ := http.NewRequest(http.MethodPut, "http://example.invalid/", strings.NewReader("payload"))
			orig := req.GetBody
			req.GetBody = func() (io.ReadCloser, error) {
				b, err := orig()
				return &trackedBody{Reader: b, closed: &reqClosed}, err
			}
			req.Body = &trackedBody{Reader: strings.NewReader("payload"), closed: &reqClosed}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus || rt.calls.Load() != tt.wantCalls {
				t.Fatalf("status %d after %d calls", resp.StatusCode, rt.calls.Load())
			}
			resp.Body.Close()
			if rt.opened.Load() != rt.closed.Load() {
				t.Fatalf("response bodies: %d opened, %d closed", rt.opened.Load(), rt.closed.Load())
			}
			if reqClosed.Load() != tt.wantCalls {
				t.Fatalf("request bodies closed %d times, want %d", reqClosed.Load(), tt.wantCalls)
			}
		})
	}
}

func TestBearerFetchErrorClosesBody(t *testing.T) {
	want := &Error{Op: "fetch token", Status: 503}
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return Token{}, want }), nil)
	rt := &countingRT{statuses: []int{200}}
	var closed atomic.Int64
	req, _ := http.NewRequest(http.MethodPost, "http://example.invalid/", nil)
	req.Body = &trackedBody{Reader: strings.NewReader("x"), closed: &closed}
	_, err := Bearer(src)(rt).RoundTrip(req)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if closed.Load() != 1 || rt.calls.Load() != 0 {
		t.Fatalf("body closed %d times, %d API calls", closed.Load(), rt.calls.Load())
	}
}

func TestBearerTokenType(t *testing.T) {
	rt := &countingRT{statuses: []int{200}}
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: "abc", Type: "MAC"}, nil
	}), nil)
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	resp, err := Bearer(src)(rt).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rt.lastHeaders.Load().Get("Authorization"); got != "MAC abc" {
		t.Fatalf("Authorization = %q", got)
	}
}

func TestChainOrder(t *testing.T) {
	var order []string
	mark := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, name)
				return next.RoundTrip(r)
			})
		}
	}
	rt := &countingRT{statuses: []int{200}}
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	resp, err := Chain(rt, mark("a"), mark("b"), UserAgent("gatehouse-test/1"), Header("access_token", "k")).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Join(order, ",") != "a,b" {
		t.Fatalf("order = %v", order)
	}
	h := *rt.lastHeaders.Load()
	if h.Get("User-Agent") != "gatehouse-test/1" || h.Get("Access_token") != "k" {
		t.Fatalf("headers = %v", h)
	}
	if len(req.Header) != 0 {
		t.Fatalf("caller's request mutated: %v", req.Header)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRedaction(t *testing.T) {
	const secret = "s3cr3t-value"
	tok := Token{Value: secret, Expiry: time.Now()}
	cc := ClientCredentials{TokenURL: "https://user:" + secret + "@auth.example/token?k=" + secret, ClientID: "id", ClientSecret: secret}
	jf := JSONFetcher{URL: "https://auth.example/login", Body: map[string]string{"password": secret}, TokenField: "accessToken"}
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return tok, nil }), nil)
	_, _ = src.Token(context.Background())
	srcCC := NewSource(&cc, nil)
	hdr := Header("access_token", secret)(http.DefaultTransport)
	for _, v := range []any{tok, &tok, cc, &cc, jf, &jf, src, srcCC, hdr, []any{tok, cc}, map[string]any{"t": tok}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, secret) || strings.Contains(s, fmt.Sprintf("%x", secret)) {
				t.Errorf("%s of %T shows the secret: %s", verb, v, s)
			}
		}
	}
}

func TestRedactionInLogs(t *testing.T) {
	const secret = "s3cr3t-value"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	tok := Token{Value: secret, Expiry: time.Now()}
	cc := &ClientCredentials{ClientID: "id", ClientSecret: secret}
	jf := JSONFetcher{URL: "https://x/login", TokenField: "token", Body: map[string]string{"password": secret}}
	logger.Info("fetched", "token", tok, "fetcher", cc, "json", jf, "err", &Error{Op: "fetch token", Status: 401})
	slog.New(slog.NewTextHandler(&buf, nil)).Info("fetched", "token", tok, "fetcher", cc, "json", &jf)
	if strings.Contains(buf.String(), secret) {
		t.Fatalf("log shows the secret: %s", buf.String())
	}
	if !strings.Contains(buf.String(), `"type":"Bearer"`) {
		t.Fatalf("LogValue not used: %s", buf.String())
	}
}

func TestResponseErrorParsesProviderBodies(t *testing.T) {
	tests := []struct {
		name, body, retryAfter string
		status                 int
		wantCode, wantMessage  string
		wantIs                 error
		wantRetry              time.Duration
	}{
		{"oauth2", `{"error":"invalid_client","error_description":"bad client"}`, "", 401, "invalid_client", "bad client", ErrInvalidCredentials, 0},
		{"divipay 401", `{"statusCode":401,"message":"Unauthorized","error":"Invalid credentials"}`, "", 401, "Unauthorized", "Invalid credentials", ErrInvalidCredentials, 0},
		{"divipay 403", `{"statusCode":403,"message":"Forbidden","error":"API access not enabled for this account"}`, "", 403, "Forbidden", "API access not enabled for this account", ErrForbidden, 0},
		{"asaas", `{"errors":[{"code":"invalid_environment","description":"A chave de API informada não pertence a este ambiente"}]}`, "", 401, "invalid_environment", "A chave de API informada não pertence a este ambiente", ErrInvalidCredentials, 0},
		{"rate limited", `slow down`, "7", 429, "", "", ErrRateLimited, 7 * time.Second},
		{"unavailable", `<html>`, "", 503, "", "", ErrUnavailable, 0},
		{"control chars", `{"error":"a\u0000b\nc"}`, "", 400, "a b c", "", nil, 0},
		{"nestjs validation", `{"statusCode":400,"message":["client_id must be a string","client_secret should not be empty"],"error":"Bad Request"}`, "", 400, "Bad Request", "client_id must be a string; client_secret should not be empty", nil, 0},
		{"oauth2 invalid_client as 400", `{"error":"invalid_client"}`, "", 400, "invalid_client", "", ErrInvalidCredentials, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tt.body))}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			e := ResponseError("call", resp)
			if e.Code != tt.wantCode || e.Message != tt.wantMessage || e.RetryAfter != tt.wantRetry {
				t.Fatalf("got %+v", e)
			}
			if tt.wantIs != nil && !errors.Is(e, tt.wantIs) {
				t.Fatalf("errors.Is(%v, %v) = false", e, tt.wantIs)
			}
			if !strings.HasPrefix(e.Error(), "outbound: ") {
				t.Fatalf("Error() = %q", e.Error())
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "-3": 0, "120": 2 * time.Minute, "soon": 0, "1e3": 0, "+5": 0,
		"600": MaxRetryAfter, "601": MaxRetryAfter, "9223372036854775807": MaxRetryAfter,
		"99999999999999999999999": MaxRetryAfter, " 30 ": 30 * time.Second,
		now.Add(1000 * time.Hour).Format(http.TimeFormat): MaxRetryAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkBearerOverhead(b *testing.B) {
	bare := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
	req, _ := http.NewRequest(http.MethodGet, "https://api.example/v1/charges", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bench")
	for _, bc := range []struct {
		name string
		rt   http.RoundTripper
	}{{"bare", bare}, {"bearer", Bearer(src)(bare)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := bc.rt.RoundTrip(req)
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err)
				}
			}
		})
	}
}

type idleCloser struct {
	countingRT
	closed atomic.Int64
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

func TestCloseIdleConnectionsReachesBase(t *testing.T) {
	base := &idleCloser{}
	f, _ := seqFetcher()
	client := &http.Client{Transport: Chain(base, UserAgent("x"), Header("a", "b"), Bearer(NewSource(f, nil)))}
	client.CloseIdleConnections()
	if base.closed.Load() != 1 {
		t.Fatalf("base CloseIdleConnections called %d times, want 1", base.closed.Load())
	}
}

// An API that answers 401 to everything costs a bounded number of token
// fetches, not one per request.
func TestBearerRefusingAPIDoesNotStormTheTokenEndpoint(t *testing.T) {
	a := newAPI(t)
	a.setValid("never")
	f, n := seqFetcher()
	client := &http.Client{Transport: Chain(nil, Bearer(NewSource(f, &SourceOptions{MinBackoff: time.Hour})))}
	for range 50 {
		resp, err := client.Get(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	a.mu.Lock()
	calls := len(a.bodies)
	a.mu.Unlock()
	if n.Load() != 2 || calls != 51 {
		t.Fatalf("%d token fetches and %d API calls, want 2 and 51", n.Load(), calls)
	}
}

func TestErrorUnavailableOnlyForTransientCauses(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	// A client that does not trust the server's certificate: a mistake to
	// fix, not an outage.
	cc := &ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: "s"}
	_, err := cc.Fetch(context.Background())
	if err == nil || errors.Is(err, ErrUnavailable) {
		t.Fatalf("untrusted certificate: err = %v, must not be ErrUnavailable", err)
	}
	srv.Close()
	cc.Client = srv.Client()
	if _, err = cc.Fetch(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("closed server: err = %v, want ErrUnavailable", err)
	}
	_, err = (&JSONFetcher{URL: "https://x.example"}).Fetch(context.Background())
	if !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("no TokenField: err = %v", err)
	}
}
