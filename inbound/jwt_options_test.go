package inbound

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestBearerJWTTypes: explicit typing (RFC 8725 §3.11) with Types.
func TestBearerJWTTypes(t *testing.T) {
	k := fixtures()
	tok := func(typ string) string {
		h := map[string]any{"alg": "HS256", "kid": "hmac"}
		if typ != "" {
			h["typ"] = typ
		}
		return signRaw(t, jwt.SigningMethodHS256, k.hmac, h, claims(nil))
	}
	tests := []struct {
		name  string
		types []string
		typ   string
		ok    bool
	}{
		{"at+jwt", []string{"at+jwt"}, "at+jwt", true},
		{"case-insensitive", []string{"at+jwt"}, "AT+JWT", true},
		{"application/ prefix on the token", []string{"at+jwt"}, "application/at+jwt", true},
		{"Application/ prefix in another case", []string{"at+jwt"}, "Application/At+JWT", true},
		{"application/ prefix in the option", []string{"application/at+jwt"}, "at+jwt", true},
		{"one of several", []string{"JWT", "at+jwt"}, "jwt", true},
		{"another type", []string{"at+jwt"}, "JWT", false},
		{"an ID token's type", []string{"at+jwt"}, "id_token+jwt", false},
		{"no typ", []string{"at+jwt"}, "", false},
		{"prefix alone", []string{"at+jwt"}, "application/", false},
		{"nil Types: any", nil, "whatever", true},
		{"nil Types: none", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newTestValidator(t, func(o *JWTOptions) { o.Types = tt.types })
			_, err := v.Validate(bearerRequest(tok(tt.typ)))
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := AsError(err); !ok || e.Code != CodeInvalidToken || e.Description != "the token's type is not accepted" {
				t.Fatalf("got %v, want invalid_token for the type", err)
			}
		})
	}
}

// TestBearerJWTIssuersAudiences: several accepted issuers and audiences,
// alongside Issuer and Audience.
func TestBearerJWTIssuersAudiences(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) {
		o.Issuer, o.Issuers = "https://a.example", []string{"https://b.example"}
		o.Audience, o.Audiences = "api", []string{"api2", "api3"}
	})
	only := newTestValidator(t, func(o *JWTOptions) {
		o.Issuer, o.Issuers = "", []string{"https://c.example"}
		o.Audience, o.Audiences = "", []string{"api4"}
	})
	tests := []struct {
		name string
		v    *jwtValidator
		iss  any
		aud  any
		code string
	}{
		{"Issuer", v, "https://a.example", "api", ""},
		{"one of Issuers", v, "https://b.example", "api", ""},
		{"one of Audiences", v, "https://a.example", "api3", ""},
		{"aud array with one of Audiences", v, "https://a.example", []string{"x", "api2"}, ""},
		{"unknown issuer", v, "https://c.example", "api", CodeInvalidIssuer},
		{"issuer differing in case", v, "https://B.example", "api", CodeInvalidIssuer},
		{"unknown audience", v, "https://a.example", "api4", CodeInvalidAudience},
		{"aud array without ours", v, "https://a.example", []string{"x", "y"}, CodeInvalidAudience},
		{"only Issuers and Audiences", only, "https://c.example", "api4", ""},
		{"only Issuers: Issuer unset is not a wildcard", only, "https://a.example", "api4", CodeInvalidIssuer},
		{"missing iss", v, nil, "api", CodeInvalidIssuer},
		{"missing aud", v, "https://a.example", nil, CodeInvalidAudience},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"iss": tt.iss, "aud": tt.aud}))
			if _, err := tt.v.Validate(bearerRequest(tok)); code(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
		})
	}
}

func TestBearerJWTListOptionsValidation(t *testing.T) {
	ks := staticTestKeys(t)
	for name, o := range map[string]JWTOptions{
		"empty issuer in Issuers":     {Issuers: []string{"https://a.example", ""}},
		"empty audience in Audiences": {Audiences: []string{""}},
		"empty type":                  {Types: []string{"at+jwt", ""}},
	} {
		t.Run(name, func(t *testing.T) {
			o.Keys, o.Algorithms = ks, []string{"HS256"}
			if _, err := BearerJWT(o); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// TestInsufficientScopeNamesScopes: the 403 carries the required scopes for
// the challenge, on first sight and from the cache.
func TestInsufficientScopeNamesScopes(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, func(o *JWTOptions) { o.RequiredScopes = []string{"payments:write", "read"} })
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(map[string]any{"scope": "read"}))
	for _, round := range []string{"first sight", "cached"} {
		_, err := v.Validate(bearerRequest(tok))
		e, ok := AsError(err)
		if !ok || e.Status != 403 || e.Code != CodeInsufficientScope || e.Scope != "payments:write read" {
			t.Fatalf("%s: got %+v", round, e)
		}
	}
}

// TestBearerJWTAlgorithmsWithoutStaticKey: an allowlist that no static key
// can serve would refuse every token, so it is a construction error naming
// the algorithms; an allowlist with at least one served algorithm, or a key
// set that can change (any other KeySet), is accepted.
func TestBearerJWTAlgorithmsWithoutStaticKey(t *testing.T) {
	k := fixtures()
	set := func(keys map[string]any) KeySet {
		t.Helper()
		ks, err := StaticKeys(keys)
		if err != nil {
			t.Fatal(err)
		}
		return ks
	}
	hmacOnly := set(map[string]any{"h": k.hmac})
	ecOnly := set(map[string]any{"e": &k.ec.PublicKey})
	dynamic := keySetFunc(func(context.Context, string, string) (any, error) { return nil, ErrUnknownKey })
	tests := []struct {
		name string
		keys KeySet
		algs []string
		want []string // in the error; nil means accepted
	}{
		{"HMAC keys, RS256", hmacOnly, []string{"RS256"}, []string{"RS256", "oct"}},
		{"HMAC keys, RS256 and ES256", hmacOnly, []string{"RS256", "ES256"}, []string{"RS256, ES256"}},
		{"P-256 key, ES384 and ES512", ecOnly, []string{"ES384", "ES512"}, []string{"ES384, ES512", "EC"}},
		{"HMAC keys, HS256 and RS256", hmacOnly, []string{"HS256", "RS256"}, nil},
		{"P-256 key, ES256", ecOnly, []string{"ES256"}, nil},
		{"other key set, RS256", dynamic, []string{"RS256"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := BearerJWT(JWTOptions{Keys: tt.keys, Algorithms: tt.algs})
			if tt.want == nil {
				if err != nil || v == nil {
					t.Fatalf("BearerJWT = %v, %v; want accepted", v, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || v != nil {
				t.Fatalf("BearerJWT = %v, %v; want an ErrInvalidConfig", v, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}
