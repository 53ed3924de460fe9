package efi_test

import (
	"crypto/tls"
	"crypto/x509"
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
	return presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewEfi(api, nil) })
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
	for api, fakeAPI := range map[efi.API]providertest.EfiAPI{efi.Pix: providertest.EfiPix, efi.Charges: providertest.EfiCharges} {
		t.Run(api.String(), func(t *testing.T) {
			fake := newFake(t, fakeAPI)
			p, err := efi.NewParts(config(fake, api))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Client.CloseIdleConnections()
			presettest.Cached(t, fake, p.Client, p.BaseURL+"/v2/cob", true)
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
	if _, err := efi.New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	edit := func(f func(*efi.Config)) efi.Config {
		c := ok
		f(&c)
		return c
	}
	presettest.Invalid(t, efi.New, map[string]efi.Config{
		"no client id":            edit(func(c *efi.Config) { c.ClientID = "" }),
		"no secret":               edit(func(c *efi.Config) { c.ClientSecret = " " }),
		"pix without certificate": edit(func(c *efi.Config) { c.API = efi.Pix }),
		"bad API":                 edit(func(c *efi.Config) { c.API = 7 }),
		"bad environment":         edit(func(c *efi.Config) { c.Environment = 9 }),
		"relative base URL":       edit(func(c *efi.Config) { c.BaseURL = "/v1" }),
		"base URL with user info": edit(func(c *efi.Config) { c.BaseURL = "https://u:p@x.example" }),
		"custom Base with RootCAs": edit(func(c *efi.Config) {
			c.Base = http.NewFileTransport(http.Dir("."))
			c.RootCAs = x509.NewCertPool()
		}),
	}, "shh-secret")
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
