package sopague_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// A Gateway API client against a fake SoPague. The token lives as long as
// SoPague's expiration minus created says, whatever the local clock reads.
func ExampleNewParts() {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, &providertest.Options{TokenLifetime: 30 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	p, err := sopague.NewParts(sopague.Config{
		API:      sopague.Gateway,
		BaseURL:  fake.BaseURL(),
		Base:     fake.Client().Transport, // trusts the fake's CA
		UserName: fake.Credentials().UserName,
		Password: fake.Credentials().Password,
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := p.Client.Get(p.BaseURL + "/api/transactions")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	tok, err := p.Source.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status, "after", fake.TokenRequests(), "login; token for", time.Until(tok.Expiry).Round(time.Minute))
	// Output: 200 OK after 1 login; token for 30m0s
}
