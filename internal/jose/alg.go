package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
)

// The JWS algorithms (RFC 7518 §3, RFC 8037) in one table, which signing,
// verification and the key checks all read. Verification goes straight to
// the standard library's primitives: no conversions through big.Int, no
// copies of the signing input.

// Family is the kind of key an algorithm uses.
type Family uint8

// The algorithm families.
const (
	HMAC Family = iota + 1
	RSA
	RSAPSS
	ECDSA
	EdDSA
)

// Algorithm is one JWS algorithm.
type Algorithm struct {
	Name   string
	Family Family
	Hash   crypto.Hash // crypto.Hash(0) for EdDSA
	// Size is the length of each of r and s in bytes (ECDSA), or the
	// shortest key accepted (HMAC: the hash's size, RFC 7518 §3.2).
	Size  int
	Curve elliptic.Curve // ECDSA
}

// MinRSABits is the smallest RSA modulus accepted, in bits.
const MinRSABits = 2048

// MinHMACBytes is the shortest HMAC secret accepted; HS384 and HS512 need
// 48 and 64 bytes.
const MinHMACBytes = 32

var algorithms = [...]Algorithm{
	{"HS256", HMAC, crypto.SHA256, 32, nil},
	{"HS384", HMAC, crypto.SHA384, 48, nil},
	{"HS512", HMAC, crypto.SHA512, 64, nil},
	{"RS256", RSA, crypto.SHA256, 0, nil},
	{"RS384", RSA, crypto.SHA384, 0, nil},
	{"RS512", RSA, crypto.SHA512, 0, nil},
	{"PS256", RSAPSS, crypto.SHA256, 0, nil},
	{"PS384", RSAPSS, crypto.SHA384, 0, nil},
	{"PS512", RSAPSS, crypto.SHA512, 0, nil},
	{"ES256", ECDSA, crypto.SHA256, 32, elliptic.P256()},
	{"ES384", ECDSA, crypto.SHA384, 48, elliptic.P384()},
	{"ES512", ECDSA, crypto.SHA512, 66, elliptic.P521()},
	{"EdDSA", EdDSA, 0, 0, nil},
}

// LookupAlgorithm returns the algorithm of a supported name, or nil.
func LookupAlgorithm(name string) *Algorithm {
	for i := range algorithms {
		if algorithms[i].Name == name {
			return &algorithms[i]
		}
	}
	return nil
}

// KeyFits reports whether key may sign or verify with alg: the one place
// that keeps HMAC secrets away from RSA algorithms and so on. Keys of a
// verifier were checked by CheckKey too.
func KeyFits(key any, alg string) bool {
	a := LookupAlgorithm(alg)
	return a != nil && a.Fits(key)
}

// Fits reports whether key is of the algorithm's type: an HMAC secret of at
// least Size bytes, an RSA key of at least MinRSABits, an ECDSA key on the
// algorithm's curve, an Ed25519 key.
func (a *Algorithm) Fits(key any) bool {
	switch a.Family {
	case HMAC:
		k, ok := key.([]byte)
		return ok && len(k) >= a.Size
	case RSA, RSAPSS:
		k, ok := key.(*rsa.PublicKey)
		return ok && k != nil && k.N != nil && k.N.BitLen() >= MinRSABits
	case ECDSA:
		k, ok := key.(*ecdsa.PublicKey)
		return ok && k != nil && k.Curve == a.Curve
	case EdDSA:
		k, ok := key.(ed25519.PublicKey)
		return ok && len(k) == ed25519.PublicKeySize
	}
	return false
}

// ErrBadSignature is the cause of a signature that does not verify.
var ErrBadSignature = errors.New("signature is invalid")

// Verifier verifies the signatures of one algorithm. HMAC verifiers keep
// pooled hash states, so each caller makes its own once and reuses it.
type Verifier struct {
	*Algorithm
	hmac *hmacVerifier
}

// NewVerifier returns a verifier for a supported algorithm, or nil.
func NewVerifier(name string) *Verifier {
	a := LookupAlgorithm(name)
	if a == nil {
		return nil
	}
	v := &Verifier{Algorithm: a}
	if a.Family == HMAC {
		v.hmac = newHMACVerifier(a.Hash)
	}
	return v
}

// Verify checks sig over input with key, which must fit the algorithm
// (Fits). PS* verification is strict: RFC 7518 §3.5 fixes the salt length
// to the hash size.
func (v *Verifier) Verify(input, sig []byte, key any) error {
	ok := false
	switch v.Family {
	case HMAC:
		ok = v.hmac.verify(key.([]byte), input, sig)
	case RSA, RSAPSS:
		ok = verifyRSA(v.Algorithm, input, sig, key.(*rsa.PublicKey))
	case ECDSA:
		ok = verifyECDSA(v.Algorithm, input, sig, key.(*ecdsa.PublicKey))
	case EdDSA:
		ok = ed25519.Verify(key.(ed25519.PublicKey), input, sig)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
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

// verifyRSA verifies RSASSA-PKCS1-v1_5, or RSASSA-PSS.
func verifyRSA(a *Algorithm, input, sig []byte, key *rsa.PublicKey) bool {
	var buf [64]byte
	d := digest(a.Hash, input, &buf)
	if a.Family == RSAPSS {
		return rsa.VerifyPSS(key, a.Hash, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
	}
	return rsa.VerifyPKCS1v15(key, a.Hash, d, sig) == nil
}

// verifyECDSA verifies a JWS ECDSA signature: r and s as two big-endian
// integers of Size bytes each (RFC 7518 §3.4), which it re-encodes as the
// ASN.1 that crypto/ecdsa reads.
func verifyECDSA(a *Algorithm, input, sig []byte, key *ecdsa.PublicKey) bool {
	if len(sig) != 2*a.Size {
		return false
	}
	var buf [64]byte
	d := digest(a.Hash, input, &buf)
	var der [2*(3+66) + 3]byte
	return ecdsa.VerifyASN1(key, d, ecdsaDER(der[:0], sig[:a.Size], sig[a.Size:]))
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
