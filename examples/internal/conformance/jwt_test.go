package conformance_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// now is the fixed clock of the JWT cases.
var now = time.Unix(1_700_000_000, 0)

type jwtKeys struct {
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	ed   ed25519.PrivateKey
	hmac []byte
}

func newJWTKeys(t *testing.T) *jwtKeys {
	t.Helper()
	k := &jwtKeys{hmac: []byte("conformance-hmac-secret-of-at-least-32-bytes")}
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	return k
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// claims returns valid claims at now, changed by extra (a nil value deletes
// the claim).
func claims(extra map[string]any) map[string]any {
	c := map[string]any{
		"iss": "https://issuer.example",
		"aud": "api",
		"sub": "user-1",
		"exp": now.Add(time.Hour).Unix(),
		"iat": now.Add(-time.Minute).Unix(),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// signRaw builds a JWS from a raw header and claims, signed with method.
func signRaw(t *testing.T, method jwt.SigningMethod, key any, header, c map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(p)
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": method.Alg(), "typ": "JWT"}
	if kid != "" {
		h["kid"] = kid
	}
	return signRaw(t, method, key, h, c)
}

func jwtGuards(t *testing.T, k *jwtKeys) map[string]*middleware.Guard {
	t.Helper()
	keys, err := inbound.StaticKeys(map[string]any{
		"rsa":  &k.rsa.PublicKey,
		"ec":   &k.ec.PublicKey,
		"ed":   k.ed.Public().(ed25519.PublicKey),
		"hmac": k.hmac,
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"RS256", "ES256", "EdDSA", "HS256"},
		Issuer:     "https://issuer.example",
		Audience:   "api",
		Now:        func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*middleware.Guard{"jwt": g}
}

func TestJWTConformance(t *testing.T) {
	k := newJWTKeys(t)

	valid := sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(nil))
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + b64([]byte(`{"iss":"https://issuer.example","aud":"api","sub":"admin","exp":1800000000}`)) + "." + parts[2]
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[len(sig)/2] ^= 0x01
	flipped := parts[0] + "." + parts[1] + "." + b64(sig)

	// alg=none: an empty signature that a naive verifier would accept.
	none := b64([]byte(`{"alg":"none","typ":"JWT","kid":"rsa"}`)) + "." + parts[1] + "."

	// HS256 with the RSA public key (as the PEM anyone can download) as the
	// HMAC secret: the classic algorithm-confusion forgery.
	der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	confused := sign(t, jwt.SigningMethodHS256, rsaPEM, "rsa", claims(nil))

	// An attacker's own key embedded in the header: it must never be used.
	attackerPub, attackerPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	embedded := signRaw(t, jwt.SigningMethodEdDSA, attackerPriv, map[string]any{
		"alg": "EdDSA",
		"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(attackerPub)},
	}, claims(nil))

	crit := signRaw(t, jwt.SigningMethodRS256, k.rsa, map[string]any{
		"alg": "RS256", "kid": "rsa", "crit": []string{"x-must-understand"}, "x-must-understand": true,
	}, claims(nil))

	const (
		bare         = `Bearer realm="api"`
		invalidToken = `Bearer realm="api", error="invalid_token"`
		invalidReq   = `Bearer realm="api", error="invalid_request"`
	)
	auth := func(v string) []string { return []string{"Authorization", v} }
	bearer := func(tok string) []string { return auth("Bearer " + tok) }
	ok := func(name string, h []string) testCase {
		return testCase{name: name, guard: "jwt", header: h, status: 200, body: "ok user-1"}
	}
	refused := func(name string, h []string, status int, code, challenge string) testCase {
		return testCase{name: name, guard: "jwt", header: h, status: status, code: code, challenge: challenge}
	}
	cases := []testCase{
		ok("valid RS256", bearer(valid)),
		ok("valid ES256", bearer(sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(nil)))),
		ok("valid EdDSA", bearer(sign(t, jwt.SigningMethodEdDSA, k.ed, "ed", claims(nil)))),
		ok("valid HS256", bearer(sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil)))),
		ok("valid, audience array", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": []string{"other", "api"}})))),
		ok("lowercase bearer", auth("bearer "+valid)),
		refused("alg none", bearer(none), 401, inbound.CodeInvalidToken, invalidToken),
		refused("HS256 signed with the RSA public key", bearer(confused), 401, inbound.CodeInvalidToken, invalidToken),
		refused("wrong-type key for the kid", bearer(sign(t, jwt.SigningMethodES256, k.ec, "rsa", claims(nil))), 401, inbound.CodeInvalidToken, invalidToken),
		refused("expired", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": now.Add(-time.Second).Unix()}))), 401, inbound.CodeTokenExpired, invalidToken),
		refused("not yet valid", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"nbf": now.Add(time.Minute).Unix()}))), 401, inbound.CodeTokenNotYetValid, invalidToken),
		refused("wrong issuer", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"iss": "https://evil.example"}))), 401, inbound.CodeInvalidIssuer, invalidToken),
		refused("wrong audience string", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": "other"}))), 401, inbound.CodeInvalidAudience, invalidToken),
		refused("wrong audience array", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"aud": []string{"other", "more"}}))), 401, inbound.CodeInvalidAudience, invalidToken),
		refused("unknown kid", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "nope", claims(nil))), 401, inbound.CodeUnknownKey, invalidToken),
		refused("missing exp", bearer(sign(t, jwt.SigningMethodRS256, k.rsa, "rsa", claims(map[string]any{"exp": nil}))), 401, inbound.CodeInvalidToken, invalidToken),
		refused("tampered payload", bearer(tampered), 401, inbound.CodeInvalidToken, invalidToken),
		refused("flipped signature bit", bearer(flipped), 401, inbound.CodeInvalidToken, invalidToken),
		refused("four segments", bearer(valid+".e30"), 401, inbound.CodeInvalidToken, invalidToken),
		refused("garbage", bearer("garbage!"), 401, inbound.CodeInvalidToken, invalidToken),
		refused("embedded jwk", bearer(embedded), 401, inbound.CodeInvalidToken, invalidToken),
		refused("unknown crit", bearer(crit), 401, inbound.CodeInvalidToken, invalidToken),
		refused("200 KiB header", bearer(strings.Repeat("a", 200<<10)), 401, inbound.CodeInvalidToken, invalidToken),
		refused("two Authorization headers", append(bearer(valid), bearer(valid)...), 400, inbound.CodeInvalidRequest, invalidReq),
		refused("Bearer without a token", auth("Bearer"), 400, inbound.CodeInvalidRequest, invalidReq),
		refused("Basic scheme", auth("Basic dXNlcjpwYXNz"), 401, inbound.CodeMissingToken, bare),
		refused("no Authorization", nil, 401, inbound.CodeMissingToken, bare),
	}
	runTable(t, jwtGuards(t, k), cases)
}

func TestJWTProblemJSONConformance(t *testing.T) {
	k := newJWTKeys(t)
	g := jwtGuards(t, k)["jwt"]
	// The same validator behind a problem+json Guard: only the body changes.
	pg, err := middleware.New(inbound.ValidatorFunc(func(r *http.Request) (*inbound.Principal, error) {
		r2, err := g.Check(r)
		if err != nil {
			return nil, err
		}
		p, _ := inbound.FromContext(r2.Context())
		return p, nil
	}), &middleware.Options{ProblemJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	expired := sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(map[string]any{"exp": now.Add(-time.Hour).Unix()}))
	runTable(t, map[string]*middleware.Guard{"problem": pg}, []testCase{
		{name: "expired", guard: "problem", header: []string{"Authorization", "Bearer " + expired},
			status: 401, code: inbound.CodeTokenExpired, challenge: `Bearer realm="api", error="invalid_token"`},
		{name: "valid", guard: "problem", header: []string{"Authorization", "Bearer " + sign(t, jwt.SigningMethodEdDSA, k.ed, "ed", claims(nil))},
			status: 200, body: "ok user-1"},
	})
}
