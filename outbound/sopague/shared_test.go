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
	fake := presettest.Start(t, func() (*providertest.Server, error) { return providertest.NewSoPague(providertest.SoPagueGateway, nil) })
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		cfg := config(fake, sopague.Gateway, fake.Credentials().Password)
		cfg.Store, cfg.SharedOptions = st, o
		p, err := sopague.NewParts(cfg)
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/v1/transactions", nil
	})
}
