package sopague_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func TestEndToEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		fake providertest.SoPagueAPI
		api  sopague.API
	}{{"gateway", providertest.SoPagueGateway, sopague.Gateway}, {"integration", providertest.SoPagueIntegration, sopague.Integration}} {
		t.Run(tt.name, func(t *testing.T) {
			fake, err := providertest.NewSoPague(tt.fake, &providertest.Options{TokenLifetime: 30 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			cr := fake.Credentials()
			p, err := sopague.NewParts(sopague.Config{API: tt.api, BaseURL: fake.BaseURL(), UserName: cr.UserName, Password: cr.Password,
				Base: fake.Client().Transport})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Client.CloseIdleConnections()
			presettest.GetMany(t, p.Client, p.BaseURL+"/api/v1/transactions", 50, http.StatusOK)
			if n := fake.TokenRequests(); n != 1 {
				t.Fatalf("token requests = %d, want 1", n)
			}
			tok, err := p.Source.Token(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			// Lifetime from created/expiration: 30 minutes, give or take the test's run time.
			if life := time.Until(tok.Expiry); life < 29*time.Minute || life > 30*time.Minute {
				t.Fatalf("token lifetime %v, want about 30m", life)
			}
			fake.RevokeTokens()
			presettest.GetMany(t, p.Client, p.BaseURL+"/api/v1/transactions", 5, http.StatusOK)
			if n := fake.TokenRequests(); n != 2 {
				t.Fatalf("token requests after revocation = %d, want 2", n)
			}
		})
	}
}

func TestWrongPassword(t *testing.T) {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	client, err := sopague.New(sopague.Config{BaseURL: fake.BaseURL(), UserName: fake.Credentials().UserName,
		Password: "wrong-password-value", Base: fake.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Get(fake.BaseURL() + "/api/v1/x")
	if !errors.Is(err, outbound.ErrInvalidCredentials) {
		t.Fatalf("err = %v", err)
	}
	presettest.NoSecret(t, err, "wrong-password-value", fake.Credentials().Password)
}

func TestConfig(t *testing.T) {
	cfg := sopague.Config{UserName: "u", Password: "pass-secret"}
	presettest.NoSecret(t, cfg, "pass-secret")
	for name, c := range map[string]sopague.Config{
		"no password":     {UserName: "u"},
		"no user":         {Password: "pass-secret"},
		"bad api":         {UserName: "u", Password: "pass-secret", API: 3},
		"bad base":        {UserName: "u", Password: "pass-secret", BaseURL: "ftp://x"},
		"bad environment": {UserName: "u", Password: "pass-secret", Environment: 4},
	} {
		if _, err := sopague.New(c); !errors.Is(err, outbound.ErrInvalidConfig) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if got := sopague.BaseURL(sopague.Production, sopague.Integration); got != "https://integration.sopague.com.br/sopague" {
		t.Errorf("integration production URL = %s", got)
	}
	if got := sopague.BaseURL(sopague.Sandbox, sopague.Gateway); got != "https://api-hmg.sopague.com.br/gateway" {
		t.Errorf("gateway staging URL = %s", got)
	}
}
