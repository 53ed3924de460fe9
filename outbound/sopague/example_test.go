package sopague_test

import (
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// A Gateway API client against a fake SoPague.
func ExampleNew() {
	fake, err := providertest.NewSoPague(providertest.SoPagueGateway, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	client, err := sopague.New(sopague.Config{
		API:      sopague.Gateway,
		BaseURL:  fake.BaseURL(),
		Base:     fake.Client().Transport, // trusts the fake's CA
		UserName: fake.Credentials().UserName,
		Password: fake.Credentials().Password,
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Get(fake.BaseURL() + "/api/transactions")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after", fake.TokenRequests(), "login")
	// Output: 200 OK after 1 login
}
