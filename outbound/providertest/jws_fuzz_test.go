package providertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// FuzzVerifyJWS feeds arbitrary compact JWS to the fakes' check of DPoP
// proofs and assertions: it never panics, and whatever it accepts verifies
// under the key it returns.
func FuzzVerifyJWS(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	jwk, _ := jose.JWK(&key.PublicKey)
	proof, _ := jose.Sign(key, "ES256", []byte(`{"typ":"dpop+jwt","alg":"ES256","jwk":`+string(jwk)+`}`), []byte(`{"jti":"a","htm":"POST","htu":"https://x/","iat":1}`))
	for _, s := range []string{proof, "a.b.c", "..", proof + "x", "eyJhbGciOiJFUzI1NiJ9.e30.AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		for _, k := range []any{nil, &key.PublicKey} {
			hdr, claims, pub, err := verifyJWS(tok, k, "ES256", "RS256", "EdDSA")
			if err != nil {
				continue
			}
			alg, _ := hdr["alg"].(string)
			if hdr == nil || claims == nil || pub == nil {
				t.Fatal("accepted without header, claims or key")
			}
			if _, _, err := jose.Verify(tok, alg, pub); err != nil {
				t.Fatalf("accepted, but does not verify: %v", err)
			}
		}
	})
}
