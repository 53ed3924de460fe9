package inbound

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
)

// The JWS algorithms (RFC 7518 §3, RFC 8037), each verified straight with
// the standard library's primitive: no conversions through big.Int, no
// copies of the signing input. BearerJWT's allowlist holds these.

// algorithm is one allowed JWS algorithm and the check that verifies it.
// check is only ever given a key of the algorithm's own type (keyFitsAlg).
type algorithm struct {
	name  string
	check func(input, sig []byte, key any) error
}

// errBadSignature is the cause of a signature that does not verify.
var errBadSignature = errors.New("inbound: signature is invalid")

// verify checks sig over input with key, whose type fits the algorithm.
func (a *algorithm) verify(input, sig []byte, key any) error { return a.check(input, sig, key) }

// newAlgorithm returns the algorithm of a supported name, or nil. PS*
// verification is strict: RFC 7518 §3.5 fixes the salt length to the hash
// size.
func newAlgorithm(name string) *algorithm {
	var check func(input, sig []byte, key any) error
	switch name {
	case "HS256", "HS384", "HS512":
		check = hmacCheck(newHMACVerifier(name))
	case "RS256", "RS384", "RS512":
		check = rsaCheck(shaFor(name[2:]), nil)
	case "PS256", "PS384", "PS512":
		check = rsaCheck(shaFor(name[2:]), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256":
		check = ecdsaCheck(crypto.SHA256, 32)
	case "ES384":
		check = ecdsaCheck(crypto.SHA384, 48)
	case "ES512":
		check = ecdsaCheck(crypto.SHA512, 66)
	case "EdDSA":
		check = func(input, sig []byte, key any) error {
			if !ed25519.Verify(key.(ed25519.PublicKey), input, sig) {
				return errBadSignature
			}
			return nil
		}
	default:
		return nil
	}
	return &algorithm{name: name, check: check}
}

// supportedAlgorithm reports whether name is an algorithm BearerJWT knows.
func supportedAlgorithm(name string) bool { return newAlgorithm(name) != nil }

func shaFor(bits string) crypto.Hash {
	switch bits {
	case "384":
		return crypto.SHA384
	case "512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

// digest hashes input into buf.
func digest(h crypto.Hash, input []byte, buf *[64]byte) []byte {
	switch h {
	case crypto.SHA384:
		d := sha512.Sum384(input)
		return buf[:copy(buf[:], d[:])]
	case crypto.SHA512:
		d := sha512.Sum512(input)
		return buf[:copy(buf[:], d[:])]
	}
	d := sha256.Sum256(input)
	return buf[:copy(buf[:], d[:])]
}

func hmacCheck(hv *hmacVerifier) func(input, sig []byte, key any) error {
	return func(input, sig []byte, key any) error {
		if !hv.verify(key.([]byte), input, sig) {
			return errBadSignature
		}
		return nil
	}
}

// rsaCheck verifies RSASSA-PKCS1-v1_5, or RSASSA-PSS when pss is set.
func rsaCheck(h crypto.Hash, pss *rsa.PSSOptions) func(input, sig []byte, key any) error {
	return func(input, sig []byte, key any) error {
		var buf [64]byte
		d := digest(h, input, &buf)
		var err error
		if pss != nil {
			err = rsa.VerifyPSS(key.(*rsa.PublicKey), h, d, sig, pss)
		} else {
			err = rsa.VerifyPKCS1v15(key.(*rsa.PublicKey), h, d, sig)
		}
		if err != nil {
			return errBadSignature
		}
		return nil
	}
}

// ecdsaCheck verifies a JWS ECDSA signature: r and s as two big-endian
// integers of size bytes each (RFC 7518 §3.4), which it re-encodes as the
// ASN.1 that crypto/ecdsa reads.
func ecdsaCheck(h crypto.Hash, size int) func(input, sig []byte, key any) error {
	return func(input, sig []byte, key any) error {
		if len(sig) != 2*size {
			return errBadSignature
		}
		var buf [64]byte
		d := digest(h, input, &buf)
		var der [2*(3+66) + 3]byte
		if !ecdsa.VerifyASN1(key.(*ecdsa.PublicKey), d, ecdsaDER(der[:0], sig[:size], sig[size:])) {
			return errBadSignature
		}
		return nil
	}
}

// ecdsaDER appends SEQUENCE { INTEGER r, INTEGER s } to out.
func ecdsaDER(out, r, s []byte) []byte {
	body := derIntLen(r) + derIntLen(s)
	out = append(out, 0x30)
	if body >= 0x80 {
		out = append(out, 0x81)
	}
	out = append(out, byte(body))
	return appendDERInt(appendDERInt(out, r), s)
}

// derIntLen is the encoded length of the unsigned big-endian integer b.
func derIntLen(b []byte) int {
	b = trimZeros(b)
	n := len(b)
	if n == 0 || b[0]&0x80 != 0 {
		n++
	}
	return 2 + n
}

func appendDERInt(out, b []byte) []byte {
	b = trimZeros(b)
	out = append(out, 0x02, byte(derIntLen(b)-2))
	if len(b) == 0 || b[0]&0x80 != 0 {
		out = append(out, 0)
	}
	return append(out, b...)
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

func (v *jwtValidator) allowed(alg string) *algorithm {
	for i := range v.algs {
		if v.algs[i].name == alg {
			return &v.algs[i]
		}
	}
	return nil
}
