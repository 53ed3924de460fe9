package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// provider is one fake provider and the gatehouse client that calls it.
type provider struct {
	name   string
	id     string // the gatehouse.source attribute of its Source's metrics
	fake   *providertest.Server
	client *http.Client
	url    string           // the API endpoint the clients call
	path   string           // its path, which the fake echoes back
	source *outbound.Source // nil for Asaas, whose API key never expires
	shared bool             // its Source shares the token with other replicas

	requests, ok, failed atomic.Int64
	// replicaRequests counts the token requests a replica's own fetcher
	// sent to the fake it shares with the other replicas.
	replicaRequests *atomic.Int64
}

// tokenRequests is how many token requests this client sent to its fake
// provider: the fake's own count, except for replicas, which share one fake
// (and whose Source fetches are often answered by the store instead).
func (p *provider) tokenRequests() int64 {
	switch {
	case p.source == nil:
		return 0
	case p.shared:
		return p.replicaRequests.Load()
	}
	return p.fake.TokenRequests()
}

// startProviders starts the five fakes, each with a client built by its
// preset exactly as a program talking to the real provider would build it:
// only the base URL and the CA that signed the fake's certificate differ.
func startProviders(lifetime time.Duration, tel *telemetry) ([]*provider, error) {
	opts := &providertest.Options{TokenLifetime: lifetime}
	starts := []func(*providertest.Options, *telemetry) (*provider, error){
		startEfi, startSoPague, startDiviPay, startBankingAPI, startAsaas,
	}
	var ps []*provider
	for _, start := range starts {
		p, err := start(opts, tel)
		if err != nil {
			closeProviders(ps)
			return nil, err
		}
		ps = append(ps, p)
	}
	replicas, err := startFleet(opts, tel)
	if err != nil {
		closeProviders(ps)
		return nil, err
	}
	return append(ps, replicas...), nil
}

func closeProviders(ps []*provider) {
	for _, p := range ps {
		p.fake.Close()
	}
}

// The fakes' own client transport trusts the fake's CA and keeps enough idle
// connections for the demo's concurrency; the presets clone it when they add
// a client certificate.

func startEfi(opts *providertest.Options, tel *telemetry) (*provider, error) {
	fake, err := providertest.NewEfi(providertest.EfiPix, opts)
	if err != nil {
		return nil, err
	}
	cr := fake.Credentials()
	parts, err := efi.NewParts(efi.Config{
		API:           efi.Pix,
		BaseURL:       fake.BaseURL(),
		ClientID:      cr.ClientID,
		ClientSecret:  cr.ClientSecret,
		Certificates:  []tls.Certificate{fake.ClientCertificate().TLS}, // Pix requires mTLS
		RootCAs:       fake.RootCAs(),
		Base:          fake.Client().Transport,
		SourceOptions: tel.source("efi"),
	})
	if err != nil {
		return nil, closeOnError(fake, "Efí Pix (mTLS)", err)
	}
	return newProvider("Efí Pix (mTLS)", "efi", fake, parts.Client, parts.Source, parts.BaseURL, "/v2/cob")
}

func startSoPague(opts *providertest.Options, tel *telemetry) (*provider, error) {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, opts)
	if err != nil {
		return nil, err
	}
	cr := fake.Credentials()
	parts, err := sopague.NewParts(sopague.Config{
		API:           sopague.Gateway,
		BaseURL:       fake.BaseURL(),
		UserName:      cr.UserName,
		Password:      cr.Password,
		Base:          fake.Client().Transport,
		SourceOptions: tel.source("sopague"),
	})
	if err != nil {
		return nil, closeOnError(fake, "SoPague Gateway", err)
	}
	return newProvider("SoPague Gateway", "sopague", fake, parts.Client, parts.Source, parts.BaseURL, "/api/transactions")
}

func startDiviPay(opts *providertest.Options, tel *telemetry) (*provider, error) {
	fake, err := providertest.NewDiviPay(opts)
	if err != nil {
		return nil, err
	}
	cr := fake.Credentials()
	parts, err := divipay.NewParts(divipay.Config{
		BaseURL:       fake.BaseURL(),
		ClientID:      cr.ClientID,
		ClientSecret:  cr.ClientSecret,
		Base:          fake.Client().Transport,
		SourceOptions: tel.source("divipay"),
	})
	if err != nil {
		return nil, closeOnError(fake, "DiviPay", err)
	}
	return newProvider("DiviPay", "divipay", fake, parts.Client, parts.Source, parts.BaseURL, "/api/charge/demo")
}

func startBankingAPI(opts *providertest.Options, tel *telemetry) (*provider, error) {
	fake, err := providertest.NewBankingAPI(opts)
	if err != nil {
		return nil, err
	}
	cr := fake.Credentials()
	parts, err := bankingapi.NewParts(bankingapi.Config{
		BaseURL:       fake.BaseURL(),
		ClientID:      cr.ClientID,
		ClientSecret:  cr.ClientSecret,
		Certificates:  []tls.Certificate{fake.ClientCertificate().TLS}, // token and API calls over mTLS
		RootCAs:       fake.RootCAs(),
		Base:          fake.Client().Transport,
		SourceOptions: tel.source("bankingapi"),
	})
	if err != nil {
		return nil, closeOnError(fake, "Banking API (mTLS)", err)
	}
	return newProvider("Banking API (mTLS)", "bankingapi", fake, parts.Client, parts.Source, parts.BaseURL, "/public/gw_banking/v1/balance")
}

func startAsaas(opts *providertest.Options, tel *telemetry) (*provider, error) {
	fake, err := providertest.NewAsaas(providertest.Sandbox, opts)
	if err != nil {
		return nil, err
	}
	client, err := asaas.New(asaas.Config{
		Environment: asaas.Sandbox, // New refuses a key of the other environment
		BaseURL:     fake.BaseURL(),
		APIKey:      fake.Credentials().APIKey,
		UserAgent:   "gatehouse-demo/1.0",
		Base:        fake.Client().Transport,
	})
	if err != nil {
		return nil, closeOnError(fake, "Asaas (API key)", err)
	}
	return newProvider("Asaas (API key)", "asaas", fake, client, nil, fake.BaseURL(), "/payments")
}

// closeOnError closes the fake whose client could not be built.
func closeOnError(fake *providertest.Server, name string, err error) error {
	fake.Close()
	return fmt.Errorf("%s: %w", name, err)
}

// newProvider finishes a start function.
func newProvider(name, id string, fake *providertest.Server, client *http.Client, src *outbound.Source, base, path string) (*provider, error) {
	u, err := url.Parse(base + path)
	if err != nil {
		return nil, closeOnError(fake, name, err)
	}
	return &provider{name: name, id: id, fake: fake, client: client, source: src, url: u.String(), path: u.Path}, nil
}

// call makes one API call and checks that the fake answered 200 with an echo
// of the request. The preset client adds the token (or API key) by itself.
func (p *provider) call(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// ResponseError parses each provider's error body into *outbound.Error.
		return outbound.ResponseError("GET "+p.path, resp)
	}
	var echo providertest.APIResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&echo); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	if echo.Path != p.path {
		return fmt.Errorf("the provider saw path %q, want %q", echo.Path, p.path)
	}
	return nil
}
