package sopague_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

// config is a Config for fake's user and api, with password.
func config(fake *providertest.Server, api sopague.API, password string) sopague.Config {
	return sopague.Config{API: api, BaseURL: fake.BaseURL(), Base: fake.Client().Transport,
		UserName: fake.Credentials().UserName, Password: password}
}

func TestEndToEnd(t *testing.T) {
	for name, api := range map[string]struct {
		fake providertest.SoPagueAPI
		api  sopague.API
	}{"gateway": {providertest.SoPagueGateway, sopague.Gateway}, "integration": {providertest.SoPagueIntegration, sopague.Integration}} {
		t.Run(name, func(t *testing.T) {
			fake := presettest.Start(t, func() (*providertest.Server, error) {
				return providertest.NewSoPague(api.fake, &providertest.Options{TokenLifetime: 30 * time.Minute})
			})
			p, err := sopague.NewParts(config(fake, api.api, fake.Credentials().Password))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Client.CloseIdleConnections()
			presettest.Cached(t, fake, p.Client, p.BaseURL+"/api/v1/transactions", false)
			tok, err := p.Source.Token(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			// Lifetime from created/expiration: 30 minutes, give or take the test's run time.
			if life := time.Until(tok.Expiry); life < 29*time.Minute || life > 30*time.Minute {
				t.Fatalf("token lifetime %v, want about 30m", life)
			}
			fake.RevokeTokens()
			presettest.GetMany(t, p.Client, p.BaseURL+"/api/v1/transactions", 5, 200)
			if n := fake.TokenRequests(); n != 2 {
				t.Fatalf("token requests after revocation = %d, want 2", n)
			}
		})
	}
}

func TestWrongPassword(t *testing.T) {
	fake := presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewSoPague(providertest.SoPagueGateway, nil) })
	client, err := sopague.New(config(fake, sopague.Gateway, "wrong-password-value"))
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
	presettest.Invalid(t, sopague.New, map[string]sopague.Config{
		"no password":     {UserName: "u"},
		"no user":         {Password: "pass-secret"},
		"bad api":         {UserName: "u", Password: "pass-secret", API: 3},
		"bad base":        {UserName: "u", Password: "pass-secret", BaseURL: "ftp://x"},
		"bad environment": {UserName: "u", Password: "pass-secret", Environment: 4},
	}, "pass-secret")
	if got := sopague.BaseURL(sopague.Production, sopague.Integration); got != "https://integration.sopague.com.br/sopague" {
		t.Errorf("integration production URL = %s", got)
	}
	if got := sopague.BaseURL(sopague.Sandbox, sopague.Gateway); got != "https://api-hmg.sopague.com.br/gateway" {
		t.Errorf("gateway staging URL = %s", got)
	}
}
