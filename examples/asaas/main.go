// Command asaas lists customers and payments through gatehouse's Asaas preset:
// the API key in the access_token header, a User-Agent on every request, and
// a key of the wrong environment refused before anything is sent.
//
// By default it calls a fake Asaas sandbox on loopback (package
// outbound/providertest). To call Asaas instead, set:
//
//	ASAAS_API_KEY   the account's key; its prefix picks the environment
//	                ($aact_hmlg_: sandbox, $aact_prod_: production)
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	cfg := asaas.Config{UserAgent: "gatehouse-example/1.0"}
	if key := os.Getenv("ASAAS_API_KEY"); key != "" {
		env, err := asaas.EnvironmentOf(key) // never echoes the key
		if err != nil {
			return err
		}
		cfg.Environment, cfg.APIKey = env, key
	} else {
		fake, err := providertest.NewAsaas(providertest.Sandbox, nil)
		if err != nil {
			return err
		}
		defer fake.Close()
		cfg.APIKey = fake.Credentials().APIKey
		cfg.BaseURL, cfg.Base = fake.BaseURL(), fake.Client().Transport // trusts the fake's CA
	}
	fmt.Println("config:", cfg) // redacts the key

	client, err := asaas.New(cfg)
	if err != nil {
		return err
	}
	base := cfg.BaseURL
	if base == "" {
		base = asaas.BaseURL(cfg.Environment)
	}
	for _, path := range []string{"/customers?limit=1", "/payments?limit=1"} {
		resp, err := client.Get(base + path)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			err := outbound.ResponseError("GET "+path, resp) // Asaas's {"errors":[...]} body
			resp.Body.Close()
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		fmt.Printf("GET %s: %d %s\n", path, resp.StatusCode, body)
	}

	// The key goes to the configured host only: anywhere else, nothing is sent.
	_, err = client.Get("https://example.com/v3/customers")
	fmt.Println("request to another host refused:", errors.Is(err, outbound.ErrHostNotAllowed))
	return nil
}
