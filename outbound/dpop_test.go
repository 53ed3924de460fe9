package outbound

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

type proofClaims struct {
	Jti, Htm, Htu, Ath, Nonce string
	Iat                       int64
}

func newProver(t *testing.T, now time.Time) (*DPoPProver, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p, err := NewDPoPProver(key, &DPoPProverOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return p, key
}

// readProof verifies a proof with key and returns its claims.
func readProof(t *testing.T, proof string, key *ecdsa.PrivateKey) proofClaims {
	t.Helper()
	h, p, err := jose.Verify(proof, "ES256", key.Public())
	if err != nil {
		t.Fatalf("proof: %v", err)
	}
	var hdr struct {
		Typ, Alg string
		JWK      json.RawMessage
	}
	var c proofClaims
	if json.Unmarshal(h, &hdr) != nil || json.Unmarshal(p, &c) != nil {
		t.Fatal("malformed proof")
	}
	want, _ := jose.JWK(key.Public())
	if hdr.Typ != "dpop+jwt" || hdr.Alg != "ES256" || string(hdr.JWK) != string(want) {
		t.Fatalf("proof header %+v", hdr)
	}
	return c
}

func dpopSource(values ...string) *Source {
	var i atomic.Int32
	return NewSource(FetcherFunc(func(context.Context) (Token, error) {
		n := int(i.Add(1)) - 1
		return Token{Value: values[min(n, len(values)-1)], Type: "DPoP", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
}

func TestDPoPDecorator(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	p, key := newProver(t, now)
	var mu sync.Mutex
	var seen []proofClaims
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := readProof(t, r.Header.Get("DPoP"), key)
		mu.Lock()
		seen = append(seen, c)
		auths = append(auths, r.Header.Get("Authorization"))
		n := len(seen)
		mu.Unlock()
		switch {
		case n == 1: // ask for a nonce
			w.Header().Set("DPoP-Nonce", "n1")
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
			w.WriteHeader(http.StatusUnauthorized)
		case n == 3: // the token was revoked
			w.Header().Set("WWW-Authenticate", `DPoP error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			_, _ = w.Write(b)
		}
	}))
	defer srv.Close()
	rt := Chain(srv.Client().Transport, DPoP(dpopSource("tok-1", "tok-2"), p))
	do := func(body string) string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/pay?id=7#frag", strings.NewReader(body))
		req.Header.Set("X-Caller", "kept")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(got) != body {
			t.Fatalf("status %d, body %q", resp.StatusCode, got)
		}
		if len(req.Header) != 1 {
			t.Fatalf("the caller's request was modified: %v", req.Header)
		}
		return string(got)
	}
	do("first")  // 401 use_dpop_nonce, then a retry with the nonce
	do("second") // 401 invalid_token, then a retry with a new token
	if len(seen) != 4 {
		t.Fatalf("%d requests, want 4", len(seen))
	}
	wantAuth := []string{"DPoP tok-1", "DPoP tok-1", "DPoP tok-1", "DPoP tok-2"}
	wantNonce := []string{"", "n1", "n1", "n1"}
	jtis := map[string]bool{}
	for i, c := range seen {
		tok := strings.TrimPrefix(wantAuth[i], "DPoP ")
		if auths[i] != wantAuth[i] || c.Nonce != wantNonce[i] || c.Htm != "POST" || c.Htu != srv.URL+"/pay" ||
			c.Ath != jose.TokenHash(tok) || c.Iat != now.Unix() || jtis[c.Jti] {
			t.Errorf("request %d: %s %+v", i, auths[i], c)
		}
		jtis[c.Jti] = true
	}
}

func TestDPoPDecoratorNoLoop(t *testing.T) {
	p, _ := newProver(t, time.Now())
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("DPoP-Nonce", "same")
		w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	rt := Chain(srv.Client().Transport, DPoP(dpopSource("tok"), p))
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	// First call: one nonce retry; second: the nonce is known and unchanged,
	// so the 401 is taken as a token problem (one retry, same token: none).
	if got := n.Load(); got != 3 {
		t.Fatalf("%d requests, want 3", got)
	}
}

func TestDPoPDecoratorBearerToken(t *testing.T) {
	p, _ := newProver(t, time.Now())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer plain" || r.Header.Get("DPoP") != "" {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return Token{Value: "plain"}, nil }), nil)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := Chain(srv.Client().Transport, DPoP(src, p)).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestDPoPDecoratorRedirectElsewhere(t *testing.T) {
	p, _ := newProver(t, time.Now())
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "" || r.Header.Get("DPoP") != "" {
			t.Error("credentials followed the redirect to another host")
		}
	}))
	defer other.Close()
	// 127.0.0.1 and localhost are different hosts to net/http.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "DPoP ") || r.Header.Get("DPoP") == "" {
			t.Error("the first request went without credentials")
		}
		http.Redirect(w, r, otherURL+"/x", http.StatusFound)
	}))
	defer first.Close()
	c := &http.Client{Transport: Chain(nil, DPoP(dpopSource("tok"), p))}
	resp, err := c.Get(first.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.CloseIdleConnections()
	if hits.Load() != 1 {
		t.Fatalf("redirect target hit %d times", hits.Load())
	}
}

func TestDPoPProverOptions(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := NewDPoPProver(nil, nil); err == nil {
		t.Error("nil key accepted")
	}
	if _, err := NewDPoPProver(key, &DPoPProverOptions{Algorithm: "RS256"}); err == nil {
		t.Error("RS256 with an EC key accepted")
	}
	if _, err := NewDPoPProver(key, &DPoPProverOptions{Algorithm: "HS256"}); err == nil {
		t.Error("HS256 accepted")
	}
	p, err := NewDPoPProver(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := jose.Thumbprint(key.Public())
	if p.Thumbprint() != want {
		t.Error("Thumbprint")
	}
	if s := fmt.Sprintf("%v %+v", p, p); strings.Contains(s, fmt.Sprint(key.D)) || !strings.Contains(s, want) {
		t.Errorf("printed %q", s)
	}
}

// BenchmarkDPoPDecorator measures the client side's cost per request: a
// fresh token from the Source and a proof signed with ES256, against a
// transport that answers at once; Bearer beside it.
func BenchmarkDPoPDecorator(b *testing.B) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p, err := NewDPoPProver(key, nil)
	if err != nil {
		b.Fatal(err)
	}
	ok := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	})
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
		return Token{Value: "tok", Type: "DPoP", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
	req, _ := http.NewRequest(http.MethodGet, "https://api.example/v1/payments?id=1", nil)
	for name, rt := range map[string]http.RoundTripper{
		"dpop-ES256": Chain(ok, DPoP(src, p)),
		"bearer":     Chain(ok, Bearer(src)),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
			}
		})
	}
}
