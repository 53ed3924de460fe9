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
	fake, err := providertest.NewDiviPay(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	p := newClient(t, fake, fake.Credentials().ClientSecret)
	presettest.GetMany(t, p.Client, p.BaseURL+"/api/charge/abc123", 50, http.StatusOK)
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	fake.RevokeTokens()
	presettest.GetMany(t, p.Client, p.BaseURL+"/api/charge/abc123", 5, http.StatusOK)
	if n := fake.TokenRequests(); n != 2 {
		t.Fatalf("token requests after revocation = %d, want 2", n)
	}
}

func TestRefusals(t *testing.T) {
	fake, err := providertest.NewDiviPay(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()

	p := newClient(t, fake, "wrong-secret-value")
	_, err = p.Client.Get(p.BaseURL + "/api/charge/1")
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
	if _, err := divipay.New(divipay.Config{ClientID: "id", ClientSecret: "s3cret-x"}); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Fatalf("sandbox without BaseURL: err = %v", err)
	}
	if _, err := divipay.New(divipay.Config{Environment: divipay.Production, ClientID: "id"}); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Fatalf("no secret: err = %v", err)
	}
	p, err := divipay.NewParts(divipay.Config{Environment: divipay.Production, ClientID: "id", ClientSecret: "s3cret-x"})
	if err != nil || p.BaseURL != divipay.ProductionURL {
		t.Fatalf("production: %v %v", p, err)
	}
	presettest.NoSecret(t, divipay.Config{ClientSecret: "s3cret-x"}, "s3cret-x")
}
