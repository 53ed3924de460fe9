package asaas_test

import (
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound/asaas"
)

// A production key is never sent to the sandbox: New refuses the pairing.
func ExampleNew() {
	_, err := asaas.New(asaas.Config{
		Environment: asaas.Sandbox,
		APIKey:      "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmRlNzQ",
		UserAgent:   "shop/1.0",
	})
	fmt.Println(err)
	// Output: asaas: invalid configuration: APIKey is a production key but Environment is sandbox
}

// EnvironmentOf picks the environment from the key itself.
func ExampleEnvironmentOf() {
	env, err := asaas.EnvironmentOf("$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmRlNzQ")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(env == asaas.Sandbox, asaas.BaseURL(env))
	// Output: true https://api-sandbox.asaas.com/v3
}
