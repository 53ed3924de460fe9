package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
)

var b64 = base64.RawURLEncoding

// JWK returns the public JWK of pub with exactly the members RFC 7638 §3.2
// requires, in lexicographic order and without white space, so that it is
// both a JWK to embed in a header and its own thumbprint input. Supported:
// *ecdsa.PublicKey on P-256, P-384 and P-521, *rsa.PublicKey,
// ed25519.PublicKey.
func JWK(pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return nil, errors.New("jose: nil ECDSA key")
		}
		crv := k.Curve.Params().Name
		switch crv {
		case "P-256", "P-384", "P-521":
		default:
			return nil, fmt.Errorf("jose: unsupported curve %s", crv)
		}
		raw, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("jose: invalid ECDSA key: %w", err)
		}
		n := (len(raw) - 1) / 2
		return []byte(`{"crv":"` + crv + `","kty":"EC","x":"` + b64.EncodeToString(raw[1:1+n]) +
			`","y":"` + b64.EncodeToString(raw[1+n:]) + `"}`), nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil || k.E <= 0 {
			return nil, errors.New("jose: invalid RSA key")
		}
		e := big.NewInt(int64(k.E)).Bytes()
		return []byte(`{"e":"` + b64.EncodeToString(e) + `","kty":"RSA","n":"` + b64.EncodeToString(k.N.Bytes()) + `"}`), nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, errors.New("jose: invalid Ed25519 key")
		}
		return []byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64.EncodeToString(k) + `"}`), nil
	}
	return nil, fmt.Errorf("jose: unsupported key type %T", pub)
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of pub, base64url
// without padding: the value of a DPoP-bound token's cnf.jkt.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	j, err := JWK(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(j)
	return b64.EncodeToString(sum[:]), nil
}

// CertThumbprint returns the RFC 8705 §3.1 x5t#S256 of a DER certificate:
// base64url of its SHA-256, without padding.
func CertThumbprint(der []byte) string {
	sum := sha256.Sum256(der)
	return b64.EncodeToString(sum[:])
}

// TokenHash returns the DPoP ath of an access token (RFC 9449 §4.2):
// base64url of the SHA-256 of its ASCII octets.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return b64.EncodeToString(sum[:])
}

// B64Decode decodes strict unpadded base64url.
func B64Decode(s string) ([]byte, error) { return b64.Strict().DecodeString(s) }
