package inbound

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"
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
//   - first-sight-stream: 4096 distinct tokens through a cache of 256, which
//     the stream fills and then keeps evicting from: first sight with a full
//     cache. A token's entry survives the 3840 insertions until its turn
//     comes again with probability (1-1/256)^3840 < 1e-6, so every call is
//     a miss;
//   - first-sight-nocache: the 64 tokens with the cache off (CacheSize -1),
//     which isolates what the cache's insertion costs on a miss;
//   - repeated: one token, answered by the verified-token cache;
//   - golang-jwt, golang-jwt-stream: jwt.Parse of the same 64 and 4096
//     tokens.
//
// Compare first-sight-stream with golang-jwt-stream:
//
//	go test -run '^$' -bench 'BenchmarkValidate$/.*/(first-sight-stream|golang-jwt-stream)' -count 6 ./inbound/
func BenchmarkValidate(b *testing.B) {
	for _, a := range benchAlgs() {
		few := sync.OnceValue(func() []string { return benchTokens(b, a, 64) })
		many := sync.OnceValue(func() []string { return benchTokens(b, a, 4096) })
		b.Run(a.name+"/first-sight", func(b *testing.B) {
			benchValidator(b, few(), 1)
		})
		b.Run(a.name+"/first-sight-stream", func(b *testing.B) {
			benchValidator(b, many(), 256)
		})
		b.Run(a.name+"/first-sight-nocache", func(b *testing.B) {
			benchValidator(b, few(), -1)
		})
		b.Run(a.name+"/golang-jwt", func(b *testing.B) {
			benchGolangJWT(b, a, few())
		})
		b.Run(a.name+"/golang-jwt-stream", func(b *testing.B) {
			benchGolangJWT(b, a, many())
		})
		b.Run(a.name+"/repeated", func(b *testing.B) {
			v := newTestValidator(b, nil)
			r := bearerRequest(few()[0])
			if _, err := v.Validate(r); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Validate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchTokens signs n distinct tokens.
func benchTokens(b *testing.B, a benchAlg, n int) []string {
	toks := make([]string, n)
	for i := range toks {
		toks[i] = sign(b, a.method, a.signKey, a.kid, claims(map[string]any{"jti": fmt.Sprint(i), "scope": "read write"}))
	}
	return toks
}

// benchValidator validates toks in turn with a cache of cacheSize entries.
func benchValidator(b *testing.B, toks []string, cacheSize int) {
	reqs := make([]*http.Request, len(toks))
	for i, tok := range toks {
		reqs[i] = bearerRequest(tok)
	}
	v := newTestValidator(b, func(o *JWTOptions) { o.CacheSize = cacheSize })
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := v.Validate(reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchGolangJWT parses toks in turn with golang-jwt and the same checks.
func benchGolangJWT(b *testing.B, a benchAlg, toks []string) {
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

// BenchmarkCryptoFloor is the signature check alone, on the same signing
// input: the hash and the primitive, nothing else. First sight of an RS256 or
// ES256 token should cost this plus about the HS256 first-sight cost (the
// parsing).
func BenchmarkCryptoFloor(b *testing.B) {
	k := fixtures()
	tok := benchTokens(b, benchAlgs()[0], 1)[0]
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	digest := sha256.Sum256(input)
	rsaSig, err := rsa.SignPKCS1v15(rand.Reader, k.rsa, crypto.SHA256, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	ecSig, err := ecdsa.SignASN1(rand.Reader, k.ec, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	mac := hmac.New(sha256.New, k.hmac)
	mac.Write(input)
	hsSig := mac.Sum(nil)
	b.Run("HS256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := hmac.New(sha256.New, k.hmac)
			m.Write(input)
			if !hmac.Equal(m.Sum(nil), hsSig) {
				b.Fatal("unequal")
			}
		}
	})
	b.Run("RS256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := sha256.Sum256(input)
			if err := rsa.VerifyPKCS1v15(&k.rsa.PublicKey, crypto.SHA256, d[:], rsaSig); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ES256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := sha256.Sum256(input)
			if !ecdsa.VerifyASN1(&k.ec.PublicKey, d[:], ecSig) {
				b.Fatal("invalid")
			}
		}
	})
}
