package outbound_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// A fake clock shared by the fake provider and the preset's Source (as
// providertest suggests) works: the presets stamp expiries with the Source's
// clock, so no token is "expired on arrival" and none lives longer than its
// lifetime on that clock.
func TestPresetsUseTheSourceClock(t *testing.T) {
	for _, offset := range []time.Duration{400 * 24 * time.Hour, -400 * 24 * time.Hour} {
		fakeNow := time.Now().Add(offset).Round(0)
		clock := func() time.Time { return fakeNow }
		so := &outbound.SourceOptions{Now: clock}
		po := &providertest.Options{Now: clock}
		type built struct {
			src  *outbound.Source
			life time.Duration
		}
		presets := map[string]func(t *testing.T) built{
			"efi": func(t *testing.T) built {
				fake := start(t, func() (*providertest.Server, error) { return providertest.NewEfi(providertest.EfiPix, po) })
				p, err := efi.NewParts(efi.Config{BaseURL: fake.BaseURL(), RootCAs: fake.RootCAs(), SourceOptions: so,
					Certificates: []tls.Certificate{fake.ClientCertificate().TLS},
					ClientID:     fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret})
				check(t, err)
				t.Cleanup(p.Client.CloseIdleConnections)
				return built{p.Source, time.Hour}
			},
			"sopague": func(t *testing.T) built {
				fake := start(t, func() (*providertest.Server, error) { return providertest.NewSoPague(providertest.SoPagueGateway, po) })
				p, err := sopague.NewParts(sopague.Config{BaseURL: fake.BaseURL(), Base: fake.Client().Transport, SourceOptions: so,
					UserName: fake.Credentials().UserName, Password: fake.Credentials().Password})
				check(t, err)
				t.Cleanup(p.Client.CloseIdleConnections)
				return built{p.Source, time.Hour}
			},
			"divipay": func(t *testing.T) built {
				fake := start(t, func() (*providertest.Server, error) { return providertest.NewDiviPay(po) })
				p, err := divipay.NewParts(divipay.Config{BaseURL: fake.BaseURL(), Base: fake.Client().Transport, SourceOptions: so,
					ClientID: fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret})
				check(t, err)
				t.Cleanup(p.Client.CloseIdleConnections)
				return built{p.Source, 24 * time.Hour}
			},
			"bankingapi": func(t *testing.T) built {
				fake := start(t, func() (*providertest.Server, error) { return providertest.NewBankingAPI(po) })
				p, err := bankingapi.NewParts(bankingapi.Config{BaseURL: fake.BaseURL(), RootCAs: fake.RootCAs(), SourceOptions: so,
					Certificates: []tls.Certificate{fake.ClientCertificate().TLS},
					ClientID:     fake.Credentials().ClientID, ClientSecret: fake.Credentials().ClientSecret})
				check(t, err)
				t.Cleanup(p.Client.CloseIdleConnections)
				return built{p.Source, time.Hour}
			},
		}
		for name, build := range presets {
			t.Run(name+"/"+offset.String(), func(t *testing.T) {
				b := build(t)
				tok, err := b.src.Token(context.Background())
				if err != nil {
					t.Fatalf("Token: %v", err)
				}
				if got := tok.Expiry.Sub(fakeNow); got != b.life {
					t.Fatalf("expiry %v after the shared clock's now, want %v", got, b.life)
				}
			})
		}
	}
}

func start(t *testing.T, f func() (*providertest.Server, error)) *providertest.Server {
	t.Helper()
	s, err := f()
	check(t, err)
	t.Cleanup(s.Close)
	return s
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
