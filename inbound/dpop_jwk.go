package inbound

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
)

// privateJWKMembers are the members that carry private or symmetric key
// material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). A proof whose jwk
// holds any of them is refused: the key has leaked, and a parser that
// ignored them would hide it.
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

var errProofJWK = errors.New("inbound: unusable jwk in DPoP proof")

// publicKeyFromJWK turns the embedded jwk of a DPoP proof into a public key,
// refusing private members, symmetric keys and the weak keys StaticKeys
// refuses.
func publicKeyFromJWK(jwk map[string]any) (any, error) {
	for _, m := range privateJWKMembers {
		if _, ok := jwk[m]; ok {
			return nil, errors.New("inbound: the DPoP proof's jwk holds private key material")
		}
	}
	str := func(name string) []byte {
		s, ok := jwk[name].(string)
		if !ok || s == "" {
			return nil
		}
		for i := 0; i < len(s); i++ {
			if !isB64URLByte(s[i]) {
				return nil
			}
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil
		}
		return b
	}
	kty, _ := jwk["kty"].(string)
	var key any
	switch kty {
	case "EC":
		var curve elliptic.Curve
		switch crv, _ := jwk["crv"].(string); crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, errProofJWK
		}
		x, y := str("x"), str("y")
		n := (curve.Params().BitSize + 7) / 8
		if len(x) != n || len(y) != n {
			return nil, errProofJWK
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, errProofJWK
		}
		key = pub
	case "RSA":
		n, e := str("n"), str("e")
		// Leading zeros would make two encodings of one key (RFC 7518 §2).
		if len(n) == 0 || n[0] == 0 || len(e) == 0 || e[0] == 0 || len(e) > 4 {
			return nil, errProofJWK
		}
		key = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	case "OKP":
		x := str("x")
		if crv, _ := jwk["crv"].(string); crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			return nil, errProofJWK
		}
		key = ed25519.PublicKey(x)
	default:
		return nil, errProofJWK
	}
	return checkKey(key)
}
