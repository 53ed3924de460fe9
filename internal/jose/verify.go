package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
)

// The functions below serve the fakes of package providertest, which play
// an authorization server in tests. They read JSON with encoding/json and
// are no substitute for the strict verifier of package inbound.

// Verify checks the signature of a compact JWS with pub under alg and
// returns its decoded header and payload.
func Verify(token, alg string, pub crypto.PublicKey) (header, payload []byte, err error) {
	if err := CheckAlg(pub, alg); err != nil {
		return nil, nil, err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("jose: not a compact JWS")
	}
	sig, err1 := B64Decode(parts[2])
	header, err2 := B64Decode(parts[0])
	payload, err3 := B64Decode(parts[1])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, nil, errors.New("jose: malformed JWS")
	}
	si := []byte(token[:len(parts[0])+1+len(parts[1])])
	if alg == "EdDSA" {
		if !ed25519.Verify(pub.(ed25519.PublicKey), si, sig) {
			return nil, nil, errors.New("jose: bad signature")
		}
		return header, payload, nil
	}
	h := hashFor(alg)
	d := h.New()
	d.Write(si)
	digest := d.Sum(nil)
	switch alg[:2] {
	case "RS":
		err = rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), h, digest, sig)
	case "PS":
		err = rsa.VerifyPSS(pub.(*rsa.PublicKey), h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	default:
		k := pub.(*ecdsa.PublicKey)
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n || !ecdsa.Verify(k, digest, new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])) {
			err = errors.New("bad signature")
		}
	}
	if err != nil {
		return nil, nil, errors.New("jose: bad signature")
	}
	return header, payload, nil
}

// PublicKeyFromJWK reads a public JWK (EC P-256/384/521, RSA, OKP Ed25519).
// A JWK with private members is refused.
func PublicKeyFromJWK(raw []byte) (crypto.PublicKey, error) {
	var j struct {
		Kty, Crv, X, Y, N, E string
		D, P, Q, K           *string
	}
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, errors.New("jose: malformed JWK")
	}
	if j.D != nil || j.P != nil || j.Q != nil || j.K != nil {
		return nil, errors.New("jose: JWK holds private key material")
	}
	switch j.Kty {
	case "EC":
		var c elliptic.Curve
		switch j.Crv {
		case "P-256":
			c = elliptic.P256()
		case "P-384":
			c = elliptic.P384()
		case "P-521":
			c = elliptic.P521()
		default:
			return nil, errors.New("jose: unsupported curve")
		}
		x, err1 := B64Decode(j.X)
		y, err2 := B64Decode(j.Y)
		n := (c.Params().BitSize + 7) / 8
		if err1 != nil || err2 != nil || len(x) != n || len(y) != n {
			return nil, errors.New("jose: malformed EC JWK")
		}
		return ecdsa.ParseUncompressedPublicKey(c, append(append([]byte{4}, x...), y...))
	case "RSA":
		n, err1 := B64Decode(j.N)
		e, err2 := B64Decode(j.E)
		if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("jose: malformed RSA JWK")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case "OKP":
		x, err := B64Decode(j.X)
		if err != nil || j.Crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			return nil, errors.New("jose: malformed OKP JWK")
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, errors.New("jose: unsupported JWK")
}
