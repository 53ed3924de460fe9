package inbound_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// TestCertificateBoundTokenFromProvider: a token that an OAuth2 server
// issued over mTLS (so bound to the client's certificate) is refused
// without that certificate by a BearerJWT on the issuer's JWKS that has no
// proof-of-possession option at all, as the issuer's own API refuses it.
func TestCertificateBoundTokenFromProvider(t *testing.T) {
	fake, err := providertest.NewOAuth2(providertest.OAuth2Config{ClientAuth: providertest.TLSClientAuth}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	keys, err := inbound.JWKS(fake.JWKSURL(), &inbound.JWKSOptions{Client: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = keys.Close() })
	v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}, Issuer: fake.URL,
		Audience: providertest.OAuth2Audience})
	if err != nil {
		t.Fatal(err)
	}
	cert := fake.ClientCertificate()
	cc := &outbound.ClientCredentials{TokenURL: fake.TokenURL(), ClientID: fake.Credentials().ClientID,
		AuthStyle: outbound.AuthTLSClient, Client: fake.ClientWithCertificate(cert.TLS)}
	tok, err := cc.Fetch(context.Background())
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
	t.Cleanup(api.Close)
	status := func(client *http.Client, url string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	withCert := func(c *tls.Certificate) *http.Client {
		tr := api.Client().Transport.(*http.Transport).Clone()
		if c != nil {
			tr.TLSClientConfig.Certificates = []tls.Certificate{*c}
		}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	other, err := fake.IssueClientCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}

	if st := status(fake.Client(), fake.BaseURL()+"/v1/x"); st != http.StatusUnauthorized {
		t.Fatalf("the issuer's own API without the certificate: %d, want 401", st)
	}
	for _, tt := range []struct {
		name string
		cert *tls.Certificate
		want int
	}{
		{"no certificate", nil, http.StatusUnauthorized},
		{"another certificate", &other.TLS, http.StatusUnauthorized},
		{"the bound certificate", &cert.TLS, http.StatusOK},
	} {
		if st := status(withCert(tt.cert), api.URL+"/x"); st != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, st, tt.want)
		}
	}
}
