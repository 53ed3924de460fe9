package jose

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"hash"
	"math/big"
	"strings"
	"testing"
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

// TestVerifyHMAC checks the pooled HMAC against crypto/hmac, for keys
// shorter and longer than the hash's block.
func TestVerifyHMAC(t *testing.T) {
	for _, tc := range []struct {
		alg string
		h   func() hash.Hash
	}{{"HS256", sha256.New}, {"HS384", sha512.New384}, {"HS512", sha512.New}} {
		for _, keyLen := range []int{32, 64, 65, 128, 129, 300} {
			key := []byte(strings.Repeat("k", keyLen))
			for _, msg := range []string{"", "a.b", strings.Repeat("x", 1000)} {
				m := hmac.New(tc.h, key)
				m.Write([]byte(msg))
				sig := m.Sum(nil)
				if !verifyHMAC(newHMACPool(LookupAlgorithm(tc.alg).Hash), key, []byte(msg), sig) {
					t.Fatalf("%s key %d msg %d: valid MAC refused", tc.alg, keyLen, len(msg))
				}
				sig[len(sig)-1] ^= 1
				if verifyHMAC(newHMACPool(LookupAlgorithm(tc.alg).Hash), key, []byte(msg), sig) {
					t.Fatalf("%s: altered MAC accepted", tc.alg)
				}
				if verifyHMAC(newHMACPool(LookupAlgorithm(tc.alg).Hash), key, []byte(msg), sig[:len(sig)-1]) {
					t.Fatalf("%s: short MAC accepted", tc.alg)
				}
			}
		}
	}
}

// TestHMACVerifierKeyChanges: the prepared pads follow the key in use, for
// keys shorter and longer than the block, switching back and forth.
func TestHMACVerifierKeyChanges(t *testing.T) {
	for _, tc := range []struct {
		alg string
		h   func() hash.Hash
	}{{"HS256", sha256.New}, {"HS384", sha512.New384}, {"HS512", sha512.New}} {
		hv := newHMACVerifier(LookupAlgorithm(tc.alg).Hash)
		keys := [][]byte{[]byte(strings.Repeat("a", 64)), []byte(strings.Repeat("b", 200)), []byte(strings.Repeat("a", 64))}
		for round := range 3 {
			for i, key := range keys {
				m := hmac.New(tc.h, key)
				m.Write([]byte("input"))
				sig := m.Sum(nil)
				if !hv.verify(key, []byte("input"), sig) {
					t.Fatalf("%s round %d key %d: valid MAC refused", tc.alg, round, i)
				}
				other := keys[(i+1)%2]
				if hv.verify(other, []byte("input"), sig) && string(other) != string(key) {
					t.Fatalf("%s: MAC accepted under another key", tc.alg)
				}
			}
		}
	}
}
