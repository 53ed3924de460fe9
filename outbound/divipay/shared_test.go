package divipay_test

import (
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestSharedStore(t *testing.T) {
	fake := presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewDiviPay(nil) })
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		p, err := divipay.NewParts(divipay.Config{BaseURL: fake.BaseURL(), Base: fake.Client().Transport,
			ClientID: fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret, Store: st, SharedOptions: o})
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/api/v1/charges", nil
	})
}
