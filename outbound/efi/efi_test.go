package efi_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func newFake(t *testing.T, api providertest.EfiAPI) *providertest.Server {
	t.Helper()
	fake, err := providertest.NewEfi(api, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake
}

func config(fake *providertest.Server, api efi.API) efi.Config {
	cfg := efi.Config{
		API: api, BaseURL: fake.BaseURL(), RootCAs: fake.RootCAs(),
		ClientID: fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret,
	}
	if c := fake.ClientCertificate(); c != nil {
		cfg.Certificates = []tls.Certificate{c.TLS}
	}
	return cfg
}

func TestEndToEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		fake providertest.EfiAPI
		api  efi.API
	}{{"pix", providertest.EfiPix, efi.Pix}, {"charges", providertest.EfiCharges, efi.Charges}} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t, tt.fake)
			p, err := efi.NewParts(config(fake, tt.api))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Client.CloseIdleConnections()
			presettest.GetMany(t, p.Client, p.BaseURL+"/v2/cob", 50, http.StatusOK)
			if n := fake.TokenRequests(); n != 1 {
				t.Fatalf("token requests = %d, want 1", n)
			}
			// A revoked token is replaced transparently, once.
			fake.RevokeTokens()
			presettest.GetMany(t, p.Client, p.BaseURL+"/v2/cob", 10, http.StatusOK)
			if n := fake.TokenRequests(); n != 2 {
				t.Fatalf("token requests after revocation = %d, want 2", n)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	fake := newFake(t, providertest.EfiPix)
	secret := fake.Credentials().ClientSecret

	t.Run("wrong secret", func(t *testing.T) {
		cfg := config(fake, efi.Pix)
		cfg.ClientSecret = "not-the-secret-value"
		client, err := efi.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer client.CloseIdleConnections()
		_, err = client.Get(fake.BaseURL() + "/v2/cob")
		if !errors.Is(err, outbound.ErrInvalidCredentials) {
			t.Fatalf("err = %v, want ErrInvalidCredentials", err)
		}
		presettest.NoSecret(t, err, "not-the-secret-value", secret)
	})
	t.Run("certificate not bound", func(t *testing.T) {
		other, err := fake.IssueClientCertificate(&providertest.CertificateOptions{Unbound: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg := config(fake, efi.Pix)
		cfg.Certificates = []tls.Certificate{other.TLS}
		client, err := efi.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer client.CloseIdleConnections()
		if _, err = client.Get(fake.BaseURL() + "/v2/cob"); !errors.Is(err, outbound.ErrInvalidCredentials) {
			t.Fatalf("err = %v, want ErrInvalidCredentials", err)
		}
	})
	t.Run("other host", func(t *testing.T) {
		client, err := efi.New(config(fake, efi.Pix))
		if err != nil {
			t.Fatal(err)
		}
		defer client.CloseIdleConnections()
		before := fake.TokenRequests()
		_, err = client.Get("https://pix.api.efipay.com.br/v2/cob")
		if !errors.Is(err, outbound.ErrHostNotAllowed) || fake.TokenRequests() != before {
			t.Fatalf("err = %v after %d token requests, want ErrHostNotAllowed and none", err, fake.TokenRequests()-before)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	ok := efi.Config{ClientID: "id", ClientSecret: "shh-secret", API: efi.Charges}
	tests := []struct {
		name string
		edit func(*efi.Config)
	}{
		{"no client id", func(c *efi.Config) { c.ClientID = "" }},
		{"no secret", func(c *efi.Config) { c.ClientSecret = " " }},
		{"pix without certificate", func(c *efi.Config) { c.API = efi.Pix }},
		{"bad API", func(c *efi.Config) { c.API = 7 }},
		{"bad environment", func(c *efi.Config) { c.Environment = 9 }},
		{"relative base URL", func(c *efi.Config) { c.BaseURL = "/v1" }},
		{"base URL with user info", func(c *efi.Config) { c.BaseURL = "https://u:p@x.example" }},
		{"custom Base with RootCAs", func(c *efi.Config) {
			c.Base = http.NewFileTransport(http.Dir("."))
			c.RootCAs = fakeCAs()
		}},
	}
	if _, err := efi.New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			_, err := efi.New(cfg)
			if !errors.Is(err, outbound.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			presettest.NoSecret(t, err, "shh-secret")
		})
	}
	presettest.NoSecret(t, ok, "shh-secret")
}

func TestBaseURLs(t *testing.T) {
	for _, tt := range []struct {
		env  efi.Environment
		api  efi.API
		want string
	}{
		{efi.Production, efi.Pix, "https://pix.api.efipay.com.br"},
		{efi.Sandbox, efi.Pix, "https://pix-h.api.efipay.com.br"},
		{efi.Production, efi.Charges, "https://cobrancas.api.efipay.com.br/v1"},
		{efi.Sandbox, efi.Charges, "https://cobrancas-h.api.efipay.com.br/v1"},
	} {
		if got := efi.BaseURL(tt.env, tt.api); got != tt.want {
			t.Errorf("BaseURL(%d, %d) = %s, want %s", tt.env, tt.api, got, tt.want)
		}
	}
}
