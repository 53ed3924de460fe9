package inbound

import (
	"crypto/rsa"
	"errors"
	"github.com/golang-jwt/jwt/v5"
	"sync"
)

// algorithm is one allowed JWS algorithm and the golang-jwt method that
// verifies it.
type algorithm struct {
	name   string
	method jwt.SigningMethod
	hmac   *sync.Pool // HS* only: verified by verifyHMAC
}

// errBadSignature is the cause of an HMAC signature that does not verify.
var errBadSignature = errors.New("inbound: signature is invalid")

// verify checks sig over input with key, whose type fits the algorithm.
func (a *algorithm) verify(input, sig []byte, key any) error {
	if a.hmac != nil {
		if !verifyHMAC(a.hmac, key.([]byte), input, sig) {
			return errBadSignature
		}
		return nil
	}
	return a.method.Verify(string(input), sig, key)
}

// signingMethod returns the verifier for a supported algorithm name, or nil.
// PS* verification is strict: RFC 7518 §3.5 fixes the salt length to the
// hash size, whereas golang-jwt's shared PS* methods also accept any salt
// length for compatibility with old signers.
func signingMethod(name string) jwt.SigningMethod {
	switch name {
	case "HS256":
		return jwt.SigningMethodHS256
	case "HS384":
		return jwt.SigningMethodHS384
	case "HS512":
		return jwt.SigningMethodHS512
	case "RS256":
		return jwt.SigningMethodRS256
	case "RS384":
		return jwt.SigningMethodRS384
	case "RS512":
		return jwt.SigningMethodRS512
	case "PS256", "PS384", "PS512":
		var base *jwt.SigningMethodRSAPSS
		switch name {
		case "PS256":
			base = jwt.SigningMethodPS256
		case "PS384":
			base = jwt.SigningMethodPS384
		default:
			base = jwt.SigningMethodPS512
		}
		return &jwt.SigningMethodRSAPSS{
			SigningMethodRSA: base.SigningMethodRSA,
			Options:          &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash},
		}
	case "ES256":
		return jwt.SigningMethodES256
	case "ES384":
		return jwt.SigningMethodES384
	case "ES512":
		return jwt.SigningMethodES512
	case "EdDSA":
		return jwt.SigningMethodEdDSA
	}
	return nil
}

func (v *jwtValidator) allowed(alg string) *algorithm {
	for i := range v.algs {
		if v.algs[i].name == alg {
			return &v.algs[i]
		}
	}
	return nil
}
