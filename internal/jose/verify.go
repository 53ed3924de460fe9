package jose

import (
	"crypto"
	"errors"
)

// Verify checks the compact JWS token with pub under alg, an asymmetric
// algorithm pub fits, and returns its decoded header and payload. For
// checks of single tokens (the fakes of providertest): BearerJWT verifies
// through a Verifier it keeps.
func Verify(token, alg string, pub crypto.PublicKey) (header, payload []byte, err error) {
	if err := CheckAlg(pub, alg); err != nil {
		return nil, nil, err
	}
	c, err := Decode(token, nil)
	if err != nil {
		return nil, nil, errors.New("jose: malformed JWS: " + err.Error())
	}
	if err := NewVerifier(alg).Verify(c.SigningInput, c.Signature, pub); err != nil {
		return nil, nil, errors.New("jose: bad signature")
	}
	return c.Header, c.Payload, nil
}

// PublicKeyFromJWK reads an untrusted public JWK (EC P-256/384/521, RSA,
// OKP Ed25519) with KeyFromJWK: strictly, within HeaderBudget.
func PublicKeyFromJWK(raw []byte) (crypto.PublicKey, error) {
	m, err := ParseObject(string(raw), HeaderBudget)
	if err != nil {
		return nil, errors.New("jose: malformed JWK: " + err.Error())
	}
	k, err := KeyFromJWK(m, JWKOptions{Untrusted: true})
	if err != nil {
		return nil, errors.New("jose: unusable JWK: " + err.Error())
	}
	return k.Key, nil
}
