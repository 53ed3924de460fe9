package inbound

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

var errProofJWK = errors.New("inbound: unusable jwk in DPoP proof")

// publicKeyFromJWK turns the embedded jwk of a DPoP proof into a public key
// (jose.KeyFromJWK, untrusted: no symmetric keys, no certificates),
// refusing private members and the weak keys StaticKeys refuses. An RSA
// key is bounded below only.
func publicKeyFromJWK(jwk map[string]any) (any, error) {
	k, err := jose.KeyFromJWK(jwk, jose.JWKOptions{Untrusted: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errProofJWK, err)
	}
	return k.Key, nil
}
