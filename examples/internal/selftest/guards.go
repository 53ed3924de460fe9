package selftest

import (
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// Guards builds the two guards the framework examples protect their routes
// with, the same for std, gin and echo:
//
//   - jwtGuard: a Bearer JWT, HS256 with secret (kid "k1"), whose issuer and
//     audience must be Issuer and Audience;
//   - keyGuard: an Asaas-style API key in the access_token header (apiKey,
//     a sandbox key, for the subject "acme-store"), then a User-Agent.
func Guards(secret []byte, apiKey string) (jwtGuard, keyGuard *middleware.Guard, err error) {
	keys, err := inbound.StaticKeys(map[string]any{"k1": secret}) // refuses secrets under 32 bytes
	if err != nil {
		return nil, nil, err
	}
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys: keys, Algorithms: []string{"HS256"}, Issuer: Issuer, Audience: Audience,
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
