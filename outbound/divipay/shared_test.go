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
	fake, err := providertest.NewDiviPay(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	cr := fake.Credentials()
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		p, err := divipay.NewParts(divipay.Config{BaseURL: fake.BaseURL(), Base: fake.Client().Transport,
			ClientID: cr.ClientID, ClientSecret: cr.ClientSecret, Store: st, SharedOptions: o})
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/api/v1/charges", nil
	})
}
