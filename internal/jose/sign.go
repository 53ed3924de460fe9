package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// DefaultAlg returns the JWS algorithm a proof signed with pub uses by
// default: ES256, ES384 or ES512 by curve, RS256 for RSA, EdDSA for Ed25519.
func DefaultAlg(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		for i := range algorithms {
			if a := &algorithms[i]; k != nil && a.Family == ECDSA && a.Curve == k.Curve {
				return a.Name
			}
		}
	case *rsa.PublicKey:
		return "RS256"
	case ed25519.PublicKey:
		return "EdDSA"
	}
	return ""
}

// CheckAlg reports whether a key of pub's type can sign with alg, an
// asymmetric algorithm.
func CheckAlg(pub crypto.PublicKey, alg string) error {
	a := LookupAlgorithm(alg)
	if a == nil || a.Family == HMAC {
		return fmt.Errorf("jose: unsupported algorithm %q", alg)
	}
	if k, ok := pub.(*rsa.PublicKey); ok && k != nil && k.N != nil && k.N.BitLen() < MinRSABits {
		return errors.New("jose: RSA key under 2048 bits")
	}
	if !a.Fits(pub) {
		return fmt.Errorf("jose: a %T cannot sign %s", pub, alg)
	}
	return nil
}

// Sign returns the compact JWS of header and payload (each a JSON object,
// already encoded) signed by key with alg, which CheckAlg must accept for
// key's public key.
func Sign(key crypto.Signer, alg string, header, payload []byte) (string, error) {
	if key == nil {
		return "", errors.New("jose: nil signing key")
	}
	if err := CheckAlg(key.Public(), alg); err != nil {
		return "", err
	}
	si := make([]byte, 0, b64.EncodedLen(len(header))+b64.EncodedLen(len(payload))+1)
	si = b64.AppendEncode(si, header)
	si = append(si, '.')
	si = b64.AppendEncode(si, payload)
	sig, err := signBytes(key, LookupAlgorithm(alg), si)
	if err != nil {
		return "", fmt.Errorf("jose: signing: %w", err)
	}
	out := append(si, '.')
	return string(b64.AppendEncode(out, sig)), nil
}

func signBytes(key crypto.Signer, a *Algorithm, si []byte) ([]byte, error) {
	if a.Family == EdDSA {
		return key.Sign(rand.Reader, si, crypto.Hash(0))
	}
	var buf [64]byte
	d := digest(a.Hash, si, &buf)
	switch a.Family {
	case RSA:
		return key.Sign(rand.Reader, d, a.Hash)
	case RSAPSS:
		return key.Sign(rand.Reader, d, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: a.Hash})
	}
	der, err := key.Sign(rand.Reader, d, a.Hash)
	if err != nil {
		return nil, err
	}
	// crypto.Signer gives ASN.1; JWS wants R || S, each of the curve's size
	// (RFC 7518 §3.4).
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
		return nil, errors.New("malformed ECDSA signature")
	}
	n := a.Size
	if rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.BitLen() > 8*n || rs.S.BitLen() > 8*n {
		return nil, errors.New("malformed ECDSA signature")
	}
	out := make([]byte, 2*n)
	rs.R.FillBytes(out[:n])
	rs.S.FillBytes(out[n:])
	return out, nil
}
