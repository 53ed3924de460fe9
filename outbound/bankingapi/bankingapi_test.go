package bankingapi_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func newFake(t *testing.T) *providertest.Server {
	return presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewBankingAPI(nil) })
}

func config(fake *providertest.Server, certs ...tls.Certificate) bankingapi.Config {
	if len(certs) == 0 {
		certs = []tls.Certificate{fake.ClientCertificate().TLS}
	}
	return bankingapi.Config{BaseURL: fake.BaseURL(), RootCAs: fake.RootCAs(), Certificates: certs,
		ClientID: fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret}
}

func TestEndToEnd(t *testing.T) {
	fake := newFake(t)
	p, err := bankingapi.NewParts(config(fake))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Client.CloseIdleConnections()
	presettest.Cached(t, fake, p.Client, p.BaseURL+"/public/gw_banking/v1/accounts/123/balance", true)
}

func TestPFXCertificate(t *testing.T) {
	fake := newFake(t)
	pfx, err := fake.ClientCertificate().PFX("pfx-password")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := mtls.LoadPFX(pfx, "pfx-password")
	if err != nil {
		t.Fatal(err)
	}
	client, err := bankingapi.New(config(fake, cert))
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	presettest.GetMany(t, client, fake.BaseURL()+"/public/gw_banking/v1/accounts/1/balance", 3, http.StatusOK)
}

func TestRotation(t *testing.T) {
	fake := newFake(t)
	old := fake.ClientCertificate()
	// A second bound certificate that expires later is preferred; when the
	// first is unbound (retired), calls keep working.
	newer, err := fake.IssueClientCertificate(&providertest.CertificateOptions{NotAfter: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	client, err := bankingapi.New(config(fake, old.TLS, newer.TLS))
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	fake.Unbind(old)
	presettest.GetMany(t, client, fake.BaseURL()+"/public/gw_banking/v1/accounts/1/balance", 5, http.StatusOK)
}

func TestRefusals(t *testing.T) {
	fake := newFake(t)
	secret := fake.Credentials().ClientSecret
	unbound, err := fake.IssueClientCertificate(&providertest.CertificateOptions{Unbound: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     func() bankingapi.Config
		setup   func()
		wantIs  []error
		wantNot error
	}{
		{"wrong secret", func() bankingapi.Config {
			c := config(fake)
			c.ClientSecret = "wrong-secret-value"
			return c
		}, nil, []error{outbound.ErrInvalidCredentials}, bankingapi.ErrInvalidClientCertificate},
		{"certificate not bound", func() bankingapi.Config { return config(fake, unbound.TLS) }, nil,
			[]error{outbound.ErrInvalidCredentials, bankingapi.ErrInvalidClientCertificate}, nil},
		{"ip not allowed", func() bankingapi.Config { return config(fake) }, fake.DenyAllIPs,
			[]error{outbound.ErrForbidden, bankingapi.ErrIPNotAllowed}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			client, err := bankingapi.New(tt.cfg())
			if err != nil {
				t.Fatal(err)
			}
			defer client.CloseIdleConnections()
			_, err = client.Get(fake.BaseURL() + "/public/gw_banking/v1/accounts/1/balance")
			for _, want := range tt.wantIs {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tt.wantNot != nil && errors.Is(err, tt.wantNot) {
				t.Errorf("err = %v, must not be %v", err, tt.wantNot)
			}
			presettest.NoSecret(t, err, secret, "wrong-secret-value")
		})
	}
}

func TestConfig(t *testing.T) {
	presettest.Invalid(t, bankingapi.New, map[string]bankingapi.Config{
		"without certificates": {Environment: bankingapi.Production, ClientID: "id", ClientSecret: "s3cret-x"},
	}, "s3cret-x")
}

// A certificate renewed on disk reaches the client through an mtls.Reloader's
// Set, with no restart.
func TestReloadedCertificate(t *testing.T) {
	fake := newFake(t)
	dir := t.TempDir()
	certFile, keyFile := dir+"/client.crt", dir+"/client.key"
	write := func(c *providertest.Certificate) {
		t.Helper()
		if err := os.WriteFile(certFile, c.CertPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keyFile, c.KeyPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := fake.ClientCertificate()
	write(old)
	r, err := mtls.NewReloader([]mtls.File{{CertFile: certFile, KeyFile: keyFile}}, &mtls.ReloaderOptions{Interval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cfg := config(fake)
	cfg.Certificates, cfg.CertificateSet = nil, r.Set()
	// Every request makes a new connection: net/http returns a connection
	// to its idle pool on a goroutine of its own, so CloseIdleConnections
	// alone may miss one that still carries the old certificate.
	cfg.Base = &http.Transport{DisableKeepAlives: true}
	client, err := bankingapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	url := fake.BaseURL() + "/public/gw_banking/v1/accounts/1/balance"
	presettest.GetMany(t, client, url, 3, http.StatusOK)

	renewed, err := fake.IssueClientCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	write(renewed)
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	fake.Unbind(old)
	api := fake.APIRequests()
	presettest.GetMany(t, client, url, 3, http.StatusOK)
	// Each call went through at once with the renewed certificate: no 401,
	// no retry, no new token.
	if got := fake.APIRequests() - api; got != 3 || fake.TokenRequests() != 1 {
		t.Fatalf("%d API calls and %d token requests, want 3 and 1", got, fake.TokenRequests())
	}
}
