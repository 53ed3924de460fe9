package inbound

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/golang-jwt/jwt/v5"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// jwk renders a public key (or HMAC secret) as a JWK with the given members.
func jwk(key any, members map[string]any) map[string]any {
	j := map[string]any{}
	switch k := key.(type) {
	case *rsa.PublicKey:
		j["kty"], j["n"], j["e"] = "RSA", b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		x, y := make([]byte, size), make([]byte, size)
		k.X.FillBytes(x)
		k.Y.FillBytes(y)
		j["kty"], j["crv"], j["x"], j["y"] = "EC", k.Curve.Params().Name, b64(x), b64(y)
	case ed25519.PublicKey:
		j["kty"], j["crv"], j["x"] = "OKP", "Ed25519", b64(k)
	case []byte:
		j["kty"], j["k"] = "oct", b64(k)
	}
	for name, v := range members {
		j[name] = v
	}
	return j
}

func jwksDoc(keys ...map[string]any) []byte {
	if keys == nil {
		keys = []map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

// jwksServer is a fake issuer: it serves doc with status and cacheControl,
// counts requests, and when block is set, holds each request until it is
// closed.
type jwksServer struct {
	*httptest.Server
	mu           sync.Mutex
	doc          []byte
	status       int
	cacheControl string
	block        chan struct{}
	blocked      chan struct{} // receives when a request starts waiting on block
	requests     atomic.Int64
}

func newJWKSServer(t *testing.T, doc []byte) *jwksServer {
	s := &jwksServer{doc: doc, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		doc, status, cc, block, blocked := s.doc, s.status, s.cacheControl, s.block, s.blocked
		s.mu.Unlock()
		if block != nil {
			if blocked != nil {
				blocked <- struct{}{}
			}
			select {
			case <-block:
			case <-r.Context().Done():
				return
			}
		}
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(doc)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(doc []byte, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if doc != nil {
		s.doc = doc
	}
	s.status = status
}

func newJWKS(t *testing.T, url string, opts *JWKSOptions) *JWKSet {
	t.Helper()
	ks, err := JWKS(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ks.Close() })
	return ks
}

// fakeIssuer serves a JWK Set from memory as an http.RoundTripper: no
// network and no goroutine of its own, so that JWKS tests run inside a
// synctest bubble, where time is fake and moves only when every goroutine
// waits.
type fakeIssuer struct {
	mu           sync.Mutex
	doc          []byte
	status       int
	cacheControl string
	gate         chan struct{} // when set, each request waits until it is closed
	delay        time.Duration // how long each response takes (fake time in a bubble)
	requests     atomic.Int64
}

const fakeIssuerURL = "https://issuer.example/jwks.json"

func newFakeIssuer(doc []byte) *fakeIssuer { return &fakeIssuer{doc: doc, status: http.StatusOK} }

func (f *fakeIssuer) set(doc []byte, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if doc != nil {
		f.doc = doc
	}
	f.status = status
}

func (f *fakeIssuer) RoundTrip(r *http.Request) (*http.Response, error) {
	f.requests.Add(1)
	f.mu.Lock()
	gate, delay := f.gate, f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	h := http.Header{"Content-Type": {"application/json"}}
	if f.cacheControl != "" {
		h.Set("Cache-Control", f.cacheControl)
	}
	return &http.Response{StatusCode: f.status, Header: h, Body: io.NopCloser(bytes.NewReader(f.doc)), Request: r}, nil
}

func (f *fakeIssuer) client() *http.Client { return &http.Client{Transport: f} }

// holds reports whether the set's current keys include kid, without the
// unknown-kid refetch that Key would start.
func (s *JWKSet) holds(kid string) bool {
	m := s.keys.Load()
	if m == nil {
		return false
	}
	_, ok := m.byKID[kid]
	return ok
}

func TestJWKSVerifiesTokens(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(
		jwk(&k.rsa.PublicKey, map[string]any{"kid": "rsa", "use": "sig", "alg": "RS256"}),
		jwk(&k.ec.PublicKey, map[string]any{"kid": "ec"}),
		jwk(k.ed.Public(), map[string]any{"kid": "ed", "key_ops": []string{"verify"}}),
	))
	ks := newJWKS(t, srv.URL, nil)
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks; o.Algorithms = []string{"RS256", "RS384", "ES256", "EdDSA"} })
	for _, tc := range []struct {
		name string
		tok  string
		code string
	}{
		{"RS256", sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil)), ""},
		{"ES256", sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(nil)), ""},
		{"EdDSA", sign(t, jwt.SigningMethodEdDSA, k.ed, "ed", claims(nil)), ""},
		{"RS384 with a key restricted to RS256", sign(t, jwt.SigningMethodRS384, k.rsa, "rsa", claims(nil)), CodeInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := v.Validate(bearerRequest(tc.tok)); code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}
	if got := srv.requests.Load(); got != 1 {
		t.Fatalf("%d fetches, want 1", got)
	}
}

func TestJWKSRotation(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "old"})))
	ks := newJWKS(t, srv.URL, &JWKSOptions{UnknownKIDInterval: time.Hour})
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks })
	oldTok := sign(t, jwt.SigningMethodRS256, k.rsa, "old", claims(nil))
	newTok := sign(t, jwt.SigningMethodRS256, k.rsa2, "new", claims(nil))
	if _, err := v.Validate(bearerRequest(oldTok)); err != nil {
		t.Fatal(err)
	}

	// The issuer rotates: "new" appears, "old" is removed. The first token
	// with the new kid causes one refetch and succeeds.
	srv.set(jwksDoc(jwk(&k.rsa2.PublicKey, map[string]any{"kid": "new"})), http.StatusOK)
	if _, err := v.Validate(bearerRequest(newTok)); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	if got := srv.requests.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2", got)
	}
	// The old token was cached, but its key is gone: refused, and evicted.
	if _, err := v.Validate(bearerRequest(oldTok)); code(err) != CodeUnknownKey {
		t.Fatalf("token of the removed key: %v", err)
	}
	if got := srv.requests.Load(); got != 2 {
		t.Fatalf("%d fetches, want still 2 (rate limited)", got)
	}
}

func TestJWKSBackgroundRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := fixtures()
		iss := newFakeIssuer(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "one"})))
		iss.cacheControl = "public, max-age=0"
		// max-age=0 is clamped up to MinRefresh: the set is fetched again
		// then, not before.
		ks := newJWKS(t, fakeIssuerURL, &JWKSOptions{Client: iss.client(), MinRefresh: time.Minute, MaxRefresh: time.Hour, UnknownKIDInterval: time.Hour})
		iss.set(jwksDoc(jwk(&k.rsa2.PublicKey, map[string]any{"kid": "two"})), http.StatusOK)
		time.Sleep(time.Minute - time.Millisecond)
		synctest.Wait()
		if ks.holds("two") || iss.requests.Load() != 1 {
			t.Fatalf("refreshed before MinRefresh (%d fetches)", iss.requests.Load())
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if !ks.holds("two") || ks.holds("one") || iss.requests.Load() != 2 {
			t.Fatalf("not refreshed at MinRefresh (%d fetches)", iss.requests.Load())
		}
	})
}

// Unchanged keys keep their identity across refreshes, so cached tokens stay
// cached.
func TestJWKSRefreshKeepsKeyIdentity(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
	ks := newJWKS(t, srv.URL, nil)
	before, _ := ks.Key(context.Background(), "a", "RS256")
	if err := ks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := ks.Key(context.Background(), "a", "RS256")
	if !sameKey(before, after) {
		t.Fatal("refresh replaced an unchanged key")
	}
}

func TestJWKSEndpointDownKeepsLastGoodSet(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
	var errs []error
	var mu sync.Mutex
	ks := newJWKS(t, srv.URL, &JWKSOptions{OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks; o.CacheSize = -1 })
	tok := sign(t, jwt.SigningMethodRS256, k.rsa, "a", claims(nil))
	for _, tc := range []struct {
		name   string
		doc    []byte
		status int
	}{
		{"500", nil, http.StatusInternalServerError},
		{"not JSON", []byte("<html>"), http.StatusOK},
		{"no keys", jwksDoc(), http.StatusOK},
		{"only unusable keys", jwksDoc(map[string]any{"kty": "RSA", "kid": "x", "n": "AQAB", "e": "AQAB"}), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.set(tc.doc, tc.status)
			if err := ks.Refresh(context.Background()); err == nil {
				t.Fatal("refresh succeeded")
			}
			if _, err := v.Validate(bearerRequest(tok)); err != nil {
				t.Fatalf("last good set lost: %v", err)
			}
		})
	}
	srv.Close()
	if err := ks.Refresh(context.Background()); err == nil {
		t.Fatal("refresh from a closed server succeeded")
	}
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatalf("last good set lost: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) < 5 {
		t.Fatalf("OnError saw %d errors", len(errs))
	}
}

// TestJWKSUnavailableUntilFirstLoad: a set whose first fetch failed answers
// 503 key_set_unavailable, and is retried within a second, not after
// MinRefresh.
func TestJWKSUnavailableUntilFirstLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := fixtures()
		iss := newFakeIssuer([]byte("down"))
		iss.set(nil, http.StatusServiceUnavailable)
		ks := newJWKS(t, fakeIssuerURL, &JWKSOptions{Client: iss.client(), MinRefresh: time.Hour})
		v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks })
		tok := sign(t, jwt.SigningMethodRS256, k.rsa, "a", claims(nil))
		_, err := v.Validate(bearerRequest(tok))
		if e, ok := AsError(err); !ok || e.Status != http.StatusServiceUnavailable || e.Code != CodeKeySetUnavailable {
			t.Fatalf("got %v", err)
		}
		synctest.Wait() // the on-demand fetch Validate started, still failing
		iss.set(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})), http.StatusOK)
		time.Sleep(firstRetry)
		synctest.Wait()
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatalf("not loaded by the first retry: %v", err)
		}
	})
}

// TestJWKSUnknownKIDStorm: 1,000 concurrent requests with made-up kids cause
// one refetch, and while that refetch hangs, requests for a known kid keep
// succeeding.
func TestJWKSUnknownKIDStorm(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "good"})))
	ks := newJWKS(t, srv.URL, &JWKSOptions{UnknownKIDInterval: time.Hour})
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks; o.CacheSize = -1 })
	good := sign(t, jwt.SigningMethodRS256, k.rsa, "good", claims(nil))

	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	srv.mu.Lock()
	srv.block, srv.blocked = release, blocked
	srv.mu.Unlock()

	const storm = 1000
	var wg sync.WaitGroup
	results := make(chan string, storm)
	for i := range storm {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The signature is never checked: the kid is unknown.
			tok := signRaw(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"alg": "RS256", "kid": fmt.Sprint("made-up-", i)}, claims(nil))
			_, err := v.Validate(bearerRequest(tok))
			results <- code(err)
		}()
	}
	<-blocked // the one refetch is now hanging in the issuer
	for range 20 {
		if _, err := v.Validate(bearerRequest(good)); err != nil {
			t.Fatalf("valid request during the refetch: %v", err)
		}
	}
	close(release)
	wg.Wait()
	close(results)
	for c := range results {
		if c != CodeUnknownKey {
			t.Fatalf("storm request got %q", c)
		}
	}
	if got := srv.requests.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2 (load + one refetch)", got)
	}
	// A second wave within the interval causes no fetch at all.
	for i := range storm {
		if _, err := ks.Key(context.Background(), fmt.Sprint("again-", i), "RS256"); !errors.Is(err, ErrUnknownKey) {
			t.Fatal(err)
		}
	}
	if got := srv.requests.Load(); got != 2 {
		t.Fatalf("%d fetches after the second wave, want 2", got)
	}
}

// A caller waiting for an unknown-kid refetch gives up with its own context
// without cancelling the fetch for others.
func TestJWKSUnknownKIDCallerContext(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
	ks := newJWKS(t, srv.URL, &JWKSOptions{UnknownKIDInterval: time.Hour})
	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	srv.mu.Lock()
	srv.block, srv.blocked = release, blocked
	srv.doc = jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"}), jwk(&k.rsa2.PublicKey, map[string]any{"kid": "b"}))
	srv.mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := ks.Key(ctx, "b", "RS256"); done <- err }()
	<-blocked
	other := make(chan error)
	go func() { _, err := ks.Key(context.Background(), "b", "RS256"); other <- err }()
	cancel()
	if err := <-done; !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(release)
	if err := <-other; err != nil {
		t.Fatalf("other caller: %v", err)
	}
}

func TestParseJWKS(t *testing.T) {
	k := fixtures()
	weak := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 1023), E: 65537}
	weak.N.Add(weak.N, big.NewInt(1))
	secret := []byte(strings.Repeat("s", 32))
	good := jwk(&k.rsa.PublicKey, map[string]any{"kid": "good"})
	tests := []struct {
		name     string
		keys     []map[string]any
		allowSym bool
		wantKIDs []string // kept, in order
	}{
		{"use enc skipped", []map[string]any{good, jwk(&k.rsa2.PublicKey, map[string]any{"kid": "enc", "use": "enc"})}, false, []string{"good"}},
		{"key_ops without verify skipped", []map[string]any{good, jwk(&k.rsa2.PublicKey, map[string]any{"kid": "ops", "key_ops": []string{"encrypt"}})}, false, []string{"good"}},
		{"oct skipped by default", []map[string]any{good, jwk(secret, map[string]any{"kid": "oct"})}, false, []string{"good"}},
		{"oct allowed", []map[string]any{good, jwk(secret, map[string]any{"kid": "oct"})}, true, []string{"good", "oct"}},
		{"short oct skipped", []map[string]any{good, jwk(secret[:31], map[string]any{"kid": "oct"})}, true, []string{"good"}},
		{"1024-bit RSA skipped", []map[string]any{good, jwk(weak, map[string]any{"kid": "weak"})}, false, []string{"good"}},
		{"duplicate kid dropped", []map[string]any{good, jwk(&k.rsa.PublicKey, map[string]any{"kid": "dup"}), jwk(&k.rsa2.PublicKey, map[string]any{"kid": "dup"})}, false, []string{"good"}},
		{"unknown kty skipped", []map[string]any{good, {"kty": "XYZ", "kid": "x"}}, false, []string{"good"}},
		{"X25519 skipped", []map[string]any{good, {"kty": "OKP", "crv": "X25519", "kid": "x", "x": b64(make([]byte, 32))}}, false, []string{"good"}},
		{"unsupported alg skipped", []map[string]any{good, jwk(&k.rsa2.PublicKey, map[string]any{"kid": "oaep", "alg": "RSA-OAEP"})}, false, []string{"good"}},
		{"alg not fitting the key skipped", []map[string]any{good, jwk(&k.ec.PublicKey, map[string]any{"kid": "ec", "alg": "ES384"})}, false, []string{"good"}},
		{"private members skipped: the key has leaked", []map[string]any{good, jwk(&k.ec.PublicKey, map[string]any{"kid": "ec", "d": b64(k.ec.D.Bytes())})}, false, []string{"good"}},
		{"KTY in upper case skipped", []map[string]any{good, renamed(jwk(&k.rsa2.PublicKey, map[string]any{"kid": "upper"}), "kty", "KTY")}, false, []string{"good"}},
		{"N in upper case skipped", []map[string]any{good, renamed(jwk(&k.rsa2.PublicKey, map[string]any{"kid": "upper"}), "n", "N")}, false, []string{"good"}},
		{"Kelvin sign for k skipped", []map[string]any{good, renamed(jwk(secret, map[string]any{"kid": "kelvin"}), "k", "\u212a")}, true, []string{"good"}},
		{"padded base64 skipped", []map[string]any{good, jwk(k.ed.Public(), map[string]any{"kid": "ed", "x": b64(k.ed.Public().(ed25519.PublicKey)) + "="})}, false, []string{"good"}},
		{"RSA n with a leading zero skipped", []map[string]any{good, withMember(jwk(&k.rsa2.PublicKey, map[string]any{"kid": "zero"}), "n", b64(append([]byte{0}, k.rsa2.N.Bytes()...)))}, false, []string{"good"}},
		{"unusable key's kid still ambiguous", []map[string]any{good, jwk(&k.rsa2.PublicKey, map[string]any{"kid": "good", "use": "enc"})}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, _, err := parseJWKS(jwksDoc(tt.keys...), tt.allowSym)
			if err != nil && tt.wantKIDs != nil {
				t.Fatal(err)
			}
			var kids []string
			for _, e := range entries {
				kids = append(kids, e.kid)
				if _, isPriv := e.key.(*ecdsa.PrivateKey); isPriv {
					t.Fatal("kept a private key")
				}
			}
			if fmt.Sprint(kids) != fmt.Sprint(tt.wantKIDs) {
				t.Fatalf("kept %v, want %v", kids, tt.wantKIDs)
			}
		})
	}
	dup := `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"` + b64(k.ed.Public().(ed25519.PublicKey)) + `","kid":"b"}]}`
	for _, bad := range []string{``, `[]`, `{}`, `{"keys":{}}`, `{"keys":[]}`, `{"keys":[1,"x",null]}`, dup, "{\"keys\":[],\"x\":\"\xff\"}"} {
		if _, _, err := parseJWKS([]byte(bad), true); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// withMember returns j with member name set to v.
func withMember(j map[string]any, name string, v any) map[string]any {
	j[name] = v
	return j
}

// renamed returns j with member from renamed to.
func renamed(j map[string]any, from, to string) map[string]any {
	j[to] = j[from]
	delete(j, from)
	return j
}

func TestMaxAge(t *testing.T) {
	for _, tt := range []struct {
		cc   string
		want time.Duration
	}{
		{"", -1},
		{"public", -1},
		{"max-age=300", 300 * time.Second},
		{"public, MAX-AGE=60, must-revalidate", time.Minute},
		{`max-age="120"`, 2 * time.Minute},
		{"max-age=-5", -1},
		{"max-age=abc", -1},
		{"no-store", 0},
		{"max-age=600, no-cache", 0},
		{"max-age=99999999999", 365 * 24 * time.Hour},
	} {
		t.Run(tt.cc, func(t *testing.T) {
			if got := maxAge(tt.cc); got != tt.want {
				t.Fatalf("maxAge(%q) = %v, want %v", tt.cc, got, tt.want)
			}
		})
	}
	s := &JWKSet{minRefresh: time.Minute, maxRefresh: time.Hour}
	for _, tt := range []struct{ in, want time.Duration }{{-1, time.Hour}, {0, time.Minute}, {5 * time.Minute, 5 * time.Minute}, {48 * time.Hour, time.Hour}} {
		if got := s.clampRefresh(tt.in); got != tt.want {
			t.Errorf("clampRefresh(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestJWKSRetryBackoff(t *testing.T) {
	s := &JWKSet{minRefresh: 10 * time.Second}
	// Exponential, capped at MinRefresh, with jitter in [d/2, d].
	ceilings := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, ceiling := range ceilings {
		s.failures = i + 1
		for range 20 {
			if d := s.retryDelay(); d < ceiling/2 || d > ceiling {
				t.Fatalf("failure %d: delay %v outside [%v, %v]", s.failures, d, ceiling/2, ceiling)
			}
		}
	}
}

func TestJWKSOptionsValidation(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  string
		opts *JWKSOptions
	}{
		{"relative URL", "/jwks.json", nil},
		{"ftp URL", "ftp://example.com/jwks", nil},
		{"garbage URL", "://", nil},
		{"negative timeout", "https://example.com/jwks", &JWKSOptions{Timeout: -1}},
		{"max below min", "https://example.com/jwks", &JWKSOptions{MinRefresh: time.Hour, MaxRefresh: time.Minute}},
		{"plain HTTP to a remote host", "http://issuer.example/jwks.json", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if ks, err := JWKS(tt.url, tt.opts); err == nil {
				_ = ks.Close()
				t.Fatal("accepted")
			}
		})
	}
}

func TestJWKSRedaction(t *testing.T) {
	srv := newJWKSServer(t, []byte("x"))
	srv.set(nil, http.StatusInternalServerError)
	var seen []string
	var mu sync.Mutex
	u := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/jwks?api_key=topsecret"
	ks := newJWKS(t, u, &JWKSOptions{OnError: func(err error) { mu.Lock(); seen = append(seen, err.Error()); mu.Unlock() }})
	srv.Close()
	_ = ks.Refresh(context.Background())
	mu.Lock()
	defer mu.Unlock()
	seen = append(seen, fmt.Sprint(ks), fmt.Sprintf("%#v", ks), fmt.Sprintf("%+v", ks))
	if len(seen) < 4 {
		t.Fatalf("seen %v", seen)
	}
	for _, s := range seen {
		if strings.Contains(s, "hunter2") || strings.Contains(s, "topsecret") {
			t.Fatalf("secret in %q", s)
		}
	}
}

func TestJWKSCloseAndContext(t *testing.T) {
	k := fixtures()
	srv := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
	ctx, cancel := context.WithCancel(context.Background())
	ks, err := JWKS(srv.URL, &JWKSOptions{Context: ctx, MinRefresh: time.Millisecond, MaxRefresh: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	// After the context ends, keys are still served and Close returns.
	if _, err := ks.Key(context.Background(), "a", "RS256"); err != nil {
		t.Fatal(err)
	}
	if err := ks.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ks.Close(); err != nil {
		t.Fatal(err)
	}
	// An unknown kid after Close does not start a fetch.
	before := srv.requests.Load()
	if _, err := ks.Key(context.Background(), "zzz", "RS256"); !errors.Is(err, ErrUnknownKey) {
		t.Fatal(err)
	}
	if srv.requests.Load() != before {
		t.Fatal("fetched after Close")
	}
}

func TestJWKSPlainHTTP(t *testing.T) {
	// Not fetched (the address is reserved for documentation), only checked.
	ks, err := JWKS("http://192.0.2.1:1/jwks.json", &JWKSOptions{AllowInsecureHTTP: true, Timeout: time.Millisecond, MinRefresh: time.Hour})
	if err != nil {
		t.Fatalf("AllowInsecureHTTP: %v", err)
	}
	_ = ks.Close()

	// A redirect from the https key set to plain HTTP on another host is
	// refused (the key set stays unavailable rather than taking those keys).
	k := fixtures()
	plain := newJWKSServer(t, jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
	target := strings.Replace(plain.URL, "127.0.0.1", "127.0.0.1.nip.invalid", 1)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	}))
	defer tlsSrv.Close()
	var errs []error
	var mu sync.Mutex
	set := newJWKS(t, tlsSrv.URL, &JWKSOptions{Client: tlsSrv.Client(), MinRefresh: time.Hour, OnError: func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}})
	if _, err := set.Key(context.Background(), "a", "RS256"); !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("err = %v, want ErrKeySetUnavailable", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "plain-HTTP") {
		t.Fatalf("errors = %v, want the refused redirect", errs)
	}
}

// A set that never loaded tries again when asked for a key, instead of
// waiting for its next scheduled retry, and without making the caller wait.
func TestJWKSNeverLoadedFetchesOnDemand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := fixtures()
		iss := newFakeIssuer([]byte("down"))
		iss.set(nil, http.StatusServiceUnavailable)
		ks := newJWKS(t, fakeIssuerURL, &JWKSOptions{Client: iss.client(), MinRefresh: time.Hour, UnknownKIDInterval: time.Hour})
		iss.set(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})), http.StatusOK)
		if _, err := ks.Key(context.Background(), "a", "RS256"); !errors.Is(err, ErrKeySetUnavailable) {
			t.Fatalf("err = %v, want ErrKeySetUnavailable at once", err)
		}
		synctest.Wait() // no time passes: only the fetch Key started runs
		if _, err := ks.Key(context.Background(), "a", "RS256"); err != nil {
			t.Fatalf("after the on-demand fetch: %v", err)
		}
		if n := iss.requests.Load(); n != 2 {
			t.Fatalf("%d fetches, want 2 (the first, then one on demand)", n)
		}
	})
}

// TestJWKSRefreshSharesOneFetch: concurrent Refresh calls share one fetch
// (singleflight), each caller may give up on its own context without
// cancelling it, and after Close nothing is fetched.
func TestJWKSRefreshSharesOneFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := fixtures()
		iss := newFakeIssuer(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"})))
		var ks *JWKSet = newJWKS(t, fakeIssuerURL, &JWKSOptions{Client: iss.client(), MinRefresh: time.Hour})
		gate := make(chan struct{})
		iss.mu.Lock()
		iss.gate = gate
		iss.mu.Unlock()

		const callers = 100
		errs := make(chan error, callers)
		for range callers {
			go func() { errs <- ks.Refresh(context.Background()) }()
		}
		ctx, cancel := context.WithCancel(context.Background())
		impatient := make(chan error, 1)
		go func() { impatient <- ks.Refresh(ctx) }()
		synctest.Wait() // every caller waits on the one blocked fetch
		if n := iss.requests.Load(); n != 2 {
			t.Fatalf("%d fetches, want 2 (the first, then one shared)", n)
		}
		cancel()
		if err := <-impatient; !errors.Is(err, context.Canceled) {
			t.Fatalf("impatient caller: %v", err)
		}
		close(gate)
		for range callers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := iss.requests.Load(); n != 2 {
			t.Fatalf("%d fetches after release, want 2", n)
		}
		if err := ks.Close(); err != nil {
			t.Fatal(err)
		}
		if err := ks.Refresh(context.Background()); !errors.Is(err, errClosed) || iss.requests.Load() != 2 {
			t.Fatalf("Refresh after Close: %v, %d fetches", err, iss.requests.Load())
		}
	})
}
