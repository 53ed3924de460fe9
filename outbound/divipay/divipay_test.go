package divipay_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func newClient(t *testing.T, fake *providertest.Server, secret string) *divipay.Parts {
	t.Helper()
	p, err := divipay.NewParts(divipay.Config{BaseURL: fake.BaseURL(), ClientID: fake.Credentials().ClientID,
		ClientSecret: secret, Base: fake.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Client.CloseIdleConnections)
	return p
}

func TestEndToEnd(t *testing.T) {
	fake := presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewDiviPay(nil) })
	p := newClient(t, fake, fake.Credentials().ClientSecret)
	presettest.Cached(t, fake, p.Client, p.BaseURL+"/api/charge/abc123", true)
}

func TestRefusals(t *testing.T) {
	fake := presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewDiviPay(nil) })
	p := newClient(t, fake, "wrong-secret-value")
	_, err := p.Client.Get(p.BaseURL + "/api/charge/1")
	var oe *outbound.Error
	if !errors.Is(err, outbound.ErrInvalidCredentials) || !errors.As(err, &oe) || oe.Message != "Invalid credentials" {
		t.Fatalf("err = %v", err)
	}
	presettest.NoSecret(t, err, "wrong-secret-value", fake.Credentials().ClientSecret)

	fake.DisableAPIAccess()
	p = newClient(t, fake, fake.Credentials().ClientSecret)
	_, err = p.Client.Get(p.BaseURL + "/api/charge/1")
	if !errors.Is(err, outbound.ErrForbidden) || !errors.As(err, &oe) || oe.Message != "API access not enabled for this account" {
		t.Fatalf("err = %v", err)
	}

	fake.EnableAPIAccess()
	fake.FailNext(1, http.StatusServiceUnavailable, 0)
	p = newClient(t, fake, fake.Credentials().ClientSecret)
	if _, err = p.Client.Get(p.BaseURL + "/api/charge/1"); !errors.Is(err, outbound.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}

func TestConfig(t *testing.T) {
	presettest.Invalid(t, divipay.New, map[string]divipay.Config{
		"sandbox without BaseURL": {ClientID: "id", ClientSecret: "s3cret-x"},
		"no secret":               {Environment: divipay.Production, ClientID: "id"},
	}, "s3cret-x")
	p, err := divipay.NewParts(divipay.Config{Environment: divipay.Production, ClientID: "id", ClientSecret: "s3cret-x"})
	if err != nil || p.BaseURL != divipay.ProductionURL {
		t.Fatalf("production: %v %v", p, err)
	}
}
