package inbound

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/jose"
	"github.com/golang-jwt/jwt/v5"
)

// popKeys are the clients' proof keys.
type popKeys struct {
	ec, ec2 *ecdsa.PrivateKey
}

var popFixtures = sync.OnceValue(func() *popKeys {
	k := &popKeys{}
	var err error
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	if k.ec2, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	return k
})

const resourceURL = "https://api.example/v1/payments"

func thumbprint(t testing.TB, key crypto.Signer) string {
	t.Helper()
	j, err := jose.Thumbprint(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// boundToken returns an access token signed by the issuer's RSA key with
// cnf set to the given members.
func boundToken(t testing.TB, cnf map[string]any) string {
	t.Helper()
	extra := map[string]any{}
	if cnf != nil {
		extra["cnf"] = cnf
	}
	return sign(t, jwt.SigningMethodRS256, fixtures().rsa, "rsa", claims(extra))
}

// proofClaims are valid claims of a proof for a GET of resourceURL with tok.
func proofClaims(tok string) map[string]any {
	return map[string]any{
		"jti": rand.Text(),
		"htm": http.MethodGet,
		"htu": resourceURL,
		"iat": testNow.Unix(),
		"ath": jose.TokenHash(tok),
	}
}

// makeProof signs a proof with key, after mod edits header and claims.
func makeProof(t testing.TB, key crypto.Signer, alg string, c map[string]any, mod func(h map[string]any)) string {
	t.Helper()
	if alg == "" {
		alg = jose.DefaultAlg(key.Public())
	}
	jwk, err := jose.JWK(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]any{"typ": "dpop+jwt", "alg": alg, "jwk": json.RawMessage(jwk)}
	if mod != nil {
		mod(h)
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(c)
	s, err := jose.Sign(key, alg, hb, cb)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dpopRequest is a GET of resourceURL with `Authorization: DPoP tok` and
// the given proofs.
func dpopRequest(tok string, proofs ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, resourceURL, nil)
	r.Header.Set("Authorization", "DPoP "+tok)
	for _, p := range proofs {
		r.Header.Add("DPoP", p)
	}
	return r
}

// withCert returns r with a TLS client certificate whose DER is der.
func withCert(r *http.Request, der string) *http.Request {
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Raw: []byte(der)}}}
	return r
}

func x5t(der string) map[string]any {
	return map[string]any{"x5t#S256": jose.CertThumbprint([]byte(der))}
}

func clientCertValue(der string) string {
	return ":" + base64.StdEncoding.EncodeToString([]byte(der)) + ":"
}
