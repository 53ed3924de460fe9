package providertest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

var issuerAlgs = []string{"HS256", "RS256", "ES256", "EdDSA"}

func newIssuer(t testing.TB, alg string) *providertest.Issuer {
	t.Helper()
	iss, err := providertest.NewIssuer(alg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	return iss
}

// jwksValidator is a BearerJWT validator over the issuer's JWK Set, fetched
// over HTTPS with inbound.JWKS, as a service under test would build it.
func jwksValidator(t testing.TB, iss *providertest.Issuer, o inbound.JWTOptions) inbound.Validator {
	t.Helper()
	keys, err := inbound.JWKS(iss.JWKSURL(), &inbound.JWKSOptions{Client: iss.Client(), AllowSymmetric: iss.Alg() == "HS256"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	o.Keys, o.Algorithms, o.Issuer, o.Audience = keys, []string{iss.Alg()}, iss.URL(), providertest.IssuerAudience
	v, err := inbound.BearerJWT(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://api.example/v1/payments", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func errCode(err error) string {
	if e, ok := inbound.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestIssuerTokensVerify: for every algorithm, the issuer's tokens verify
// through inbound.BearerJWT over inbound.JWKS (and over StaticKeys of
// Keys), carry the claims the test asked for, and its expired, foreign and
// tampered tokens are refused with the right code.
func TestIssuerTokensVerify(t *testing.T) {
	for _, alg := range issuerAlgs {
		t.Run(alg, func(t *testing.T) {
			iss := newIssuer(t, alg)
			v := jwksValidator(t, iss, inbound.JWTOptions{RequiredScopes: []string{"payments:read"}})
			static, err := inbound.StaticKeys(iss.Keys())
			if err != nil {
				t.Fatal(err)
			}
			vs, err := inbound.BearerJWT(inbound.JWTOptions{Keys: static, Algorithms: []string{alg},
				Issuer: iss.URL(), Audience: providertest.IssuerAudience})
			if err != nil {
				t.Fatal(err)
			}
			other := newIssuer(t, alg)
			mint := func(iss *providertest.Issuer, claims map[string]any) string {
				t.Helper()
				tok, err := iss.Token(claims)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			}
			good := mint(iss, map[string]any{"sub": "alice", "scope": "payments:read", "tenant": "acme"})
			p, err := v.Validate(bearer(good))
			if err != nil {
				t.Fatalf("JWKS: %v", err)
			}
			if p.Subject != "alice" || p.KeyID != iss.KeyID() || p.Claims["tenant"] != "acme" || !slices.Equal(p.Scopes, []string{"payments:read"}) {
				t.Fatalf("Principal = %+v", p)
			}
			if p, err := vs.Validate(bearer(mint(iss, nil))); err != nil || p.Subject != providertest.IssuerSubject {
				t.Fatalf("StaticKeys: %v, %v", p, err)
			}
			tests := []struct {
				name, tok, code string
			}{
				{"expired", mint(iss, map[string]any{"scope": "payments:read", "exp": time.Now().Add(-time.Hour).Unix()}), inbound.CodeTokenExpired},
				{"no exp", mint(iss, map[string]any{"scope": "payments:read", "exp": nil}), inbound.CodeInvalidToken},
				{"other audience", mint(iss, map[string]any{"scope": "payments:read", "aud": "other"}), inbound.CodeInvalidAudience},
				{"no scope", mint(iss, nil), inbound.CodeInsufficientScope},
				{"another issuer", mint(other, map[string]any{"scope": "payments:read"}), inbound.CodeInvalidIssuer},
				{"another issuer's key", mint(other, map[string]any{"scope": "payments:read", "iss": iss.URL()}), inbound.CodeUnknownKey},
				{"tampered", tamper(good), inbound.CodeInvalidToken},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if _, err := v.Validate(bearer(tt.tok)); errCode(err) != tt.code {
						t.Fatalf("got %v, want %s", err, tt.code)
					}
				})
			}
		})
	}
}

// tamper flips one bit in the middle of the signature, keeping the
// base64url valid, so that the check that fails is the signature's.
func tamper(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 4
	b := []byte(tok)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestIssuerCertificateBound: a token carrying CertificateConfirmation of a
// certificate is accepted with that certificate only.
func TestIssuerCertificateBound(t *testing.T) {
	iss := newIssuer(t, "ES256")
	v := jwksValidator(t, iss, inbound.JWTOptions{CertificateBound: true})
	ca, err := testpki.NewCA("issuer test CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf := func() *x509.Certificate {
		l, err := ca.Issue(testpki.LeafOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return l.Cert
	}
	cert, other := leaf(), leaf()
	tok, err := iss.Token(map[string]any{"cnf": providertest.CertificateConfirmation(cert)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		peer *x509.Certificate
		code string
	}{
		{"bound certificate", cert, ""},
		{"other certificate", other, inbound.CodeInvalidToken},
		{"no certificate", nil, inbound.CodeInvalidToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := bearer(tok)
			r.TLS = &tls.ConnectionState{}
			if tt.peer != nil {
				r.TLS.PeerCertificates = []*x509.Certificate{tt.peer}
			}
			if _, err := v.Validate(r); errCode(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
		})
	}
}

// TestIssuerDPoPBound: a token carrying KeyConfirmation of a DPoP key is
// accepted with a proof of that key only.
func TestIssuerDPoPBound(t *testing.T) {
	iss := newIssuer(t, "EdDSA")
	v := jwksValidator(t, iss, inbound.JWTOptions{DPoP: &inbound.DPoPOptions{Required: true}})
	prover := func() (*outbound.DPoPProver, *ecdsa.PublicKey) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		p, err := outbound.NewDPoPProver(k, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p, &k.PublicKey
	}
	bound, pub := prover()
	other, _ := prover()
	cnf, err := providertest.KeyConfirmation(pub)
	if err != nil || cnf["jkt"] != bound.Thumbprint() {
		t.Fatalf("KeyConfirmation = %v, %v; want jkt %s", cnf, err, bound.Thumbprint())
	}
	tok, err := iss.Token(map[string]any{"cnf": cnf})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		p    *outbound.DPoPProver
		code string
	}{
		{"proof of the bound key", bound, ""},
		{"proof of another key", other, inbound.CodeInvalidToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse("https://api.example/v1/payments")
			proof, err := tt.p.Proof(http.MethodGet, u, tok)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, u.String(), nil)
			r.Header.Set("Authorization", "DPoP "+tok)
			r.Header.Set("DPoP", proof)
			if _, err := v.Validate(r); errCode(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
		})
	}
}

func TestNewIssuerUnsupported(t *testing.T) {
	for _, alg := range []string{"", "none", "HS512", "PS256", "ES384"} {
		if iss, err := providertest.NewIssuer(alg); err == nil || iss != nil || !strings.HasPrefix(err.Error(), "providertest: ") {
			t.Errorf("NewIssuer(%q) = %v, %v", alg, iss, err)
		}
	}
}

// TestIssuerRedacts: printing an Issuer never shows its key.
func TestIssuerRedacts(t *testing.T) {
	iss := newIssuer(t, "HS256")
	secret := fmt.Sprint(iss.Keys()[iss.KeyID()])
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, iss); strings.Contains(s, secret) || !strings.Contains(s, iss.KeyID()) {
			t.Errorf("%s: %s", verb, s)
		}
	}
}
