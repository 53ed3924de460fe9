package inbound_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/golang-jwt/jwt/v5"
)

// The clock of the examples, so that their output never changes.
var exampleNow = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

func ExampleBearerJWT() {
	secret := []byte("an-example-secret-of-at-least-32-bytes!")
	keys, err := inbound.StaticKeys(map[string]any{"k1": secret})
	if err != nil {
		panic(err)
	}
	v, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:           keys,
		Algorithms:     []string{"HS256"},
		Issuer:         "https://auth.example.com",
		Audience:       "payments-api",
		RequiredScopes: []string{"payments:read"},
		Now:            func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}

	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss":   "https://auth.example.com",
		"aud":   "payments-api",
		"sub":   "client-42",
		"scope": "payments:read payments:write",
		"exp":   exampleNow.Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "k1"
	signed, _ := tok.SignedString(secret)

	r := httptest.NewRequest(http.MethodGet, "/payments", nil)
	r.Header.Set("Authorization", "Bearer "+signed)
	p, err := v.Validate(r)
	fmt.Println(p.Subject, p.Scopes, err)

	// A refused request: the same claims signed with another secret. The
	// error carries the status, a stable code and a description.
	forged, _ := tok.SignedString([]byte("not-the-secret-but-also-32-bytes-long"))
	r.Header.Set("Authorization", "Bearer "+forged)
	_, err = v.Validate(r)
	e, _ := inbound.AsError(err)
	fmt.Println(e.Status, e.Code, e.Description)
	// Output:
	// client-42 [payments:read payments:write] <nil>
	// 401 invalid_token the token's signature is invalid
}

func ExampleJWKS() {
	// A stand-in for an OpenID Connect provider's jwks_uri.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	doc, _ := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "OKP", "crv": "Ed25519", "kid": "2030-01", "use": "sig", "alg": "EdDSA",
		"x": base64.RawURLEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)),
	}}})
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "max-age=900")
		_, _ = w.Write(doc)
	}))
	defer issuer.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys, err := inbound.JWKS(issuer.URL+"/.well-known/jwks.json", &inbound.JWKSOptions{Context: ctx})
	if err != nil {
		panic(err)
	}
	defer keys.Close()

	v, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"EdDSA"},
		Issuer:     "https://auth.example.com",
		Now:        func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": "https://auth.example.com", "sub": "svc-reports", "exp": exampleNow.Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "2030-01"
	signed, _ := tok.SignedString(priv)

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+signed)
	p, err := v.Validate(r)
	fmt.Println(p.Subject, p.KeyID, err)
	// Output: svc-reports 2030-01 <nil>
}

func ExampleStaticKeys() {
	// Weak keys are refused when the set is built, never at request time.
	_, err := inbound.StaticKeys(map[string]any{"k": []byte("short")})
	fmt.Println(err)
	// Output: inbound: StaticKeys: key "k": HMAC secret shorter than 32 bytes
}
