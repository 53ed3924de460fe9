package harness

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// cryptoTokens is how many distinct tokens a crypto case cycles through.
const cryptoTokens = 64

// signed is a token split for verification: its signing input and its
// decoded signature (for ES256, re-encoded as ASN.1, so that the case spends
// nothing on the conversion).
type signed struct {
	input, sig []byte
}

// CryptoCases measure signature verification alone, one case per algorithm
// ("crypto/HS256" ...): the HMAC, or the SHA-256 of the signing input and the
// RSA or ECDSA verification, on tokens already split and decoded. It is the
// floor under any JWT validator; what a validator costs above it is parsing
// and allocation.
func CryptoCases(f *Fixture) ([]Case, error) {
	var cases []Case
	for _, alg := range Algorithms() {
		verify, toks, err := cryptoVerifier(f, alg)
		if err != nil {
			return nil, err
		}
		cases = append(cases, Case{Name: "crypto/" + alg, Run: func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := startCPU(b)
			for b.Loop() {
				t := toks[i%len(toks)]
				if !verify(t.input, t.sig) {
					b.Fatalf("crypto/%s: a valid signature failed", alg)
				}
				i++
			}
			cpu.done()
		}})
	}
	return cases, nil
}

// cryptoVerifier returns alg's bare verification and the tokens it checks.
func cryptoVerifier(f *Fixture, alg string) (func(input, sig []byte) bool, []signed, error) {
	k, err := f.alg(alg)
	if err != nil {
		return nil, nil, err
	}
	pool, err := f.pool(alg)
	if err != nil {
		return nil, nil, err
	}
	var toks []signed
	for _, t := range pool[:min(len(pool), cryptoTokens)] {
		s, err := split(t, alg)
		if err != nil {
			return nil, nil, err
		}
		toks = append(toks, s)
	}
	switch key := k.verify.(type) {
	case []byte:
		return func(input, sig []byte) bool {
			m := hmac.New(sha256.New, key)
			m.Write(input)
			return hmac.Equal(m.Sum(nil), sig)
		}, toks, nil
	case *rsa.PublicKey:
		return func(input, sig []byte) bool {
			h := sha256.Sum256(input)
			return rsa.VerifyPKCS1v15(key, crypto.SHA256, h[:], sig) == nil
		}, toks, nil
	case *ecdsa.PublicKey:
		return func(input, sig []byte) bool {
			h := sha256.Sum256(input)
			return ecdsa.VerifyASN1(key, h[:], sig)
		}, toks, nil
	}
	return nil, nil, fmt.Errorf("harness: no verifier for %s", alg)
}

// split returns a compact JWS's signing input and decoded signature.
func split(token, alg string) (signed, error) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return signed{}, errors.New("harness: not a JWS")
	}
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		return signed{}, err
	}
	if alg == "ES256" {
		if len(sig) != 64 {
			return signed{}, errors.New("harness: ES256 signature of the wrong size")
		}
		der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
		if err != nil {
			return signed{}, err
		}
		sig = der
	}
	return signed{input: []byte(token[:i]), sig: sig}, nil
}
