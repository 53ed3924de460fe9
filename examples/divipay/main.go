// Command divipay fetches a charge through gatehouse's DiviPay preset: a JSON
// login answered with 201, the token renewed 5 minutes before expiry as
// DiviPay advises.
//
// By default it calls a fake DiviPay on loopback (package
// outbound/providertest). To call a real DiviPay environment instead, set:
//
//	DIVIPAY_CLIENT_ID       the client_id from DiviPay's panel
//	DIVIPAY_CLIENT_SECRET   its client_secret
//	DIVIPAY_BASE_URL        the environment's base URL (DiviPay documents
//	                        only production: https://api.divipay.com.br)
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	charge := flag.String("charge", "abc123", "id of the charge to fetch")
	flag.Parse()
	if err := run(*charge); err != nil {
		log.Fatal(err)
	}
}

func run(charge string) error {
	var cfg divipay.Config
	if id := os.Getenv("DIVIPAY_CLIENT_ID"); id != "" {
		cfg.ClientID, cfg.ClientSecret = id, os.Getenv("DIVIPAY_CLIENT_SECRET")
		cfg.BaseURL = os.Getenv("DIVIPAY_BASE_URL")
	} else {
		fake, err := providertest.NewDiviPay(nil)
		if err != nil {
			return err
		}
		defer fake.Close()
		cr := fake.Credentials()
		cfg.ClientID, cfg.ClientSecret = cr.ClientID, cr.ClientSecret
		cfg.BaseURL, cfg.Base = fake.BaseURL(), fake.Client().Transport // trusts the fake's CA
	}
	fmt.Println("config:", cfg) // redacts the secret
	// Every fetch in the log, one line: the event's LogValue never holds the token.
	cfg.SourceOptions = &outbound.SourceOptions{OnFetch: func(ev outbound.FetchEvent) { slog.Info("divipay token", "fetch", ev) }}

	p, err := divipay.NewParts(cfg) // an empty BaseURL is an error here, not at request time
	if err != nil {
		return err
	}
	for range 2 {
		resp, err := p.Client.Get(p.BaseURL + "/api/charge/" + charge)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			err := outbound.ResponseError("GET /api/charge/"+charge, resp) // the provider's error code and message
			resp.Body.Close()
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		fmt.Printf("GET /api/charge/%s: %d %s\n", charge, resp.StatusCode, body)
	}
	fmt.Printf("2 calls, %d token fetch(es)\n", p.Source.Stats().Fetches)
	return nil
}
