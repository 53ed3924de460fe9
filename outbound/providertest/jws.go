package providertest

import (
	"crypto"
	"errors"
	"slices"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// verifyJWS checks a compact JWS the fakes receive (an assertion, a DPoP
// proof) with the JOSE core the validators of package inbound use: a
// strict header within jose.HeaderBudget, an alg among algs, the key
// (key, or with key nil the header's jwk), the signature, then the claims,
// also within the budget. It returns the header, the claims and the key.
func verifyJWS(tok string, key crypto.PublicKey, algs ...string) (hdr, claims map[string]any, _ crypto.PublicKey, _ error) {
	c, err := jose.Decode(tok, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if hdr, err = jose.ParseObject(string(c.Header), jose.HeaderBudget); err != nil {
		return nil, nil, nil, err
	}
	alg, _ := hdr["alg"].(string)
	if !slices.Contains(algs, alg) {
		return nil, nil, nil, errors.New("algorithm not accepted")
	}
	if key == nil {
		jwk, _ := hdr["jwk"].(map[string]any)
		k, err := jose.KeyFromJWK(jwk, jose.JWKOptions{Untrusted: true})
		if err != nil {
			return nil, nil, nil, err
		}
		key = k.Key
	}
	v := jose.NewVerifier(alg)
	if !v.Fits(key) {
		return nil, nil, nil, errors.New("the key does not fit the algorithm")
	}
	if err := v.Verify(c.SigningInput, c.Signature, key); err != nil {
		return nil, nil, nil, err
	}
	claims, err = jose.ParseObject(string(c.Payload), jose.HeaderBudget)
	return hdr, claims, key, err
}

// claimString is a string claim, "" when absent or of another type.
func claimString(c map[string]any, name string) string {
	s, _ := c[name].(string)
	return s
}

// claimInt is a whole-number claim, 0 when absent or of another type.
func claimInt(c map[string]any, name string) int64 {
	f, _ := c[name].(float64)
	if f != float64(int64(f)) {
		return 0
	}
	return int64(f)
}
