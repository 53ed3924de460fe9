package inbound

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseJWKS fuzzes the JWK Set parser with documents an issuer (or a
// man in the middle of a plain-http fetch) could serve.
func FuzzParseJWKS(f *testing.F) {
	k := fixtures()
	f.Add(jwksDoc(jwk(&k.rsa.PublicKey, map[string]any{"kid": "a", "alg": "RS256"}), jwk(&k.ec.PublicKey, map[string]any{"kid": "b"})))
	f.Add(jwksDoc(jwk(k.ed.Public(), map[string]any{"kid": "ed", "use": "sig"}), jwk(k.hmac, map[string]any{"kid": "h"})))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","x5c":["AAAA"]}]}`))
	f.Add([]byte(`{"keys":null}`))
	if data, err := os.ReadFile(filepath.Join("testdata", "wycheproof", "json_web_key_test.json")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, allowSym := range []bool{false, true} {
			entries, _, err := parseJWKS(doc, allowSym)
			if err != nil {
				if entries != nil {
					t.Fatal("entries with error")
				}
				continue
			}
			seen := map[string]bool{}
			for _, e := range entries {
				if _, err := checkKey(e.key); err != nil {
					t.Fatalf("kept a key that fails checkKey: %v", err)
				}
				if e.alg != "" && !keyFitsAlg(e.key, e.alg) {
					t.Fatalf("kept a key unfit for its alg %q", e.alg)
				}
				if keyKind(e.key) == "oct" && !allowSym {
					t.Fatal("kept an oct key with AllowSymmetric off")
				}
				if e.kid != "" && seen[e.kid] {
					t.Fatalf("duplicate kid %q kept", e.kid)
				}
				seen[e.kid] = true
			}
			newKeyMap(entries) // must not panic
		}
	})
}
