package bankingapi_test

import (
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
)

func TestSharedStore(t *testing.T) {
	fake := newFake(t)
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		cfg := config(fake)
		cfg.Store, cfg.SharedOptions = st, o
		p, err := bankingapi.NewParts(cfg)
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/accounts", nil
	})
}
