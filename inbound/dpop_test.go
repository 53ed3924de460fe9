package inbound

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
	"github.com/golang-jwt/jwt/v5"
)

func dpopValidator(t testing.TB, o *DPoPOptions) *jwtValidator {
	t.Helper()
	if o == nil {
		o = &DPoPOptions{}
	}
	return newTestValidator(t, func(opts *JWTOptions) { opts.DPoP = o })
}

// wantRefusal checks err's code, status, challenge and, for DPoP
// challenges, its error attribute and algs.
func wantRefusal(t *testing.T, err error, code, attr string, challenge Challenge) *Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("err = %v, want *Error %s", err, code)
	}
	if e.Code != code || e.Status != http.StatusUnauthorized || e.Challenge != challenge {
		t.Fatalf("err = %v (status %d, challenge %d), want 401 %s with challenge %d", err, e.Status, e.Challenge, code, challenge)
	}
	if challenge == ChallengeDPoPError {
		if got := e.DPoPError(); got != attr {
			t.Errorf("DPoP error attribute %q, want %q", got, attr)
		}
		if e.DPoPAlgs == "" {
			t.Error("DPoP challenge without algs")
		}
	}
	return e
}

func TestDPoPValid(t *testing.T) {
	k := fixtures()
	for _, tt := range []struct {
		alg string
		key crypto.Signer
	}{
		{"ES256", popFixtures().ec},
		{"PS256", k.rsa2},
		{"RS256", k.rsa2},
		{"EdDSA", k.ed},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			v := dpopValidator(t, nil)
			tok := boundToken(t, map[string]any{"jkt": thumbprint(t, tt.key)})
			p, err := v.Validate(dpopRequest(tok, makeProof(t, tt.key, tt.alg, proofClaims(tok), nil)))
			if err != nil {
				t.Fatal(err)
			}
			if p.Scheme != "DPoP" || p.Subject != "user-1" {
				t.Fatalf("Principal = %+v", p)
			}
			// The token is cached now; a new proof is still required.
			if _, err := v.Validate(dpopRequest(tok, makeProof(t, tt.key, tt.alg, proofClaims(tok), nil))); err != nil {
				t.Fatalf("second request with the cached token: %v", err)
			}
			_, err = v.Validate(dpopRequest(tok))
			wantRefusal(t, err, CodeInvalidDPoPProof, CodeInvalidDPoPProof, ChallengeDPoPError)
		})
	}
}

func TestDPoPRefused(t *testing.T) {
	k, pk := fixtures(), popFixtures()
	jkt := thumbprint(t, pk.ec)
	tok := boundToken(t, map[string]any{"jkt": jkt})
	withClaim := func(name string, value any) string {
		c := proofClaims(tok)
		if value == nil {
			delete(c, name)
		} else {
			c[name] = value
		}
		return makeProof(t, pk.ec, "", c, nil)
	}
	withHeader := func(name string, value any) string {
		return makeProof(t, pk.ec, "", proofClaims(tok), func(h map[string]any) {
			if value == nil {
				delete(h, name)
			} else {
				h[name] = value
			}
		})
	}
	privateJWK := func() string {
		jwk, _ := jose.JWK(pk.ec.Public())
		var m map[string]any
		_ = json.Unmarshal(jwk, &m)
		m["d"] = b64(pk.ec.D.Bytes())
		return withHeader("jwk", m)
	}
	// hs256Proof is a proof MACed with HS256 under some secret.
	hs256Proof := func() string {
		jwk, _ := jose.JWK(pk.ec.Public())
		return signRaw(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"typ": "dpop+jwt", "alg": "HS256", "jwk": json.RawMessage(jwk)}, proofClaims(tok))
	}
	noneProof := func(sig string) string {
		jwk, _ := jose.JWK(pk.ec.Public())
		h, _ := json.Marshal(map[string]any{"typ": "dpop+jwt", "alg": "none", "jwk": json.RawMessage(jwk)})
		c, _ := json.Marshal(proofClaims(tok))
		return b64(h) + "." + b64(c) + "." + sig
	}
	tamperedSig := func() string {
		p := makeProof(t, pk.ec, "", proofClaims(tok), nil)
		i := strings.LastIndexByte(p, '.')
		sig, _ := b64dec(p[i+1:])
		sig[0] ^= 1
		return p[:i+1] + b64(sig)
	}
	rawHeader := func(h string) string {
		c, _ := json.Marshal(proofClaims(tok))
		p, err := jose.Sign(pk.ec, "ES256", []byte(h), c)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	jwk, _ := jose.JWK(pk.ec.Public())
	tests := []struct {
		name   string
		req    *http.Request
		code   string
		reason string
	}{
		{"duplicate header member", dpopRequest(tok, rawHeader(`{"typ":"dpop+jwt","alg":"ES256","alg":"ES256","jwk":`+string(jwk)+`}`)), CodeInvalidDPoPProof, "header is malformed"},
		{"upper-case member name", dpopRequest(tok, rawHeader(`{"typ":"dpop+jwt","ALG":"ES256","jwk":`+string(jwk)+`}`)), CodeInvalidDPoPProof, "algorithm"},
		{"invalid UTF-8 in header", dpopRequest(tok, rawHeader("{\"typ\":\"dpop+jwt\",\"x\":\"\xff\",\"alg\":\"ES256\",\"jwk\":"+string(jwk)+"}")), CodeInvalidDPoPProof, "header is malformed"},
		{"no proof", dpopRequest(tok), CodeInvalidDPoPProof, "exactly one"},
		{"two proofs", dpopRequest(tok, withClaim("jti", "a"), withClaim("jti", "b")), CodeInvalidDPoPProof, "exactly one"},
		{"wrong htm", dpopRequest(tok, withClaim("htm", "POST")), CodeInvalidDPoPProof, "htm"},
		{"lower-case htm", dpopRequest(tok, withClaim("htm", "get")), CodeInvalidDPoPProof, "htm"},
		{"wrong htu path", dpopRequest(tok, withClaim("htu", "https://api.example/v1/other")), CodeInvalidDPoPProof, "htu"},
		{"wrong htu host", dpopRequest(tok, withClaim("htu", "https://evil.example/v1/payments")), CodeInvalidDPoPProof, "htu"},
		{"wrong htu scheme", dpopRequest(tok, withClaim("htu", "http://api.example/v1/payments")), CodeInvalidDPoPProof, "htu"},
		{"relative htu", dpopRequest(tok, withClaim("htu", "/v1/payments")), CodeInvalidDPoPProof, "htu"},
		{"wrong ath", dpopRequest(tok, withClaim("ath", jose.TokenHash(tok+"x"))), CodeInvalidDPoPProof, "ath"},
		{"no ath", dpopRequest(tok, withClaim("ath", nil)), CodeInvalidDPoPProof, "ath"},
		{"stale iat", dpopRequest(tok, withClaim("iat", testNow.Add(-61*time.Second).Unix())), CodeInvalidDPoPProof, "iat"},
		{"future iat", dpopRequest(tok, withClaim("iat", testNow.Add(6*time.Second).Unix())), CodeInvalidDPoPProof, "iat"},
		{"string iat", dpopRequest(tok, withClaim("iat", "1700000000")), CodeInvalidDPoPProof, "iat"},
		{"no jti", dpopRequest(tok, withClaim("jti", nil)), CodeInvalidDPoPProof, "jti"},
		{"long jti", dpopRequest(tok, withClaim("jti", strings.Repeat("j", 257))), CodeInvalidDPoPProof, "jti"},
		{"typ jwt", dpopRequest(tok, withHeader("typ", "JWT")), CodeInvalidDPoPProof, "typ"},
		{"no typ", dpopRequest(tok, withHeader("typ", nil)), CodeInvalidDPoPProof, "typ"},
		{"no jwk", dpopRequest(tok, withHeader("jwk", nil)), CodeInvalidDPoPProof, "no jwk"},
		{"private jwk", dpopRequest(tok, privateJWK()), CodeInvalidDPoPProof, "jwk"},
		{"symmetric jwk", dpopRequest(tok, withHeader("jwk", map[string]any{"kty": "oct", "k": b64(k.hmac)})), CodeInvalidDPoPProof, "jwk"},
		{"crit", dpopRequest(tok, withHeader("crit", []string{"x"})), CodeInvalidDPoPProof, "critical"},
		{"alg none", dpopRequest(tok, noneProof("")), CodeInvalidDPoPProof, "compact"},
		{"alg none with a signature", dpopRequest(tok, noneProof("AA")), CodeInvalidDPoPProof, "algorithm"},
		{"alg HS256", dpopRequest(tok, hs256Proof()), CodeInvalidDPoPProof, "algorithm"},
		{"alg not allowed (ES384)", dpopRequest(tok, makeProof(t, k.ec384, "", proofClaims(tok), nil)), CodeInvalidDPoPProof, "algorithm"},
		{"bad signature", dpopRequest(tok, tamperedSig()), CodeInvalidDPoPProof, "signature"},
		{"jwk of another key than the signer", dpopRequest(tok, makeProof(t, pk.ec2, "", proofClaims(tok), func(h map[string]any) {
			jwk, _ := jose.JWK(pk.ec.Public())
			h["jwk"] = json.RawMessage(jwk)
		})), CodeInvalidDPoPProof, "signature"},
		{"not a JWS", dpopRequest(tok, "a.b"), CodeInvalidDPoPProof, "compact"},
		{"proof key is not cnf.jkt", dpopRequest(tok, makeProof(t, pk.ec2, "", proofClaims(tok), nil)), CodeInvalidToken, "not signed by the key"},
	}
	v := dpopValidator(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(tt.req)
			attr := tt.code
			if tt.code == CodeInvalidToken {
				attr = "invalid_token"
			}
			e := wantRefusal(t, err, tt.code, attr, ChallengeDPoPError)
			if !strings.Contains(e.Description, tt.reason) {
				t.Errorf("description %q does not name %q", e.Description, tt.reason)
			}
		})
	}
	// None of the refused proofs consumed a replay slot: a valid one with
	// a jti used above still passes.
	if _, err := v.Validate(dpopRequest(tok, withClaim("jti", "a"))); err != nil {
		t.Fatalf("valid proof after refusals: %v", err)
	}
}

func b64dec(s string) ([]byte, error) { return jose.B64Decode(s) }

func TestDPoPReplay(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	shared := NewReplayCache(&ReplayCacheOptions{Now: fixedClock})
	v1 := dpopValidator(t, &DPoPOptions{Replay: shared})
	v2 := dpopValidator(t, &DPoPOptions{Replay: shared})
	proof := makeProof(t, pk.ec, "", proofClaims(tok), nil)
	if _, err := v1.Validate(dpopRequest(tok, proof)); err != nil {
		t.Fatal(err)
	}
	_, err := v1.Validate(dpopRequest(tok, proof))
	e := wantRefusal(t, err, CodeInvalidDPoPProof, CodeInvalidDPoPProof, ChallengeDPoPError)
	if !strings.Contains(e.Description, "already used") {
		t.Errorf("description %q", e.Description)
	}
	_, err = v2.Validate(dpopRequest(tok, proof))
	wantRefusal(t, err, CodeInvalidDPoPProof, CodeInvalidDPoPProof, ChallengeDPoPError)

	// A validator with its own cache does not know the proof.
	v3 := dpopValidator(t, nil)
	if _, err := v3.Validate(dpopRequest(tok, proof)); err != nil {
		t.Fatalf("separate cache: %v", err)
	}
}

// TestDPoPReplayAtWindowEnd replays a proof at the last instant its iat is
// accepted, with a clock that does not move: the replay cache must still
// know it.
func TestDPoPReplayAtWindowEnd(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	end := func() time.Time { return testNow.Add(DefaultDPoPWindow) }
	v := newTestValidator(t, func(o *JWTOptions) {
		o.Now = end
		o.DPoP = &DPoPOptions{Replay: NewReplayCache(&ReplayCacheOptions{Now: end})}
	})
	proof := makeProof(t, pk.ec, "", proofClaims(tok), nil) // iat = testNow
	if _, err := v.Validate(dpopRequest(tok, proof)); err != nil {
		t.Fatalf("first use at the window's end: %v", err)
	}
	_, err := v.Validate(dpopRequest(tok, proof))
	wantRefusal(t, err, CodeInvalidDPoPProof, CodeInvalidDPoPProof, ChallengeDPoPError)
}

type failingReplay struct{}

func (failingReplay) Seen(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("redis: connection refused")
}

func TestDPoPReplayCacheDown(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	v := dpopValidator(t, &DPoPOptions{Replay: failingReplay{}})
	_, err := v.Validate(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)))
	if e, ok := AsError(err); !ok || e.Status != http.StatusServiceUnavailable || e.Code != CodeReplayCacheUnavailable {
		t.Fatalf("err = %v", err)
	}
}

func TestDPoPSchemes(t *testing.T) {
	pk := popFixtures()
	bound := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	unbound := boundToken(t, nil)
	v := dpopValidator(t, nil)
	req := dpopValidator(t, &DPoPOptions{Required: true})
	plain := newTestValidator(t, nil)

	t.Run("bound token as Bearer", func(t *testing.T) {
		r := bearerRequest(bound)
		r.Header.Set("DPoP", makeProof(t, pk.ec, "", proofClaims(bound), nil))
		_, err := v.Validate(r)
		wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
	})
	t.Run("bound token as Bearer, cached", func(t *testing.T) {
		if _, err := v.Validate(dpopRequest(bound, makeProof(t, pk.ec, "", proofClaims(bound), nil))); err != nil {
			t.Fatal(err)
		}
		_, err := v.Validate(bearerRequest(bound))
		wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
	})
	t.Run("bound token at a validator without DPoP", func(t *testing.T) {
		_, err := plain.Validate(bearerRequest(bound))
		wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
	})
	t.Run("unbound token with the DPoP scheme", func(t *testing.T) {
		_, err := v.Validate(dpopRequest(unbound, makeProof(t, pk.ec, "", proofClaims(unbound), nil)))
		wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
	})
	t.Run("unbound Bearer token accepted by default", func(t *testing.T) {
		p, err := v.Validate(bearerRequest(unbound))
		if err != nil || p.Scheme != "Bearer" {
			t.Fatalf("Validate = %+v, %v", p, err)
		}
	})
	t.Run("no token", func(t *testing.T) {
		_, err := v.Validate(httptest.NewRequest(http.MethodGet, resourceURL, nil))
		e := wantRefusal(t, err, CodeMissingToken, "", ChallengeBearer)
		if e.DPoPAlgs != "ES256 RS256 PS256 EdDSA" {
			t.Errorf("DPoPAlgs = %q", e.DPoPAlgs)
		}
	})
	t.Run("typ as a full media type", func(t *testing.T) {
		proof := makeProof(t, pk.ec, "", proofClaims(bound), func(h map[string]any) { h["typ"] = "Application/DPoP+JWT" })
		if _, err := v.Validate(dpopRequest(bound, proof)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Required refuses Bearer", func(t *testing.T) {
		_, err := req.Validate(bearerRequest(unbound))
		wantRefusal(t, err, CodeMissingToken, "", ChallengeDPoP)
	})
	t.Run("Required accepts DPoP", func(t *testing.T) {
		if _, err := req.Validate(dpopRequest(bound, makeProof(t, pk.ec, "", proofClaims(bound), nil))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("token error under DPoP keeps its code", func(t *testing.T) {
		expired := sign(t, jwt.SigningMethodRS256, fixtures().rsa, "rsa", claims(map[string]any{"exp": testNow.Add(-time.Hour).Unix(), "cnf": map[string]any{"jkt": thumbprint(t, pk.ec)}}))
		_, err := v.Validate(dpopRequest(expired, makeProof(t, pk.ec, "", proofClaims(expired), nil)))
		wantRefusal(t, err, CodeTokenExpired, "invalid_token", ChallengeDPoPError)
	})
	t.Run("empty DPoP token", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, resourceURL, nil)
		r.Header.Set("Authorization", "DPoP ")
		_, err := v.Validate(r)
		if e, ok := AsError(err); !ok || e.Status != http.StatusBadRequest || e.Challenge != ChallengeDPoPError {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("malformed cnf", func(t *testing.T) {
		tok := sign(t, jwt.SigningMethodRS256, fixtures().rsa, "rsa", claims(map[string]any{"cnf": "jkt"}))
		_, err := v.Validate(bearerRequest(tok))
		wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
	})
}

type testNonces struct{ cur string }

func (n testNonces) Valid(s string) bool { return s == n.cur }
func (n testNonces) Current() string     { return n.cur }

func TestDPoPNonce(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	v := dpopValidator(t, &DPoPOptions{Nonces: testNonces{"n-1"}})
	_, err := v.Validate(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)))
	e := wantRefusal(t, err, CodeUseDPoPNonce, CodeUseDPoPNonce, ChallengeDPoPError)
	if e.DPoPNonce != "n-1" {
		t.Fatalf("DPoPNonce = %q", e.DPoPNonce)
	}
	c := proofClaims(tok)
	c["nonce"] = "n-1"
	if _, err := v.Validate(dpopRequest(tok, makeProof(t, pk.ec, "", c, nil))); err != nil {
		t.Fatal(err)
	}
}

func TestDPoPHTUNormalised(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	tests := []struct {
		name, target, htu, origin string
		ok                        bool
	}{
		{"case and default port", "https://api.example/a~b", "HTTPS://API.Example:443/a%7eb", "", true},
		{"query and fragment ignored", "https://api.example/p?x=1", "https://api.example/p?y=2#f", "", true},
		{"empty path", "https://api.example/", "https://api.example", "", true},
		{"escape case", "https://api.example/a%2fb", "https://api.example/a%2Fb", "", true},
		{"other port", "https://api.example:8443/p", "https://api.example/p", "", false},
		{"http request", "http://api.example/p", "https://api.example/p", "", false},
		{"origin behind a proxy", "http://10.0.0.1:8080/p", "https://api.example/p", "https://api.example", true},
		{"origin refuses the inner URL", "http://10.0.0.1:8080/p", "http://10.0.0.1:8080/p", "https://api.example", false},
		{"userinfo", "https://api.example/p", "https://u@api.example/p", "", false},
		{"dot segments in htu", "https://api.example/v1/pay", "https://api.example/v1/./x/../pay", "", true},
		{"dot segments in request", "https://api.example/v1/x/../pay", "https://api.example/v1/pay", "", true},
		{"escaped dots", "https://api.example/v1/pay", "https://api.example/v1/x/%2E%2e/pay", "", true},
		{"dots cannot climb above root", "https://api.example/pay", "https://api.example/../../pay", "", true},
		{"dot segments elsewhere", "https://api.example/v1/pay", "https://api.example/v1/pay/../other", "", false},
		{"escaped slash is no separator", "https://api.example/a/pay", "https://api.example/a%2Fb/../pay", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := dpopValidator(t, &DPoPOptions{Origin: tt.origin})
			c := proofClaims(tok)
			c["htu"] = tt.htu
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			r.Header.Set("Authorization", "DPoP "+tok)
			r.Header.Set("DPoP", makeProof(t, pk.ec, "", c, nil))
			_, err := v.Validate(r)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestRemoveDotSegments(t *testing.T) {
	// RFC 3986 §5.2.4 and §5.4's examples, as absolute paths.
	for in, want := range map[string]string{
		"/a/b/c/./../../g":    "/a/g",
		"/mid/content=5/../6": "/mid/6",
		"/a/b/c/.":            "/a/b/c/",
		"/a/b/c/..":           "/a/b/",
		"/..":                 "/",
		"/.":                  "/",
		"/../../g":            "/g",
		"/a//../b":            "/a/b",
		"/a/.b/..c/b..":       "/a/.b/..c/b..",
		"/":                   "/",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeHTUHosts(t *testing.T) {
	for in, want := range map[string]string{
		"http://[::1]:80/p":           "http://[::1]/p",
		"https://[2001:DB8::1]:8443/": "https://[2001:db8::1]:8443/",
		"https://10.0.0.1:443":        "https://10.0.0.1/",
		"HTTP://::":                   "", // colons in a host that is no IPv6 literal
		"http://[fe80::1%25eth0]/p":   "", // a zone
		"http://[::ffff:10.0.0.1]/p":  "http://[::ffff:10.0.0.1]/p",
	} {
		got, ok := normalizeHTU(in)
		if got != want || ok != (want != "") {
			t.Errorf("normalizeHTU(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestDPoPConfigErrors(t *testing.T) {
	for name, o := range map[string]DPoPOptions{
		"HS256":        {Algorithms: []string{"HS256"}},
		"none":         {Algorithms: []string{"none"}},
		"unknown":      {Algorithms: []string{"XS1"}},
		"empty":        {Algorithms: []string{}},
		"window":       {Window: -time.Second},
		"origin path":  {Origin: "https://api.example/x"},
		"origin query": {Origin: "ftp://api.example"},
	} {
		t.Run(name, func(t *testing.T) {
			o := o
			_, err := BearerJWT(JWTOptions{Keys: staticTestKeys(t), Algorithms: []string{"RS256"}, DPoP: &o})
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
		})
	}
	// ClientCertProxies alone checks the tokens that are bound to a
	// certificate and accepts unbound ones.
	if _, err := BearerJWT(JWTOptions{Keys: staticTestKeys(t), Algorithms: []string{"RS256"}, ClientCertProxies: prefixes("10.0.0.0/8")}); err != nil {
		t.Fatalf("ClientCertProxies without CertificateBound: %v", err)
	}
	// Every mistake at once, in one flat list.
	_, err := BearerJWT(JWTOptions{Algorithms: []string{"RS256"}, DPoP: &DPoPOptions{Algorithms: []string{"HS256"}, Window: -1}})
	j, ok := err.(interface{ Unwrap() []error })
	if !ok || len(j.Unwrap()) != 3 {
		t.Fatalf("want 3 joined errors, got %v", err)
	}
}

// FuzzDPoPProof fuzzes the proof parser and checks: nothing but
// invalid_dpop_proof, or invalid_token for a key that is not cnf.jkt, comes
// out, and no input panics.
func FuzzDPoPProof(f *testing.F) {
	pk := popFixtures()
	jkt := thumbprint(f, pk.ec)
	tok := boundToken(f, map[string]any{"jkt": jkt})
	f.Add(makeProof(f, pk.ec, "", proofClaims(tok), nil))
	f.Add(makeProof(f, fixtures().ed, "", proofClaims(tok), nil))
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.AA")
	f.Add(b64([]byte(`{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"},"jwk":{}}`)) + ".e30.AA")
	f.Add(b64([]byte(`{"typ":"dpop+jwt","alg":"RS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}`)) + ".e30.AA")
	d, err := newDPoPVerifier(&DPoPOptions{}, fixedClock)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest(http.MethodGet, resourceURL, nil)
		r.Header.Set("DPoP", s)
		_, e := d.check(r, tok, jkt)
		if e != nil && e.Code != CodeInvalidDPoPProof && !(e.Code == CodeInvalidToken && strings.Contains(e.Description, "not signed by the key")) {
			t.Fatalf("code %s", e.Code)
		}
		if e != nil && len(s) > 16 && strings.Contains(e.Error(), s) {
			t.Fatal("error echoes the proof")
		}
	})
}

// FuzzPoPAuthorization fuzzes the Authorization header parse of a validator
// that takes both schemes.
func FuzzPoPAuthorization(f *testing.F) {
	for _, s := range []string{"DPoP abc", "dpop abc", "Bearer abc", "DPoP", "DPoP ", "Basic x", "", "DPoP\ta.b.c", "DPOP  x  "} {
		f.Add(s, "")
		f.Add(s, "DPoP second")
	}
	v := dpopValidator(f, nil)
	f.Fuzz(func(t *testing.T, first, second string) {
		h := http.Header{"Authorization": {first}}
		if second != "" {
			h["Authorization"] = append(h["Authorization"], second)
		}
		scheme, tok, err := v.pop.token(h)
		if err != nil {
			if tok != "" || (err.Status != http.StatusBadRequest && err.Status != http.StatusUnauthorized) {
				t.Fatalf("token %q, status %d", tok, err.Status)
			}
			if len(first) > 12 && strings.Contains(err.Error(), first) {
				t.Fatal("error echoes the header")
			}
			return
		}
		if second != "" || (scheme != "DPoP" && scheme != "Bearer") {
			t.Fatalf("scheme %q from %q, %q", scheme, first, second)
		}
		if tok == "" || tok != strings.Trim(tok, " \t") || !strings.Contains(first, tok) {
			t.Fatalf("token %q from %q", tok, first)
		}
	})
}

// FuzzNormalizeHTU checks the invariants the htu comparison rests on, for
// any string a proof may carry: normalising twice changes nothing (so a
// proof's htu and a request's URI meet in one form), and a normalised URI
// has no dot segment, query or fragment left.
func FuzzNormalizeHTU(f *testing.F) {
	for _, s := range []string{
		"https://api.example/v1/pay", "HTTPS://API.Example:443/a%7eb", "https://api.example/a/./b/../c",
		"http://[::1]:8080/x/%2E%2e/y", "https://api.example/../../p?q=1#f", "https://api.example/a%2Fb/..",
		"https://u@api.example/", "ftp://api.example/", "/relative",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := normalizeHTU(s)
		if !ok {
			return
		}
		again, ok := normalizeHTU(n)
		if !ok || again != n {
			t.Fatalf("normalizeHTU(%q) = %q, but normalizing that gives %q, %v", s, n, again, ok)
		}
		path := n[strings.Index(n, "://")+3:]
		path = path[strings.IndexByte(path, '/'):]
		for _, seg := range strings.Split(path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("normalizeHTU(%q) = %q keeps a dot segment", s, n)
			}
		}
		if strings.ContainsAny(n, "?#") {
			t.Fatalf("normalizeHTU(%q) = %q keeps a query or fragment", s, n)
		}
	})
}

// rsaJWKProof is a proof whose jwk is the RSA key (n, e), with a garbage
// signature: nobody can sign with a key made of random bytes.
func rsaJWKProof(t testing.TB, tok string, n []byte, e int) string {
	t.Helper()
	eb := big.NewInt(int64(e)).Bytes()
	h, _ := json.Marshal(map[string]any{"typ": "dpop+jwt", "alg": "RS256",
		"jwk": map[string]any{"kty": "RSA", "n": b64(n), "e": b64(eb)}})
	c, _ := json.Marshal(proofClaims(tok))
	return b64(h) + "." + b64(c) + "." + b64(make([]byte, len(n)))
}

// hugeModulus is an odd number of bits bits with its top bit set.
func hugeModulus(bits int) []byte {
	n := make([]byte, (bits+7)/8)
	_, _ = rand.Read(n)
	n[0] |= 0x80 >> ((8 - bits%8) % 8)
	n[0] &= 0xff >> ((8 - bits%8) % 8)
	n[len(n)-1] |= 1
	return n
}

// TestDPoPProofKeyBounds: a proof key that would make the signature check
// expensive is refused before any signature work, and a key that is not
// the token's cnf.jkt is refused by its thumbprint, before its signature is
// looked at.
func TestDPoPProofKeyBounds(t *testing.T) {
	pk := popFixtures()
	tok := boundToken(t, map[string]any{"jkt": thumbprint(t, pk.ec)})
	v := dpopValidator(t, nil)
	rsa2 := fixtures().rsa2
	tests := []struct {
		name, proof, code, reason string
	}{
		{"20000-bit RSA key", rsaJWKProof(t, tok, hugeModulus(20000), 65537), CodeInvalidDPoPProof, "header is too large"},
		{"8000-bit RSA key", rsaJWKProof(t, tok, hugeModulus(8000), 65537), CodeInvalidDPoPProof, "jwk is not an acceptable"},
		{"4097-bit RSA key", rsaJWKProof(t, tok, hugeModulus(4097), 65537), CodeInvalidDPoPProof, "jwk is not an acceptable"},
		{"exponent 65539", rsaJWKProof(t, tok, rsa2.N.Bytes(), 65539), CodeInvalidDPoPProof, "jwk is not an acceptable"},
		{"exponent 2^31-1", rsaJWKProof(t, tok, rsa2.N.Bytes(), 1<<31-1), CodeInvalidDPoPProof, "jwk is not an acceptable"},
		// A valid key of another holder and a garbage signature: refused
		// as a key that is not cnf.jkt, not for its signature.
		{"other key, bad signature", rsaJWKProof(t, tok, rsa2.N.Bytes(), 65537), CodeInvalidToken, "not signed by the key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.proof) > MaxDPoPProofSize {
				t.Fatalf("proof of %d bytes", len(tt.proof))
			}
			_, err := v.Validate(dpopRequest(tok, tt.proof))
			attr := tt.code
			if attr == CodeInvalidToken {
				attr = "invalid_token"
			}
			e := wantRefusal(t, err, tt.code, attr, ChallengeDPoPError)
			if !strings.Contains(e.Description, tt.reason) {
				t.Fatalf("description %q, want %q", e.Description, tt.reason)
			}
		})
	}
}

// TestDPoPOriginBehindProxy: DPoP without Origin behind a proxy that
// forwards client certificates is a construction error; with Origin it is
// fine.
func TestDPoPOriginBehindProxy(t *testing.T) {
	opts := func(origin string) JWTOptions {
		return JWTOptions{Keys: staticTestKeys(t), Algorithms: []string{"RS256"}, CertificateBound: true,
			ClientCertProxies: prefixes("10.0.0.0/8"), DPoP: &DPoPOptions{Origin: origin}}
	}
	_, err := BearerJWT(opts(""))
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "Origin") {
		t.Fatalf("without Origin: %v, want ErrInvalidConfig naming Origin", err)
	}
	if _, err := BearerJWT(opts("https://api.example")); err != nil {
		t.Fatalf("with Origin: %v", err)
	}
}
