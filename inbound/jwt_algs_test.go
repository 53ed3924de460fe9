package inbound

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestECDSACheckAgreesWithGolangJWT: over many signatures on each curve,
// the direct check accepts exactly what golang-jwt's method accepts.
func TestECDSACheckAgreesWithGolangJWT(t *testing.T) {
	for _, tc := range []struct {
		alg    string
		curve  elliptic.Curve
		method jwt.SigningMethod
	}{
		{"ES256", elliptic.P256(), jwt.SigningMethodES256},
		{"ES384", elliptic.P384(), jwt.SigningMethodES384},
		{"ES512", elliptic.P521(), jwt.SigningMethodES512},
	} {
		key, err := ecdsa.GenerateKey(tc.curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		a := newAlgorithm(tc.alg)
		for i := range 200 {
			input := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
			sig, err := tc.method.Sign(string(input[:]), key)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 1 {
				sig[i%len(sig)] ^= 1 << (i % 8)
			}
			ours := a.verify(input[:], sig, &key.PublicKey) == nil
			theirs := tc.method.Verify(string(input[:]), sig, &key.PublicKey) == nil
			if ours != theirs || ours != (i%2 == 0) {
				t.Fatalf("%s #%d: ours %v, golang-jwt %v", tc.alg, i, ours, theirs)
			}
		}
	}
}

// TestRSAAndEdDSAChecksAgreeWithGolangJWT: the same for RS*, PS* and EdDSA.
func TestRSAAndEdDSAChecksAgreeWithGolangJWT(t *testing.T) {
	k := fixtures()
	for _, tc := range []struct {
		alg       string
		method    jwt.SigningMethod
		sign, pub any
	}{
		{"RS256", jwt.SigningMethodRS256, k.rsa, &k.rsa.PublicKey},
		{"RS384", jwt.SigningMethodRS384, k.rsa, &k.rsa.PublicKey},
		{"RS512", jwt.SigningMethodRS512, k.rsa, &k.rsa.PublicKey},
		{"PS256", jwt.SigningMethodPS256, k.rsa, &k.rsa.PublicKey},
		{"PS384", jwt.SigningMethodPS384, k.rsa, &k.rsa.PublicKey},
		{"PS512", jwt.SigningMethodPS512, k.rsa, &k.rsa.PublicKey},
		{"EdDSA", jwt.SigningMethodEdDSA, k.ed, k.ed.Public()},
	} {
		a := newAlgorithm(tc.alg)
		for i := range 12 {
			input := []byte{byte(i), 'x'}
			sig, err := tc.method.Sign(string(input), tc.sign)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 1 {
				sig[i*7%len(sig)] ^= 0x40
			}
			ours := a.verify(input, sig, tc.pub) == nil
			theirs := tc.method.Verify(string(input), sig, tc.pub) == nil
			if ours != theirs || ours != (i%2 == 0) {
				t.Fatalf("%s #%d: ours %v, golang-jwt %v", tc.alg, i, ours, theirs)
			}
		}
	}
}
