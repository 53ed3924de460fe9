package main

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// fleetReplicas is how many replicas of one service share a DiviPay
// credential through one Store.
const fleetReplicas = 2

// fleet counts what the replicas' Shared fetchers did, through a hook
// chained after gatehouse's.
type fleet struct {
	events [outbound.SharedLocalFallback + 1]atomic.Int64
}

// startFleet starts one more fake DiviPay and fleetReplicas clients of it,
// each with its own Source, as separate processes would have, sharing their
// token through outbound.Shared over one MemoryStore (Redis, with
// outbound/redisstore, in a real fleet).
func startFleet(opts *providertest.Options, tel *telemetry) ([]*provider, error) {
	fake, err := providertest.NewDiviPay(opts)
	if err != nil {
		return nil, err
	}
	cr := fake.Credentials()
	store := outbound.MemoryStore()
	key := outbound.CredentialKey("divipay", fake.TokenURL(), cr.ClientID)
	var ps []*provider
	for i := 1; i <= fleetReplicas; i++ {
		id := fmt.Sprintf("divipay-replica-%d", i)
		fetcher := &outbound.JSONFetcher{ // what the divipay preset builds
			URL:            fake.TokenURL(),
			Body:           map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret},
			TokenField:     "token",
			TypeField:      "type",
			ExpiresInField: "expireIn",
			Statuses:       []int{http.StatusCreated},
			Client:         fake.Client(),
		}
		// Counts this replica's own token requests, which the shared fake
		// cannot tell apart.
		requests := new(atomic.Int64)
		counted := outbound.FetcherFunc(func(ctx context.Context) (outbound.Token, error) {
			requests.Add(1)
			return fetcher.Fetch(ctx)
		})
		src := outbound.NewSource(outbound.Shared(counted, store, key, tel.shared(id)), tel.source(id))
		client := &http.Client{Transport: outbound.Chain(fake.Client().Transport, outbound.Bearer(src))}
		p, err := newProvider(fmt.Sprintf("DiviPay replica %d", i), id, fake, client, src, fake.BaseURL(), "/api/charge/demo")
		if err != nil {
			return nil, err
		}
		p.shared, p.replicaRequests = true, requests
		ps = append(ps, p)
	}
	return ps, nil
}
