package selftest

import (
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// Audience is the "aud" the examples' BearerJWT validator requires.
const Audience = "payments-api"

// Guards builds the two guards the framework examples protect their routes
// with, the same for std, gin and echo:
//
//   - jwtGuard: a Bearer JWT, ES256, signed by a key of keys, whose issuer
//     must be issuer and whose audience must be Audience;
//   - keyGuard: an Asaas-style API key in the access_token header (apiKey,
//     a sandbox key, for the subject "acme-store"), then a User-Agent.
func Guards(keys inbound.KeySet, issuer, apiKey string) (jwtGuard, keyGuard *middleware.Guard, err error) {
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys: keys, Algorithms: []string{"ES256"}, Issuer: issuer, Audience: Audience,
	})
	if err != nil {
		return nil, nil, err
	}
	keyAuth, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme-store"}}),
		&inbound.APIKeyOptions{
			Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
			Environment:  "sandbox",
		})
	if err != nil {
		return nil, nil, err
	}
	if jwtGuard, err = middleware.New(jwtAuth, nil); err != nil {
		return nil, nil, err
	}
	if keyGuard, err = middleware.New(inbound.All(keyAuth, inbound.UserAgent()), nil); err != nil {
		return nil, nil, err
	}
	return jwtGuard, keyGuard, nil
}
