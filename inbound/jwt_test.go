package inbound

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestBearerJWTAttacks is the table of attacks and edge cases of issue 4, at
// the validator level (the adapters run the same table through HTTP).
func TestBearerJWTAttacks(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	valid := sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil))
	parts := strings.Split(valid, ".")

	tamperedPayload := b64([]byte(`{"iss":"https://issuer.example","aud":"api","sub":"admin","exp":1800000000}`))

	tests := []struct {
		name   string
		header []string // Authorization values; nil means none
		token  string   // used as "Bearer <token>" when header is nil
		status int
		code   string
		desc   string // the expected Description, when set
	}{
		{name: "valid RS256", token: valid, status: 200},
		{name: "valid ES256", token: sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(nil)), status: 200},
		{name: "valid EdDSA", token: sign(t, jwt.SigningMethodEdDSA, k.ed, "ed", claims(nil)), status: 200},
		{name: "valid HS256", token: sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil)), status: 200},
		{name: "alg none", token: signNone(claims(nil), "rsa"), status: 401, code: CodeInvalidToken},
		{name: "alg none no signature segment", token: strings.TrimSuffix(signNone(claims(nil), "rsa"), "."), status: 401, code: CodeInvalidToken},
		{name: "HS256 signed with the RSA public key bytes", token: sign(t, jwt.SigningMethodHS256, k.rsaPubB, "rsa", claims(nil)), status: 401, code: CodeInvalidToken},
		{name: "wrong-type key for kid (ES256 token, RSA kid)", token: sign(t, jwt.SigningMethodES256, k.ec, "rsa", claims(nil)), status: 401, code: CodeInvalidToken},
		{name: "expired", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": testNow.Add(-time.Second).Unix()})), status: 401, code: CodeTokenExpired},
		{name: "expires now", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": testNow.Unix()})), status: 401, code: CodeTokenExpired},
		{name: "nbf in the future", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"nbf": testNow.Add(time.Minute).Unix()})), status: 401, code: CodeTokenNotYetValid},
		{name: "wrong issuer", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"iss": "https://evil.example"})), status: 401, code: CodeInvalidIssuer},
		{name: "missing issuer", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"iss": nil})), status: 401, code: CodeInvalidIssuer},
		{name: "wrong audience string", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": "other"})), status: 401, code: CodeInvalidAudience},
		{name: "wrong audience array", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": []string{"other", "more"}})), status: 401, code: CodeInvalidAudience},
		{name: "audience array containing ours", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": []string{"other", "api"}})), status: 200},
		{name: "unknown kid", token: sign(t, jwt.SigningMethodRS256, k.rsa, "nope", claims(nil)), status: 401, code: CodeUnknownKey},
		{name: "missing exp", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": nil})), status: 401, code: CodeInvalidToken},
		{name: "exp as string", token: sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": "1800000000"})), status: 401, code: CodeInvalidToken},
		{name: "tampered payload", token: parts[0] + "." + tamperedPayload + "." + parts[2], status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped signature bit (first)", token: flipSignatureBit(t, valid, 0), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped signature bit (middle)", token: flipSignatureBit(t, valid, 1000), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped signature bit (last)", token: flipSignatureBit(t, valid, 2047), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped ES256 signature bit", token: flipSignatureBit(t, sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(nil)), 300), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped EdDSA signature bit", token: flipSignatureBit(t, sign(t, jwt.SigningMethodEdDSA, k.ed, "ed", claims(nil)), 7), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "flipped HS256 signature bit", token: flipSignatureBit(t, sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil)), 255), status: 401, code: CodeInvalidToken, desc: "the token's signature is invalid"},
		{name: "four segments", token: valid + ".e30", status: 401, code: CodeInvalidToken},
		{name: "two segments", token: parts[0] + "." + parts[1], status: 401, code: CodeInvalidToken},
		{name: "garbage", token: "not-a-jwt", status: 401, code: CodeInvalidToken},
		{name: "padded base64", token: parts[0] + "=." + parts[1] + "." + parts[2], status: 401, code: CodeInvalidToken},
		{name: "standard base64 alphabet", token: strings.ReplaceAll(strings.ReplaceAll(valid, "-", "+"), "_", "/"), status: 401, code: CodeInvalidToken},
		{name: "newline inside", token: parts[0] + ".\n" + parts[1] + "." + parts[2], status: 401, code: CodeInvalidToken},
		{name: "embedded jwk header (attacker key)", token: embeddedJWKToken(t), status: 401, code: CodeInvalidToken},
		{name: "jku header ignored", token: signRaw(t, jwt.SigningMethodRS256, k.rsa, map[string]any{"alg": "RS256", "kid": "rsa", "jku": "https://evil.example/jwks"}, claims(nil)), status: 200},
		{name: "unknown crit", token: signRaw(t, jwt.SigningMethodRS256, k.rsa, map[string]any{"alg": "RS256", "kid": "rsa", "crit": []string{"exp"}, "exp": 1}, claims(nil)), status: 401, code: CodeInvalidToken},
		{name: "alg not in allowlist", token: sign(t, jwt.SigningMethodRS384, k.rsa, "rsa", claims(nil)), status: 401, code: CodeInvalidToken},
		{name: "kid not a string", token: signRaw(t, jwt.SigningMethodRS256, k.rsa, map[string]any{"alg": "RS256", "kid": 7}, claims(nil)), status: 401, code: CodeInvalidToken},
		{name: "header not an object", token: b64([]byte(`[1]`)) + "." + parts[1] + "." + parts[2], status: 401, code: CodeInvalidToken},
		{name: "200 KiB header", header: []string{"Bearer " + strings.Repeat("a", 200<<10)}, status: 401, code: CodeInvalidToken},
		{name: "lowercase bearer", header: []string{"bearer " + valid}, status: 200},
		{name: "uppercase BEARER", header: []string{"BEARER " + valid}, status: 200},
		{name: "two Authorization headers", header: []string{"Bearer " + valid, "Bearer " + valid}, status: 400, code: CodeInvalidRequest},
		{name: "Basic scheme", header: []string{"Basic dXNlcjpwYXNz"}, status: 401, code: CodeMissingToken},
		{name: "no Authorization", header: []string{}, status: 401, code: CodeMissingToken},
		{name: "Bearer without token", header: []string{"Bearer"}, status: 400, code: CodeInvalidRequest},
		{name: "Bearer with spaces only", header: []string{"Bearer    "}, status: 400, code: CodeInvalidRequest},
		{name: "empty header", header: []string{""}, status: 401, code: CodeMissingToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			switch {
			case tt.header != nil:
				r.Header["Authorization"] = tt.header
			default:
				r.Header.Set("Authorization", "Bearer "+tt.token)
			}
			p, err := v.Validate(r)
			if tt.status == 200 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if p.Subject != "user-1" || p.Scheme != "Bearer" {
					t.Fatalf("principal %+v", p)
				}
				return
			}
			if p != nil {
				t.Fatalf("principal %+v with error expected", p)
			}
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("error %v is not *Error", err)
			}
			if e.Status != tt.status || e.Code != tt.code {
				t.Fatalf("got %d %s (%v), want %d %s", e.Status, e.Code, err, tt.status, tt.code)
			}
			if tt.desc != "" && e.Description != tt.desc {
				t.Fatalf("refused for %q, want %q", e.Description, tt.desc)
			}
			wantChallenge := ChallengeBearerError
			if tt.code == CodeMissingToken {
				wantChallenge = ChallengeBearer
			}
			if e.Challenge != wantChallenge {
				t.Fatalf("challenge %v, want %v", e.Challenge, wantChallenge)
			}
			// The token is never echoed.
			if tok := tt.token; len(tok) > 8 && strings.Contains(err.Error(), tok[len(tok)-8:]) {
				t.Fatalf("error echoes the token: %v", err)
			}
		})
	}
}

func signNone(c jwt.MapClaims, kid string) string {
	h := b64([]byte(`{"alg":"none","kid":"` + kid + `"}`))
	p, _ := jwt.NewWithClaims(jwt.SigningMethodNone, c).SigningString()
	return h + "." + strings.Split(p, ".")[1] + "."
}

// embeddedJWKToken is signed by an attacker's own Ed25519 key, which it embeds
// in its header with the kid of a real key: the validator must ignore the jwk.
func embeddedJWKToken(t *testing.T) string {
	pub, priv, _ := ed25519.GenerateKey(nil)
	return signRaw(t, jwt.SigningMethodEdDSA, priv, map[string]any{
		"alg": "EdDSA", "kid": "ed",
		"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub)},
	}, claims(nil))
}

func TestBearerJWTPrincipal(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	tok := sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(map[string]any{
		"scope": "read write  read",
		"scp":   []string{"admin", "write"},
	}))
	p, err := v.Validate(bearerRequest(tok))
	if err != nil {
		t.Fatal(err)
	}
	want := &Principal{Subject: "user-1", Scheme: "Bearer", KeyID: "ec", Scopes: []string{"read", "write", "admin"}}
	got := *p
	got.Claims = nil
	if !reflect.DeepEqual(&got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if p.Claims["iss"] != "https://issuer.example" {
		t.Fatalf("claims %v", p.Claims)
	}
}

func TestBearerJWTScopes(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) { o.RequiredScopes = []string{"payments:write", "read"} })
	tests := []struct {
		name  string
		extra map[string]any
		code  string
	}{
		{"scope string", map[string]any{"scope": "read payments:write"}, ""},
		{"scp array", map[string]any{"scp": []string{"payments:write", "read"}}, ""},
		{"scp string", map[string]any{"scp": "payments:write read"}, ""},
		{"split between scope and scp", map[string]any{"scope": "read", "scp": []string{"payments:write"}}, ""},
		{"missing one", map[string]any{"scope": "read"}, CodeInsufficientScope},
		{"none", nil, CodeInsufficientScope},
		{"scope not a string", map[string]any{"scope": []string{"read"}}, CodeInvalidToken},
		{"scp with a number", map[string]any{"scp": []any{"read", 1}}, CodeInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(tt.extra))
			for range 2 { // the second time comes from the cache
				_, err := v.Validate(bearerRequest(tok))
				if got := code(err); got != tt.code {
					t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
				}
				if tt.code == CodeInsufficientScope {
					e, _ := AsError(err)
					if e.Status != http.StatusForbidden || e.BearerError() != "insufficient_scope" {
						t.Fatalf("got %+v", e)
					}
				}
			}
		})
	}
}

func TestBearerJWTLeewayAndOptionalExp(t *testing.T) {
	k := fixtures()
	tests := []struct {
		name  string
		mod   func(*JWTOptions)
		extra map[string]any
		code  string
	}{
		{"expired within leeway", func(o *JWTOptions) { o.Leeway = time.Minute }, map[string]any{"exp": testNow.Add(-30 * time.Second).Unix()}, ""},
		{"expired beyond leeway", func(o *JWTOptions) { o.Leeway = time.Minute }, map[string]any{"exp": testNow.Add(-90 * time.Second).Unix()}, CodeTokenExpired},
		{"nbf within leeway", func(o *JWTOptions) { o.Leeway = time.Minute }, map[string]any{"nbf": testNow.Add(30 * time.Second).Unix()}, ""},
		{"nbf beyond leeway", func(o *JWTOptions) { o.Leeway = time.Minute }, map[string]any{"nbf": testNow.Add(90 * time.Second).Unix()}, CodeTokenNotYetValid},
		{"no exp when optional", func(o *JWTOptions) { o.ExpOptional = true }, map[string]any{"exp": nil}, ""},
		{"fractional exp, rounded down", nil, map[string]any{"exp": float64(testNow.Unix()) + 0.5}, CodeTokenExpired},
		{"fractional exp, a second later", nil, map[string]any{"exp": float64(testNow.Unix()) + 1.5}, ""},
		{"fractional nbf, rounded up", nil, map[string]any{"nbf": float64(testNow.Unix()) + 0.5}, CodeTokenNotYetValid},
		{"fractional nbf, a second earlier", nil, map[string]any{"nbf": float64(testNow.Unix()) - 0.5}, ""},
		{"huge exp", nil, map[string]any{"exp": 1e300}, CodeInvalidToken},
		{"exp past 2262", nil, map[string]any{"exp": 1e10}, CodeInvalidToken},
		{"aud array with a number", nil, map[string]any{"aud": []any{"api", 7}}, CodeInvalidAudience},
		{"iat not a number", nil, map[string]any{"iat": "yesterday"}, CodeInvalidToken},
		{"sub not a string", nil, map[string]any{"sub": 42}, CodeInvalidToken},
		{"no issuer configured", func(o *JWTOptions) { o.Issuer = "" }, map[string]any{"iss": "anyone"}, ""},
		{"no audience configured", func(o *JWTOptions) { o.Audience = "" }, map[string]any{"aud": nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newTestValidator(t, tt.mod)
			_, err := v.Validate(bearerRequest(sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(tt.extra))))
			if got := code(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
		})
	}
}

func TestBearerJWTKeySetErrors(t *testing.T) {
	k := fixtures()
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"unavailable", ErrKeySetUnavailable, 503, CodeKeySetUnavailable},
		{"other failure", fmt.Errorf("database down"), 503, CodeKeySetUnavailable},
		{"unknown", fmt.Errorf("wrapped: %w", ErrUnknownKey), 401, CodeUnknownKey},
		{"wrong type", ErrWrongKeyType, 401, CodeInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newTestValidator(t, func(o *JWTOptions) {
				o.Keys = keySetFunc(func(context.Context, string, string) (any, error) { return nil, tt.err })
			})
			_, err := v.Validate(bearerRequest(tok))
			e, ok := AsError(err)
			if !ok || e.Status != tt.status || e.Code != tt.code {
				t.Fatalf("got %v", err)
			}
			if tt.status == 503 && (e.Challenge != ChallengeNone || !errors.Is(err, ErrKeySetUnavailable)) {
				t.Fatalf("503 error %+v", e)
			}
		})
	}
}

// A faulty KeySet that hands out an HMAC secret for an RS256 token cannot
// make the validator use it: the HS/RS confusion is impossible by construction.
func TestBearerJWTFaultyKeySetNoConfusion(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) {
		o.Keys = keySetFunc(func(context.Context, string, string) (any, error) { return k.rsaPubB, nil })
		o.Algorithms = []string{"RS256", "HS256"}
	})
	forged := signRaw(t, jwt.SigningMethodHS256, k.rsaPubB, map[string]any{"alg": "RS256", "kid": "rsa"}, claims(nil))
	if _, err := v.Validate(bearerRequest(forged)); code(err) != CodeInvalidToken {
		t.Fatalf("got %v", err)
	}
}

type keySetFunc func(ctx context.Context, kid, alg string) (any, error)

func (f keySetFunc) Key(ctx context.Context, kid, alg string) (any, error) { return f(ctx, kid, alg) }

func TestBearerJWTOptionsValidation(t *testing.T) {
	ks := staticTestKeys(t)
	tests := []struct {
		name string
		opts JWTOptions
	}{
		{"no keys", JWTOptions{Algorithms: []string{"RS256"}}},
		{"no algorithms", JWTOptions{Keys: ks}},
		{"none", JWTOptions{Keys: ks, Algorithms: []string{"RS256", "none"}}},
		{"NONE", JWTOptions{Keys: ks, Algorithms: []string{"NONE"}}},
		{"unknown algorithm", JWTOptions{Keys: ks, Algorithms: []string{"RS257"}}},
		{"lowercase algorithm", JWTOptions{Keys: ks, Algorithms: []string{"rs256"}}},
		{"negative leeway", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, Leeway: -time.Second}},
		{"negative max size", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, MaxTokenSize: -1}},
		{"empty scope", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, RequiredScopes: []string{""}}},
		{"scope with space", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, RequiredScopes: []string{"a b"}}},
		{"scope with non-ASCII", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, RequiredScopes: []string{"admin\u00a0x"}}},
		{"leeway over MaxLeeway", JWTOptions{Keys: ks, Algorithms: []string{"RS256"}, Leeway: MaxLeeway + 1}},
		// The set's 44-byte secret fits HS256 only: with HS384 or HS512 alone
		// every request would fail.
		{"secret too short for HS384", JWTOptions{Keys: ks, Algorithms: []string{"HS384"}}},
		{"secret too short for HS512", JWTOptions{Keys: ks, Algorithms: []string{"RS256", "HS512"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := BearerJWT(tt.opts)
			if err == nil || v != nil {
				t.Fatalf("BearerJWT accepted %+v", tt.opts)
			}
			if !strings.HasPrefix(err.Error(), "inbound: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %q does not wrap ErrInvalidConfig", err)
			}
		})
	}
	// ES384 and ES512 alone have no key in the set (its EC key is on P-256).
	for _, alg := range []string{"HS256", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "EdDSA"} {
		if _, err := BearerJWT(JWTOptions{Keys: ks, Algorithms: []string{alg}}); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
}

func TestBearerJWTMaxTokenSize(t *testing.T) {
	k := fixtures()
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"pad": strings.Repeat("x", 600)}))
	v := newTestValidator(t, func(o *JWTOptions) { o.MaxTokenSize = len(tok) - 1 })
	if _, err := v.Validate(bearerRequest(tok)); code(err) != CodeInvalidToken {
		t.Fatalf("got %v", err)
	}
	v = newTestValidator(t, func(o *JWTOptions) { o.MaxTokenSize = len(tok) })
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatal(err)
	}
}

// Without kid, the set's only key of the algorithm's type is used.
func TestBearerJWTNoKid(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	for _, tc := range []struct {
		name string
		tok  string
		code string
		kid  string
	}{
		{"RS256 only RSA key", sign(t, jwt.SigningMethodRS256, k.rsa, "", claims(nil)), "", "rsa"},
		{"ES256 only P-256 key", sign(t, jwt.SigningMethodES256, k.ec, "", claims(nil)), "", "ec"},
		{"HS256 only secret", sign(t, jwt.SigningMethodHS256, k.hmac, "", claims(nil)), "", "hmac"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := v.Validate(bearerRequest(tc.tok))
			if code(err) != tc.code {
				t.Fatalf("got %v", err)
			}
			if p.KeyID != tc.kid {
				t.Fatalf("KeyID %q, want the name of the key used, %q", p.KeyID, tc.kid)
			}
		})
	}
	two, err := StaticKeys(map[string]any{"a": &k.rsa.PublicKey, "b": &k.rsa2.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	v = newTestValidator(t, func(o *JWTOptions) { o.Keys = two })
	if _, err := v.Validate(bearerRequest(sign(t, jwt.SigningMethodRS256, k.rsa, "", claims(nil)))); code(err) != CodeUnknownKey {
		t.Fatalf("two RSA keys, no kid: got %v", err)
	}
}

// The algorithm, issuer and audience are checked before any key lookup, so
// foreign tokens never reach the KeySet (nor cause a JWKS refetch).
func TestBearerJWTChecksBeforeKeyLookup(t *testing.T) {
	k := fixtures()
	var lookups int
	v := newTestValidator(t, func(o *JWTOptions) {
		o.Keys = keySetFunc(func(context.Context, string, string) (any, error) { lookups++; return nil, ErrUnknownKey })
	})
	for _, tc := range []struct {
		name, tok, code string
	}{
		{"issuer", sign(t, jwt.SigningMethodHS256, k.hmac, "x", claims(map[string]any{"iss": "https://evil.example"})), CodeInvalidIssuer},
		{"audience", sign(t, jwt.SigningMethodHS256, k.hmac, "x", claims(map[string]any{"aud": "other"})), CodeInvalidAudience},
		{"algorithm", sign(t, jwt.SigningMethodHS512, k.hmac, "x", claims(nil)), CodeInvalidToken},
		{"crit", signRaw(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"alg": "HS256", "kid": "x", "crit": []string{"b64"}, "b64": false}, claims(nil)), CodeInvalidToken},
		{"missing exp", sign(t, jwt.SigningMethodHS256, k.hmac, "x", claims(map[string]any{"exp": nil})), CodeInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookups = 0
			if _, err := v.Validate(bearerRequest(tc.tok)); code(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if lookups != 0 {
				t.Fatalf("%d key lookups", lookups)
			}
		})
	}
}

func TestScopes(t *testing.T) {
	k := fixtures()
	many := make([]string, maxScopes+1)
	for i := range many {
		many[i] = fmt.Sprintf("s%d", i)
	}
	tests := []struct {
		name       string
		claims     map[string]any
		wantCode   string
		wantScopes []string
	}{
		{"space separated", map[string]any{"scope": "read  write read"}, "", []string{"read", "write"}},
		{"scp array and string", map[string]any{"scp": []any{"a", "b", "a"}, "scope": "c"}, "", []string{"c", "a", "b"}},
		// Only the space character separates scopes (RFC 6749 §3.3): a
		// no-break space must not split "read admin" into a grant of "admin".
		{"no-break space", map[string]any{"scope": "read\u00a0admin"}, CodeInvalidToken, nil},
		{"next line in scp", map[string]any{"scp": "read\u0085admin"}, CodeInvalidToken, nil},
		{"tab", map[string]any{"scope": "read\tadmin"}, CodeInvalidToken, nil},
		{"quote", map[string]any{"scp": []any{`a"b`}}, CodeInvalidToken, nil},
		{"too many", map[string]any{"scope": strings.Join(many, " ")}, CodeInvalidToken, nil},
		{"just enough", map[string]any{"scope": strings.Join(many[:maxScopes], " ")}, "", many[:maxScopes]},
	}
	v := newTestValidator(t, func(o *JWTOptions) { o.CacheSize = -1 })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(tt.claims))
			p, err := v.Validate(bearerRequest(tok))
			if code(err) != tt.wantCode {
				t.Fatalf("err = %v, want code %q", err, tt.wantCode)
			}
			if err == nil && !slices.Equal(p.Scopes, tt.wantScopes) {
				t.Fatalf("scopes = %q, want %q", p.Scopes, tt.wantScopes)
			}
		})
	}
	v = newTestValidator(t, func(o *JWTOptions) { o.RequiredScopes = []string{"admin"} })
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"scope": "read\u2003admin"}))
	if _, err := v.Validate(bearerRequest(tok)); err == nil {
		t.Fatal("an em space granted the admin scope")
	}
}
