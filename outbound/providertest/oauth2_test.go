package providertest_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func newOAuth2(t *testing.T, cfg providertest.OAuth2Config) *providertest.Server {
	t.Helper()
	s, err := providertest.NewOAuth2(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// getStatus GETs path on base through rt and returns the status.
func getStatus(t *testing.T, rt http.RoundTripper, url string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestOAuth2PrivateKeyJWT(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec := ecKey(t)
	for _, tt := range []struct {
		name string
		key  crypto.Signer
		alg  string
	}{{"ES256", ec, ""}, {"RS256", rsaKey, ""}, {"PS256", rsaKey, "PS256"}} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.PrivateKeyJWT, ClientKey: tt.key.Public()})
			cc := &outbound.ClientCredentials{
				TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID,
				AuthStyle: outbound.AuthPrivateKeyJWT,
				Assertion: &outbound.ClientAssertion{Key: tt.key, Algorithm: tt.alg},
				Client:    fake.Client(),
			}
			// Two fetches: each assertion has its own jti, which the fake
			// accepts once.
			for range 2 {
				tok, err := cc.Fetch(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if tok.Scheme() != "Bearer" {
					t.Fatalf("token type %q", tok.Type)
				}
			}
			rt := outbound.Chain(fake.Client().Transport, outbound.Bearer(outbound.NewSource(cc, nil)))
			if st := getStatus(t, rt, fake.URL+"/v1/resource"); st != http.StatusOK {
				t.Fatalf("API status %d", st)
			}
		})
	}
	t.Run("another key", func(t *testing.T) {
		fake := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.PrivateKeyJWT, ClientKey: ec.Public()})
		cc := &outbound.ClientCredentials{
			TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID, AuthStyle: outbound.AuthPrivateKeyJWT,
			Assertion: &outbound.ClientAssertion{Key: ecKey(t)}, Client: fake.Client(),
		}
		if _, err := cc.Fetch(context.Background()); !errors.Is(err, outbound.ErrInvalidCredentials) {
			t.Fatalf("err = %v, want invalid credentials", err)
		}
	})
}

func TestOAuth2TLSClientAuth(t *testing.T) {
	fake := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.TLSClientAuth})
	cert := fake.ClientCertificate()
	client := fake.ClientWithCertificate(cert.TLS)
	cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID,
		AuthStyle: outbound.AuthTLSClient, Client: client}
	tok, err := cc.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rt := outbound.Chain(client.Transport, outbound.Bearer(outbound.NewSource(cc, nil)))
	if st := getStatus(t, rt, fake.URL+"/v1/resource"); st != http.StatusOK {
		t.Fatalf("API status %d with the bound certificate", st)
	}
	// The token is bound to the certificate: with another one (even one
	// the fake accepts for authentication) the API refuses it.
	other, err := fake.IssueClientCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	otherRT := outbound.Chain(fake.ClientWithCertificate(other.TLS).Transport, outbound.Header("Authorization", "Bearer "+tok.Value))
	if st := getStatus(t, otherRT, fake.URL+"/v1/resource"); st != http.StatusUnauthorized {
		t.Fatalf("API status %d with another certificate, want 401", st)
	}
	t.Run("no certificate", func(t *testing.T) {
		cc := *cc
		cc.Client = fake.Client()
		if _, err := cc.Fetch(context.Background()); !errors.Is(err, outbound.ErrInvalidCredentials) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("secret refused by the client", func(t *testing.T) {
		cc := *cc
		cc.ClientSecret = "s3cret-value"
		before := fake.TokenRequests()
		_, err := cc.Fetch(context.Background())
		if err == nil || fake.TokenRequests() != before {
			t.Fatalf("err = %v, %d requests sent", err, fake.TokenRequests()-before)
		}
	})
}

func TestOAuth2DPoP(t *testing.T) {
	for _, nonce := range []string{"", "server-nonce-1"} {
		t.Run("nonce="+nonce, func(t *testing.T) {
			fake := newOAuth2(t, providertest.OAuth2Config{RequireDPoP: true, DPoPNonce: nonce})
			prover, err := outbound.NewDPoPProver(ecKey(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			cr := fake.Credentials()
			cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
				Client: fake.Client(), DPoP: prover}
			rt := outbound.Chain(fake.Client().Transport, outbound.DPoP(outbound.NewSource(cc, nil), prover))
			for range 3 {
				if st := getStatus(t, rt, fake.URL+"/v1/resource"); st != http.StatusOK {
					t.Fatalf("API status %d", st)
				}
			}
			wantTok := int64(1)
			if nonce != "" {
				wantTok = 2 // one use_dpop_nonce answer, then the token
			}
			if n := fake.TokenRequests(); n != wantTok {
				t.Errorf("%d token requests, want %d", n, wantTok)
			}
			// The API has the same nonce as the token endpoint, which the
			// prover already knows: no API retries.
			if n := fake.APIRequests(); n != 3 {
				t.Errorf("%d API requests, want 3", n)
			}
			// A DPoP-bound token sent as a plain Bearer token is refused.
			tok, _ := cc.Fetch(context.Background())
			if tok.Type != "DPoP" {
				t.Fatalf("token type %q, want DPoP", tok.Type)
			}
			bearer := outbound.Chain(fake.Client().Transport, outbound.Header("Authorization", "Bearer "+tok.Value))
			if st := getStatus(t, bearer, fake.URL+"/v1/resource"); st != http.StatusUnauthorized {
				t.Fatalf("DPoP token as Bearer: status %d", st)
			}
		})
	}
	t.Run("no proof on the token request", func(t *testing.T) {
		fake := newOAuth2(t, providertest.OAuth2Config{RequireDPoP: true})
		cr := fake.Credentials()
		cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: cr.ClientID, ClientSecret: cr.ClientSecret, Client: fake.Client()}
		var e *outbound.Error
		if _, err := cc.Fetch(context.Background()); !errors.As(err, &e) || e.Code != "invalid_dpop_proof" {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestOAuth2AgainstInbound: tokens of the fake, sent by the outbound DPoP
// decorator, validated by inbound.BearerJWT with DPoP; and a replayed
// request refused.
func TestOAuth2AgainstInbound(t *testing.T) {
	fake := newOAuth2(t, providertest.OAuth2Config{})
	keys, err := inbound.StaticKeys(map[string]any{fake.IssuerKeyID(): fake.IssuerKey()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}, Issuer: fake.URL,
		Audience: providertest.OAuth2Audience, DPoP: &inbound.DPoPOptions{Required: true}})
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Validate(r); err != nil {
			e, _ := inbound.AsError(err)
			w.WriteHeader(e.Status)
			_, _ = io.WriteString(w, e.Code)
			return
		}
		accepted.Add(1)
	}))
	defer api.Close()
	defer api.Client().CloseIdleConnections()

	prover, err := outbound.NewDPoPProver(ecKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	cr := fake.Credentials()
	cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		Client: fake.Client(), DPoP: prover}
	var last *http.Request
	capture := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		last = r
		return api.Client().Transport.RoundTrip(r)
	})
	rt := outbound.Chain(capture, outbound.DPoP(outbound.NewSource(cc, nil), prover))
	for range 2 {
		if st := getStatus(t, rt, api.URL+"/v1/payments?x=1"); st != http.StatusOK {
			t.Fatalf("status %d", st)
		}
	}
	if accepted.Load() != 2 {
		t.Fatalf("%d accepted", accepted.Load())
	}
	// The captured request, proof and all, replayed.
	replay := last.Clone(context.Background())
	if st := getStatus(t, api.Client().Transport, replay.URL.String()); st != http.StatusUnauthorized {
		t.Fatalf("bare replay: status %d", st)
	}
	resp, err := api.Client().Transport.RoundTrip(replay)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || string(body) != inbound.CodeInvalidDPoPProof {
		t.Fatalf("replayed proof: %d %s", resp.StatusCode, body)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOAuth2CertificateBoundAgainstInbound: a tls_client_auth token of the
// fake, validated over mTLS by inbound.BearerJWT with CertificateBound.
func TestOAuth2CertificateBoundAgainstInbound(t *testing.T) {
	fake := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.TLSClientAuth})
	keys, err := inbound.StaticKeys(map[string]any{fake.IssuerKeyID(): fake.IssuerKey()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}, Issuer: fake.URL,
		Audience: providertest.OAuth2Audience, CertificateBound: true})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Validate(r); err != nil {
			e, _ := inbound.AsError(err)
			w.WriteHeader(e.Status)
		}
	}))
	api.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	api.StartTLS()
	defer api.Close()
	clientFor := func(c tls.Certificate) http.RoundTripper {
		tr := api.Client().Transport.(*http.Transport).Clone()
		tr.TLSClientConfig.Certificates = []tls.Certificate{c}
		t.Cleanup(tr.CloseIdleConnections)
		return tr
	}
	cert := fake.ClientCertificate()
	cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID,
		AuthStyle: outbound.AuthTLSClient, Client: fake.ClientWithCertificate(cert.TLS)}
	src := outbound.NewSource(cc, nil)
	if st := getStatus(t, outbound.Chain(clientFor(cert.TLS), outbound.Bearer(src)), api.URL+"/x"); st != http.StatusOK {
		t.Fatalf("bound certificate: status %d", st)
	}
	other, err := fake.IssueClientCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := getStatus(t, outbound.Chain(clientFor(other.TLS), outbound.Bearer(src)), api.URL+"/x"); st != http.StatusUnauthorized {
		t.Fatalf("other certificate: status %d", st)
	}
}

// TestOAuth2PrivateKeyJWTFromPFX: the assertion key comes from the same PFX
// file that mtls reads for the client certificate.
func TestOAuth2PrivateKeyJWTFromPFX(t *testing.T) {
	for _, useRSA := range []bool{false, true} {
		t.Run(map[bool]string{false: "ECDSA", true: "RSA"}[useRSA], func(t *testing.T) {
			// A fake that issues the certificate; the key is registered
			// with a second fake that checks assertions.
			issuer := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.TLSClientAuth})
			c, err := issuer.IssueClientCertificate(&providertest.CertificateOptions{RSA: useRSA})
			if err != nil {
				t.Fatal(err)
			}
			pfx, err := c.PFX("pfx-password")
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := mtls.LoadPFX(pfx, "pfx-password")
			if err != nil {
				t.Fatal(err)
			}
			key := loaded.PrivateKey.(crypto.Signer)
			fake := newOAuth2(t, providertest.OAuth2Config{ClientAuth: providertest.PrivateKeyJWT, ClientKey: key.Public()})
			cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID,
				AuthStyle: outbound.AuthPrivateKeyJWT, Assertion: &outbound.ClientAssertion{Key: key}, Client: fake.Client()}
			if err := cc.Validate(); err != nil {
				t.Fatal(err)
			}
			if _, err := cc.Fetch(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
