package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
)

// CheckKey refuses weak keys (RSA under MinRSABits or with a small
// exponent, EC keys off their curve, Ed25519 keys of small order, HMAC
// secrets under MinHMACBytes) and private keys, and returns the value to keep: a copy, so that the caller cannot change
// a key after it was checked.
func CheckKey(key any) (any, error) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if err := checkRSA(k); err != nil {
			return nil, err
		}
		return &rsa.PublicKey{N: new(big.Int).Set(k.N), E: k.E}, nil
	case *ecdsa.PublicKey:
		if err := checkECDSA(k); err != nil {
			return nil, err
		}
		return &ecdsa.PublicKey{Curve: k.Curve, X: new(big.Int).Set(k.X), Y: new(big.Int).Set(k.Y)}, nil
	case ed25519.PublicKey:
		if err := checkEd25519(k); err != nil {
			return nil, err
		}
		return append(ed25519.PublicKey(nil), k...), nil
	case []byte:
		if len(k) < MinHMACBytes {
			// Never print the secret, not even its length's neighbourhood.
			return nil, fmt.Errorf("HMAC secret shorter than %d bytes", MinHMACBytes)
		}
		return append([]byte(nil), k...), nil
	case nil:
		return nil, errors.New("nil key")
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
		return nil, fmt.Errorf("%T is a private key: pass its public key", key)
	default:
		return nil, fmt.Errorf("unsupported key type %T", key)
	}
}

// MinRSAExponent is the smallest RSA public exponent accepted (FIPS 186-5
// asks for more than 2^16). Exponents such as 3 have a history of signature
// forgeries against lenient verifiers.
const MinRSAExponent = 65537

func checkRSA(k *rsa.PublicKey) error {
	if k == nil || k.N == nil || k.N.Sign() <= 0 {
		return errors.New("nil RSA key")
	}
	if k.N.BitLen() < MinRSABits {
		return fmt.Errorf("RSA key of %d bits, need at least %d", k.N.BitLen(), MinRSABits)
	}
	if k.E < MinRSAExponent || k.E%2 == 0 {
		return fmt.Errorf("RSA key with an invalid or small public exponent (need an odd one of at least %d)", MinRSAExponent)
	}
	return nil
}

// ecCurves are the curves accepted, compared by identity with the standard
// library's own: a look-alike Curve implementation is refused.
var ecCurves = [...]elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()}

func checkECDSA(k *ecdsa.PublicKey) error {
	if k == nil || k.Curve == nil || k.X == nil || k.Y == nil {
		return errors.New("ECDSA key with a missing curve or coordinate")
	}
	known := false
	for _, c := range ecCurves {
		known = known || k.Curve == c
	}
	if !known {
		return errors.New("unsupported ECDSA curve (want P-256, P-384 or P-521)")
	}
	// ECDH validates that the point is on the curve and not the identity.
	if _, err := k.ECDH(); err != nil {
		return errors.New("invalid ECDSA public key: not a point of its curve")
	}
	return nil
}

// ed25519SmallOrder lists the encodings of the points of small order (1, 2,
// 4 and 8) with the sign bit cleared, including the non-canonical encodings
// of 0 and 1 (p and p+1), as libsodium lists them. A public key of small
// order lets a signature with R of small order and S = 0 verify for any
// message: anyone could forge tokens.
var ed25519SmallOrder = [...][32]byte{
	{0x00}, // y = 0 (order 4); all zero
	{0x01}, // y = 1, the identity (order 1)
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}, // order 8
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}, // order 8
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p-1 (order 2)
	{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p, non-canonical 0
	{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p+1, non-canonical 1
}

func checkEd25519(k ed25519.PublicKey) error {
	if len(k) != ed25519.PublicKeySize {
		return errors.New("Ed25519 public key of the wrong length")
	}
	var y [32]byte
	copy(y[:], k)
	y[31] &= 0x7f // either sign of x
	for _, bad := range ed25519SmallOrder {
		if y == bad {
			return errors.New("Ed25519 public key of small order: it would verify forged signatures")
		}
	}
	return nil
}
