package inbound

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestECDSADER: the raw r||s of a JWS ECDSA signature becomes exactly the DER
// that encoding/asn1 makes of the same integers: leading zeros dropped, a
// zero byte before a set high bit, zero as one zero byte, long-form length
// for P-521.
func TestECDSADER(t *testing.T) {
	full := bytes.Repeat([]byte{0xff}, 66)
	for _, tc := range []struct {
		name string
		r, s []byte
	}{
		{"small", []byte{0, 0, 1}, []byte{0x7f}},
		{"high bit", []byte{0x80, 1}, []byte{0xff, 0xff}},
		{"zero", []byte{0, 0}, []byte{0}},
		{"leading zeros then high bit", []byte{0, 0, 0x90}, []byte{0, 1}},
		{"P-521 sized", full, full},
		{"P-256 sized", full[:32], append([]byte{0}, full[:31]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(tc.r), new(big.Int).SetBytes(tc.s)})
			if err != nil {
				t.Fatal(err)
			}
			if got := ecdsaDER(nil, tc.r, tc.s); !bytes.Equal(got, want) {
				t.Fatalf("got %x\nwant %x", got, want)
			}
		})
	}
}

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
