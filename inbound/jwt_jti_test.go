package inbound

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestPrincipalIDFromJTI: a JWT's string jti becomes Principal.ID, on the
// first sight and from the cache; a token without one (or with another
// type) leaves it empty.
func TestPrincipalIDFromJTI(t *testing.T) {
	v := newTestValidator(t, nil)
	k := fixtures()
	for _, c := range []struct {
		name string
		jti  any
		want string
	}{
		{"string jti", "tok-42", "tok-42"},
		{"no jti", nil, ""},
		{"numeric jti", 42, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			extra := map[string]any{}
			if c.jti != nil {
				extra["jti"] = c.jti
			}
			tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(extra))
			for range 2 { // the second time from the verified-token cache
				p, err := v.Validate(bearerRequest(tok))
				if err != nil {
					t.Fatal(err)
				}
				if p.ID != c.want {
					t.Fatalf("ID %q, want %q", p.ID, c.want)
				}
			}
		})
	}
}
