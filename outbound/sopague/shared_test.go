package sopague_test

import (
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

func TestSharedStore(t *testing.T) {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	cr := fake.Credentials()
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		p, err := sopague.NewParts(sopague.Config{API: sopague.Gateway, BaseURL: fake.BaseURL(), Base: fake.Client().Transport,
			UserName: cr.UserName, Password: cr.Password, Store: st, SharedOptions: o})
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/v1/transactions", nil
	})
}
