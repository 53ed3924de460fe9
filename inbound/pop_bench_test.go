package inbound

import (
	"crypto"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
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
