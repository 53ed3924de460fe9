package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// JWKOptions says what a JWK may be, by where it comes from.
type JWKOptions struct {
	// Symmetric accepts "oct" keys: HMAC secrets, from a key set the
	// verifier trusts with them.
	Symmetric bool
	// Untrusted refuses the certificate members (x5c, x5u, x5t, x5t#S256)
	// instead of checking them against the key: parsing certificates is
	// work that a party whose signature is not yet checked must not cause
	// (the jwk of a DPoP proof).
	Untrusted bool
}

// VerificationKey is a key read from a JWK, with its kid and alg ("" when
// absent). Key is *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey, or a
// []byte HMAC secret. An RSA key's size is bounded below only (MinRSABits):
// a caller taking keys from an unauthenticated party bounds it above too.
type VerificationKey struct {
	Key      any
	KID, Alg string
}

// jwkMembers are the registered JWK member names (RFC 7517 §4, RFC 7518
// §6). A JWK with a member whose name differs from one of them only in case
// ("KTY") is refused: a lenient reader would take it for the other.
var jwkMembers = [...]string{"kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
	"crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "r", "t", "k"}

// privateJWKMembers carry private key material (RFC 7518 §6.2.2, §6.3.2;
// RFC 8037 §2). A public key that holds any of them has leaked.
var privateJWKMembers = [...]string{"d", "p", "q", "dp", "dq", "qi", "oth"}

var keyOps = [...]string{"sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"}

// KeyFromJWK turns one JWK, as ParseObject read it, into a verification
// key: the one conversion of gatehouse, for JWK Sets, DPoP proofs and the
// fakes of providertest. It refuses, rather than ignores: member names in
// another case, members of the wrong type, non-canonical base64url, RSA
// integers with leading zeros, private members, keys not for signatures
// (use, key_ops), an alg that is unsupported or does not fit the key,
// certificates that do not hold the key, and every weak key CheckKey
// refuses. Errors never quote key material.
func KeyFromJWK(m map[string]any, o JWKOptions) (VerificationKey, error) {
	var vk VerificationKey
	if err := checkJWKNames(m, o); err != nil {
		return vk, err
	}
	kty, err1 := jwkString(m, "kty")
	kid, err2 := jwkString(m, "kid")
	alg, err3 := jwkString(m, "alg")
	if err := errors.Join(err1, err2, err3, checkJWKUse(m)); err != nil {
		return vk, err
	}
	key, err := keyOfType(m, kty, o.Symmetric)
	if err != nil {
		return vk, err
	}
	if key, err = CheckKey(key); err != nil {
		return vk, err
	}
	if alg != "" {
		if a := LookupAlgorithm(alg); a == nil || !a.Fits(key) {
			return vk, fmt.Errorf("alg %q is not a supported JWS algorithm for the key", alg)
		}
	}
	if err := checkCertificates(m, key); err != nil {
		return vk, err
	}
	return VerificationKey{Key: key, KID: kid, Alg: alg}, nil
}

// checkJWKNames refuses names in another case, private members, and under
// Untrusted certificate members.
func checkJWKNames(m map[string]any, o JWKOptions) error {
	for name := range m {
		for _, want := range jwkMembers {
			if name != want && strings.EqualFold(name, want) {
				return fmt.Errorf("member name differs from %q only in case", want)
			}
		}
	}
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return errors.New("the JWK holds private key material")
		}
	}
	if o.Untrusted {
		for _, name := range [...]string{"x5c", "x5u", "x5t", "x5t#S256"} {
			if _, ok := m[name]; ok {
				return fmt.Errorf("certificate member %q in an untrusted JWK", name)
			}
		}
	}
	return nil
}

// jwkString returns a string member, "" when absent.
func jwkString(m map[string]any, name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("member %q is not a string", name)
	}
	return s, nil
}

// checkJWKUse refuses a key that is not for signatures.
func checkJWKUse(m map[string]any) error {
	use, err := jwkString(m, "use")
	if err != nil {
		return err
	}
	if use != "" && use != "sig" {
		return fmt.Errorf("use %q", use)
	}
	raw, ok := m["key_ops"]
	if !ok {
		return nil
	}
	ops, _ := raw.([]any)
	verify := false
	for _, op := range ops {
		s, _ := op.(string)
		if !slices.Contains(keyOps[:], s) {
			return errors.New("key_ops holds an unknown operation")
		}
		verify = verify || s == "verify"
	}
	if !verify {
		return errors.New("key_ops lacks \"verify\"")
	}
	return nil
}

// keyOfType reads the key of the JWK's kty.
func keyOfType(m map[string]any, kty string, symmetric bool) (any, error) {
	switch kty {
	case "RSA":
		return rsaFromJWK(m)
	case "EC":
		return ecFromJWK(m)
	case "OKP":
		return okpFromJWK(m)
	case "oct":
		if !symmetric {
			return nil, errors.New("symmetric (oct) key, and symmetric keys are not allowed")
		}
		k, err := jwkBytes(m, "k")
		return k, err
	}
	return nil, fmt.Errorf("unsupported kty %q", kty)
}

// jwkBytes decodes a base64url member: present, not empty, unpadded and
// canonical (Go's decoder skips CR and LF even when strict: refused here).
func jwkBytes(m map[string]any, name string) ([]byte, error) {
	s, err := jwkString(m, name)
	if err == nil && s == "" {
		err = fmt.Errorf("member %q is missing or empty", name)
	}
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("member %q is not base64url", name)
	}
	b, err := B64Decode(s)
	if err != nil {
		return nil, fmt.Errorf("member %q is not strict base64url", name)
	}
	return b, nil
}

func rsaFromJWK(m map[string]any) (any, error) {
	n, err1 := jwkBytes(m, "n")
	e, err2 := jwkBytes(m, "e")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	// Leading zeros would make two encodings of one key (RFC 7518 §6.3.1).
	if n[0] == 0 || e[0] == 0 || len(e) > 4 {
		return nil, errors.New("RSA n or e with leading zeros, or e over 32 bits")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}

func ecFromJWK(m map[string]any) (any, error) {
	crv, err := jwkString(m, "crv")
	if err != nil {
		return nil, err
	}
	var curve elliptic.Curve
	switch crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	case "P-521":
		curve = elliptic.P521()
	default:
		return nil, fmt.Errorf("unsupported curve %q", crv)
	}
	x, err1 := jwkBytes(m, "x")
	y, err2 := jwkBytes(m, "y")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	size := (curve.Params().BitSize + 7) / 8
	if len(x) != size || len(y) != size {
		return nil, errors.New("EC coordinates of the wrong length")
	}
	k, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, errors.New("invalid ECDSA public key: not a point of its curve")
	}
	return k, nil
}

func okpFromJWK(m map[string]any) (any, error) {
	crv, err := jwkString(m, "crv")
	if err != nil {
		return nil, err
	}
	if crv != "Ed25519" {
		return nil, fmt.Errorf("unsupported OKP curve %q", crv)
	}
	x, err := jwkBytes(m, "x")
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, errors.New("Ed25519 public key of the wrong length")
	}
	return ed25519.PublicKey(x), nil
}

// checkCertificates checks x5c (its first certificate must hold the key)
// and, with x5c, the x5t and x5t#S256 thumbprints of that certificate.
func checkCertificates(m map[string]any, key any) error {
	x5t, err1 := jwkString(m, "x5t")
	x5tS256, err2 := jwkString(m, "x5t#S256")
	_, err3 := jwkString(m, "x5u")
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	raw, ok := m["x5c"]
	if !ok {
		return nil
	}
	chain, _ := raw.([]any)
	if len(chain) == 0 {
		return errors.New("x5c is not a non-empty array")
	}
	var first *x509.Certificate
	for i, c := range chain {
		s, _ := c.(string)
		der, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || s == "" {
			return fmt.Errorf("x5c certificate %d is not base64", i)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("x5c certificate %d is malformed", i)
		}
		if i == 0 {
			first = cert
		}
	}
	if pub, ok := first.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(key) {
		return errors.New("the x5c certificate does not hold the key")
	}
	s1, s256 := sha1.Sum(first.Raw), sha256.Sum256(first.Raw)
	if x5t != "" && !bytes.Equal(b64Bytes(x5t), s1[:]) || x5tS256 != "" && !bytes.Equal(b64Bytes(x5tS256), s256[:]) {
		return errors.New("x5t or x5t#S256 is not the thumbprint of the x5c certificate")
	}
	return nil
}

// b64Bytes decodes strict base64url, nil when it is not.
func b64Bytes(s string) []byte {
	b, _ := B64Decode(s)
	return b
}
