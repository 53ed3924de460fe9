package asaas_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func TestEndToEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		fake providertest.Environment
		env  asaas.Environment
	}{{"sandbox", providertest.Sandbox, asaas.Sandbox}, {"production", providertest.Production, asaas.Production}} {
		t.Run(tt.name, func(t *testing.T) {
			fake, err := providertest.NewAsaas(tt.fake, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			client, err := asaas.New(asaas.Config{Environment: tt.env, BaseURL: fake.BaseURL(), APIKey: fake.Credentials().APIKey,
				UserAgent: "gatehouse-test/1.0", Base: fake.Client().Transport})
			if err != nil {
				t.Fatal(err)
			}
			defer client.CloseIdleConnections()
			presettest.GetMany(t, client, fake.BaseURL()+"/customers", 20, http.StatusOK)
			if fake.APIRequests() != 20 {
				t.Fatalf("API requests = %d", fake.APIRequests())
			}
			// A revoked key gets Asaas's 401 body, parsed by ResponseError.
			fake.RevokeTokens()
			resp, err := client.Get(fake.BaseURL() + "/customers")
			if err != nil {
				t.Fatal(err)
			}
			e := outbound.ResponseError("list customers", resp)
			resp.Body.Close()
			if e.Status != http.StatusUnauthorized || e.Code != "invalid_access_token" {
				t.Fatalf("error = %+v", e)
			}
		})
	}
}

func TestEnvironmentGuard(t *testing.T) {
	const prod, sandbox = "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmRlNzQ", "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmRlNzQ"
	tests := []struct {
		name string
		cfg  asaas.Config
		ok   bool
	}{
		{"sandbox key, sandbox", asaas.Config{APIKey: sandbox, UserAgent: "a"}, true},
		{"production key, production", asaas.Config{Environment: asaas.Production, APIKey: prod, UserAgent: "a"}, true},
		{"production key, sandbox", asaas.Config{APIKey: prod, UserAgent: "a"}, false},
		{"sandbox key, production", asaas.Config{Environment: asaas.Production, APIKey: sandbox, UserAgent: "a"}, false},
		{"sandbox key, production URL", asaas.Config{APIKey: sandbox, UserAgent: "a", BaseURL: "https://api.asaas.com/v3"}, false},
		{"sandbox key, production host", asaas.Config{APIKey: sandbox, UserAgent: "a", BaseURL: "https://api.asaas.com"}, false},
		{"production key, sandbox host in capitals", asaas.Config{Environment: asaas.Production, APIKey: prod, UserAgent: "a", BaseURL: "https://API-SANDBOX.asaas.com/v3"}, false},
		{"production key, sandbox host over http", asaas.Config{Environment: asaas.Production, APIKey: prod, UserAgent: "a", BaseURL: "http://api-sandbox.asaas.com/v3"}, false},
		{"production key, sandbox host with port", asaas.Config{Environment: asaas.Production, APIKey: prod, UserAgent: "a", BaseURL: "https://api-sandbox.asaas.com:443/v3"}, false},
		{"production key, a proxy", asaas.Config{Environment: asaas.Production, APIKey: prod, UserAgent: "a", BaseURL: "https://asaas-proxy.internal.example/v3"}, true},
		{"unknown prefix", asaas.Config{APIKey: "$aact_test_123", UserAgent: "a"}, false},
		{"no user agent", asaas.Config{APIKey: sandbox}, false},
		{"no key", asaas.Config{UserAgent: "a"}, false},
		{"key with newline", asaas.Config{APIKey: sandbox + "\n", UserAgent: "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := asaas.New(tt.cfg)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, outbound.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			presettest.NoSecret(t, err, prod, sandbox)
			presettest.NoSecret(t, tt.cfg, prod, sandbox)
		})
	}
	if env, err := asaas.EnvironmentOf(prod); err != nil || env != asaas.Production {
		t.Fatalf("EnvironmentOf(prod) = %v, %v", env, err)
	}
}

func TestKeyStaysOnItsHost(t *testing.T) {
	fake, err := providertest.NewAsaas(providertest.Sandbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	client, err := asaas.New(asaas.Config{BaseURL: fake.BaseURL(), APIKey: fake.Credentials().APIKey, UserAgent: "t",
		Base: fake.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Get("https://api.asaas.com/v3/customers")
	if !errors.Is(err, outbound.ErrHostNotAllowed) {
		t.Fatalf("err = %v", err)
	}
	presettest.NoSecret(t, err, fake.Credentials().APIKey)
}
