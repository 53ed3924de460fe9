// Command sopague calls SoPague's Gateway API through gatehouse's SoPague
// preset: a JSON login whose token is cached and renewed ahead of expiry.
//
// By default it calls a fake SoPague on loopback (package
// outbound/providertest). To call SoPague's staging environment instead, set:
//
//	SOPAGUE_USERNAME   the API user
//	SOPAGUE_PASSWORD   its password
//
// and pass the path of an API you have access to with -path.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

func main() {
	path := flag.String("path", "/api/transactions", "API path to call below the base URL")
	flag.Parse()
	if err := run(*path); err != nil {
		log.Fatal(err)
	}
}

func run(path string) error {
	cfg := sopague.Config{Environment: sopague.Sandbox, API: sopague.Gateway}
	if user := os.Getenv("SOPAGUE_USERNAME"); user != "" {
		cfg.UserName, cfg.Password = user, os.Getenv("SOPAGUE_PASSWORD")
	} else {
		fake, err := providertest.NewSoPague(providertest.SoPagueGateway, nil)
		if err != nil {
			return err
		}
		defer fake.Close()
		cr := fake.Credentials()
		cfg.UserName, cfg.Password = cr.UserName, cr.Password
		cfg.BaseURL, cfg.Base = fake.BaseURL(), fake.Client().Transport // trusts the fake's CA
	}
	fmt.Println("config:", cfg) // redacts the password

	p, err := sopague.NewParts(cfg)
	if err != nil {
		return err
	}
	for range 2 {
		resp, err := p.Client.Get(p.BaseURL + path)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			err := outbound.ResponseError("GET "+path, resp) // the provider's error code and message
			resp.Body.Close()
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		fmt.Printf("GET %s: %d %s\n", path, resp.StatusCode, body)
	}
	fmt.Printf("2 calls, %d login(s)\n", p.Source.Stats().Fetches)
	return nil
}
