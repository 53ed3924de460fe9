package efi_test

import (
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestSharedStore(t *testing.T) {
	fake := newFake(t, providertest.EfiPix)
	presettest.SharedStore(t, fake, func(st outbound.Store, o *outbound.SharedOptions) (*http.Client, string, error) {
		cfg := config(fake, efi.Pix)
		cfg.Store, cfg.SharedOptions = st, o
		p, err := efi.NewParts(cfg)
		if err != nil {
			return nil, "", err
		}
		return p.Client, p.BaseURL + "/v2/cob", nil
	})
}
