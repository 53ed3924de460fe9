package providertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// A test of an API guarded by inbound.BearerJWT: the Issuer stands in for
// the identity provider, serving its JWK Set and minting the tokens the test
// needs.
func ExampleNewIssuer() {
	iss, err := providertest.NewIssuer("ES256")
	if err != nil {
		panic(err)
	}
	defer iss.Close()

	// The service under test, configured as in production but with the
	// issuer's URLs (and a client that trusts its test certificate).
	keys, err := inbound.JWKS(iss.JWKSURL(), &inbound.JWKSOptions{Client: iss.Client()})
	if err != nil {
		panic(err)
	}
	defer keys.Close()
	v, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:           keys,
		Algorithms:     []string{"ES256"},
		Issuer:         iss.URL(),
		Audience:       providertest.IssuerAudience,
		RequiredScopes: []string{"payments:read"},
	})
	if err != nil {
		panic(err)
	}

	for _, claims := range []map[string]any{
		{"sub": "alice", "scope": "payments:read"},
		{"sub": "bob"},
	} {
		tok, err := iss.Token(claims)
		if err != nil {
			panic(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/v1/payments", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if p, err := v.Validate(r); err != nil {
			e, _ := inbound.AsError(err)
			fmt.Println("refused:", e.Code)
		} else {
			fmt.Println("accepted:", p.Subject, p.Scopes)
		}
	}
	// Output:
	// accepted: alice [payments:read]
	// refused: insufficient_scope
}
