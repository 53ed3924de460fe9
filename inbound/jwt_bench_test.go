package inbound

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

type benchAlg struct {
	name    string
	method  jwt.SigningMethod
	signKey any
	kid     string
	pubKey  any
}

func benchAlgs() []benchAlg {
	k := fixtures()
	return []benchAlg{
		{"HS256", jwt.SigningMethodHS256, k.hmac, "hmac", k.hmac},
		{"RS256", jwt.SigningMethodRS256, k.rsa, "rsa", &k.rsa.PublicKey},
		{"ES256", jwt.SigningMethodES256, k.ec, "ec", &k.ec.PublicKey},
	}
}

// BenchmarkValidate measures Validate on a request, side by side with
// golang-jwt's own jwt.Parse of the same tokens with the same checks
// (algorithm allowlist, exp required, iss, aud):
//
//   - first-sight: 64 distinct tokens in turn through a cache of one entry,
//     so every call verifies the signature and pays the cache insertion and
//     eviction too;
//   - first-sight-nocache: the same with the cache off (CacheSize -1), which
//     isolates what the cache's insertion costs on a miss;
//   - repeated: one token, answered by the verified-token cache;
//   - golang-jwt: jwt.Parse of the same 64 tokens.
func BenchmarkValidate(b *testing.B) {
	for _, a := range benchAlgs() {
		toks := make([]string, 64)
		reqs := make([]*http.Request, len(toks))
		for i := range toks {
			toks[i] = sign(b, a.method, a.signKey, a.kid, claims(map[string]any{"jti": fmt.Sprint(i), "scope": "read write"}))
			reqs[i] = httptest.NewRequest(http.MethodGet, "/", nil)
			reqs[i].Header.Set("Authorization", "Bearer "+toks[i])
		}
		b.Run(a.name+"/first-sight", func(b *testing.B) {
			v := newTestValidator(b, func(o *JWTOptions) { o.CacheSize = 1 })
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := v.Validate(reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(a.name+"/first-sight-nocache", func(b *testing.B) {
			v := newTestValidator(b, func(o *JWTOptions) { o.CacheSize = -1 })
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := v.Validate(reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(a.name+"/golang-jwt", func(b *testing.B) {
			p := jwt.NewParser(
				jwt.WithValidMethods([]string{a.name}),
				jwt.WithExpirationRequired(),
				jwt.WithIssuer("https://issuer.example"),
				jwt.WithAudience("api"),
				jwt.WithTimeFunc(fixedClock),
			)
			keyFunc := func(*jwt.Token) (any, error) { return a.pubKey, nil }
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := p.Parse(toks[i%len(toks)], keyFunc); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(a.name+"/repeated", func(b *testing.B) {
			v := newTestValidator(b, nil)
			if _, err := v.Validate(reqs[0]); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Validate(reqs[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidateRepeatedParallel checks that cache hits scale across
// cores (read locks on sharded maps).
func BenchmarkValidateRepeatedParallel(b *testing.B) {
	k := fixtures()
	v := newTestValidator(b, nil)
	tok := sign(b, jwt.SigningMethodES256, k.ec, "ec", claims(nil))
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := bearerRequest(tok)
		for pb.Next() {
			if _, err := v.Validate(r); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
