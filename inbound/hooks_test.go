package inbound

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestOnCache: every token that reaches the cache is reported as a hit or a
// miss; nothing is reported with the cache off.
func TestOnCache(t *testing.T) {
	k := fixtures()
	keys := &mutableKeys{m: map[string]any{"hmac": k.hmac}}
	var got []bool
	v := newTestValidator(t, func(o *JWTOptions) {
		o.Keys, o.Algorithms = keys, []string{"HS256"}
		o.OnCache = func(hit bool) { got = append(got, hit) }
	})
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	for range 3 {
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatal(err)
		}
	}
	// The key is replaced by an equal copy: the entry is dropped, the token
	// verified again (a miss), then cached again.
	keys.set("hmac", append([]byte(nil), k.hmac...))
	for range 2 {
		if _, err := v.Validate(bearerRequest(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if want := []bool{false, true, true, false, true}; !equalBools(got, want) {
		t.Fatalf("OnCache saw %v, want %v", got, want)
	}

	got = nil
	off := newTestValidator(t, func(o *JWTOptions) {
		o.CacheSize = -1
		o.OnCache = func(hit bool) { got = append(got, hit) }
	})
	if _, err := off.Validate(bearerRequest(tok)); err != nil || got != nil {
		t.Fatalf("cache off: %v, OnCache saw %v", err, got)
	}
}

// TestOnCacheCostsNothing: a hit allocates no more with a hook than without.
func TestOnCacheCostsNothing(t *testing.T) {
	k := fixtures()
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	r := bearerRequest(tok)
	var hits int
	for _, hook := range []func(bool){nil, func(hit bool) {
		if hit {
			hits++
		}
	}} {
		v := newTestValidator(t, func(o *JWTOptions) { o.OnCache = hook })
		if _, err := v.Validate(r); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = v.Validate(r) }); n != 0 {
			t.Fatalf("hook %v: %v allocations per hit", hook != nil, n)
		}
	}
	if hits < 100 {
		t.Fatalf("%d hits reported", hits)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestJWKSOnFetch: every fetch, successful or not, is reported with its
// duration and key counts.
func TestJWKSOnFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := fixtures()
		weak := jwk(rsaPub{k.rsa.N, 3}.key(), map[string]any{"kid": "weak"})
		iss := newFakeIssuer(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a"}), weak))
		iss.delay = 2 * time.Second
		var mu sync.Mutex
		var events []JWKSFetch
		ks := newJWKS(t, fakeIssuerURL+"?secret=x", &JWKSOptions{Client: iss.client(), MinRefresh: time.Hour, OnFetch: func(f JWKSFetch) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, f)
		}})
		iss.set(nil, http.StatusServiceUnavailable)
		if err := ks.Refresh(context.Background()); err == nil {
			t.Fatal("refresh from a failing issuer succeeded")
		}
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 2 {
			t.Fatalf("%d events, want 2", len(events))
		}
		ok, failed := events[0], events[1]
		if ok.Err != nil || ok.Keys != 1 || ok.Skipped != 1 || ok.Duration != 2*time.Second || ok.URL != fakeIssuerURL {
			t.Fatalf("success event %+v", ok)
		}
		if failed.Err == nil || failed.Keys != 0 || failed.Duration != 2*time.Second {
			t.Fatalf("failure event %+v", failed)
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("fetch", "jwks", failed)
		if s := buf.String(); !strings.Contains(s, "jwks.keys=0") || !strings.Contains(s, "status 503") || strings.Contains(s, "secret") {
			t.Fatalf("log line %q", s)
		}
	})
}
