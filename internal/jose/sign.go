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
		if k != nil && k.Curve != nil {
			switch k.Curve.Params().Name {
			case "P-256":
				return "ES256"
			case "P-384":
				return "ES384"
			case "P-521":
				return "ES512"
			}
		}
	case *rsa.PublicKey:
		return "RS256"
	case ed25519.PublicKey:
		return "EdDSA"
	}
	return ""
}

// CheckAlg reports whether a key of pub's type can sign with alg.
func CheckAlg(pub crypto.PublicKey, alg string) error {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		if k, ok := pub.(*rsa.PublicKey); ok && k != nil && k.N != nil {
			if k.N.BitLen() < 2048 {
				return errors.New("jose: RSA key under 2048 bits")
			}
			return nil
		}
	case "ES256", "ES384", "ES512":
		if DefaultAlg(pub) == alg {
			return nil
		}
	case "EdDSA":
		if _, ok := pub.(ed25519.PublicKey); ok {
			return nil
		}
	default:
		return fmt.Errorf("jose: unsupported algorithm %q", alg)
	}
	return fmt.Errorf("jose: a %T cannot sign %s", pub, alg)
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
	sig, err := signBytes(key, alg, si)
	if err != nil {
		return "", fmt.Errorf("jose: signing: %w", err)
	}
	out := append(si, '.')
	return string(b64.AppendEncode(out, sig)), nil
}

func hashFor(alg string) crypto.Hash {
	switch alg[2:] {
	case "384":
		return crypto.SHA384
	case "512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

func signBytes(key crypto.Signer, alg string, si []byte) ([]byte, error) {
	if alg == "EdDSA" {
		return key.Sign(rand.Reader, si, crypto.Hash(0))
	}
	h := hashFor(alg)
	d := h.New()
	d.Write(si)
	digest := d.Sum(nil)
	switch alg[:2] {
	case "RS":
		return key.Sign(rand.Reader, digest, h)
	case "PS":
		return key.Sign(rand.Reader, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	}
	der, err := key.Sign(rand.Reader, digest, h)
	if err != nil {
		return nil, err
	}
	// crypto.Signer gives ASN.1; JWS wants R || S, each of the curve's size
	// (RFC 7518 §3.4).
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
		return nil, errors.New("malformed ECDSA signature")
	}
	n := (key.Public().(*ecdsa.PublicKey).Curve.Params().BitSize + 7) / 8
	if rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.BitLen() > 8*n || rs.S.BitLen() > 8*n {
		return nil, errors.New("malformed ECDSA signature")
	}
	out := make([]byte, 2*n)
	rs.R.FillBytes(out[:n])
	rs.S.FillBytes(out[n:])
	return out, nil
}
