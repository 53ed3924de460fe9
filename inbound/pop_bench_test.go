package inbound

import (
	"crypto"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkProofOfPossession measures the per-request cost of the binding
// checks on a token answered by the verified-token cache:
//
//   - cached-bearer: the baseline, no binding;
//   - cached-certbound: CertificateBound with the TLS leaf (a SHA-256 of
//     the certificate's DER and a compare);
//   - cached-dpop-ES256 / -EdDSA: DPoP, a new proof per request (strict
//     parse, signature verification, thumbprint, claims, replay cache).
//
// The proofs are signed before the timer starts.
func BenchmarkProofOfPossession(b *testing.B) {
	pk := popFixtures()
	b.Run("cached-bearer", func(b *testing.B) {
		v := newTestValidator(b, nil)
		tok := boundToken(b, nil)
		r := bearerRequest(tok)
		benchValidate(b, v, func(int) *http.Request { return r })
	})
	b.Run("cached-certbound", func(b *testing.B) {
		v := newTestValidator(b, func(o *JWTOptions) { o.CertificateBound = true })
		der := string(make([]byte, 1200)) // a typical leaf's size
		r := withCert(bearerRequest(boundToken(b, x5t(der))), der)
		benchValidate(b, v, func(int) *http.Request { return r })
	})
	// The floor: verifying one ES256 signature, which every proof costs.
	b.Run("es256-verify-only", func(b *testing.B) {
		tok := boundToken(b, nil)
		proof := makeProof(b, pk.ec, "", proofClaims(tok), nil)
		i := strings.LastIndexByte(proof, '.')
		sig, _ := base64.RawURLEncoding.DecodeString(proof[i+1:])
		m := newAlgorithm("ES256")
		input := []byte(proof[:i])
		b.ReportAllocs()
		for b.Loop() {
			if err := m.verify(input, sig, &pk.ec.PublicKey); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, k := range []struct {
		name string
		key  crypto.Signer
	}{{"ES256", pk.ec}, {"EdDSA", fixtures().ed}} {
		b.Run("cached-dpop-"+k.name, func(b *testing.B) {
			v := newTestValidator(b, func(o *JWTOptions) {
				o.DPoP = &DPoPOptions{Replay: NewReplayCache(&ReplayCacheOptions{Size: 1 << 22, Now: fixedClock})}
			})
			tok := boundToken(b, map[string]any{"jkt": thumbprint(b, k.key)})
			reqs := make([]*http.Request, b.N)
			for i := range reqs {
				reqs[i] = dpopRequest(tok, makeProof(b, k.key, "", proofClaims(tok), nil))
			}
			benchValidate(b, v, func(i int) *http.Request { return reqs[i] })
		})
	}
}

func benchValidate(b *testing.B, v Validator, req func(i int) *http.Request) {
	b.Helper()
	if _, err := v.Validate(req(0)); err != nil { // fills the cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i < b.N; i++ {
		if _, err := v.Validate(req(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHostileRefusal compares the refusal of hostile inputs with the
// refusal of an ordinary forged token (an RS256 token whose signature does
// not verify), in one run:
//
//   - forged-RS256: the floor;
//
//   - dpop-rsa-20000-bit: a DPoP-bound (cached) token with a proof whose jwk
//     is a 20,000-bit RSA "key" of random bytes, under the 8 KiB proof limit;
//
//   - dpop-other-key: a proof by a valid key that is not the token's
//     cnf.jkt, with a garbage signature;
//
//   - xff-1MiB, forwarded-1MiB: a 1 MiB forwarding header of trusted hops
//     from a trusted proxy.
//
//     go test -run '^$' -bench 'BenchmarkHostileRefusal' -count 6 ./inbound/
func BenchmarkHostilePoPRefusal(b *testing.B) {
	k, pk := fixtures(), popFixtures()
	refuse := func(b *testing.B, v Validator, r *http.Request) {
		b.Helper()
		if _, err := v.Validate(r); err == nil {
			b.Fatal("accepted")
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Validate(r); err == nil {
				b.Fatal("accepted")
			}
		}
	}
	b.Run("forged-RS256", func(b *testing.B) {
		tok := sign(b, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil))
		i := strings.LastIndexByte(tok, '.')
		sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
		sig[0] ^= 1
		refuse(b, newTestValidator(b, nil), bearerRequest(tok[:i+1]+base64.RawURLEncoding.EncodeToString(sig)))
	})
	dpop := func(b *testing.B, proof func(tok string) string) {
		v := dpopValidator(b, nil)
		tok := boundToken(b, map[string]any{"jkt": thumbprint(b, pk.ec)})
		if _, err := v.Validate(dpopRequest(tok, makeProof(b, pk.ec, "", proofClaims(tok), nil))); err != nil {
			b.Fatal(err) // the token is cached now, as a leaked one would be
		}
		r := dpopRequest(tok, proof(tok))
		if len(r.Header.Get("DPoP")) > MaxDPoPProofSize {
			b.Fatal("proof over the size limit")
		}
		refuse(b, v, r)
	}
	b.Run("dpop-rsa-20000-bit", func(b *testing.B) {
		dpop(b, func(tok string) string { return rsaJWKProof(b, tok, hugeModulus(20000), 65537) })
	})
	b.Run("dpop-other-key", func(b *testing.B) {
		dpop(b, func(tok string) string { return rsaJWKProof(b, tok, k.rsa2.N.Bytes(), 65537) })
	})
	ipv, err := IPAllowlist(prefixes("192.0.2.0/24"), &IPOptions{TrustedProxies: prefixes("10.0.0.0/8")})
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range []struct{ name, header, entry string }{
		{"xff-1MiB", "X-Forwarded-For", "10.0.0.3"},
		{"forwarded-1MiB", "Forwarded", "for=10.0.0.3"},
	} {
		b.Run(h.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = "10.0.0.1:443"
			r.Header.Set(h.header, strings.Repeat(h.entry+", ", (1<<20)/(len(h.entry)+2)))
			refuse(b, ipv, r)
		})
	}
}
