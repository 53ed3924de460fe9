// Command bankingapi reads an account balance through gatehouse's Banking API
// preset: client credentials and a client certificate on every call.
//
// By default it calls a fake Banking API on loopback (package
// outbound/providertest). To call a real environment instead, set:
//
//	BANKING_CLIENT_ID, BANKING_CLIENT_SECRET   the credential created in the CORE
//	BANKING_CERT, BANKING_KEY                  the client certificate and key (PEM files)
//	  or BANKING_PFX, BANKING_PFX_PASSWORD     the same as a PFX file
//	BANKING_CA                                 the server's CA (PEM file; empty: system roots)
//	BANKING_BASE_URL                           the environment's base URL
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	account := flag.String("account", "123", "account whose balance to read")
	flag.Parse()
	if err := run(*account); err != nil {
		log.Fatal(err)
	}
}

func run(account string) error {
	var cfg bankingapi.Config
	if id := os.Getenv("BANKING_CLIENT_ID"); id != "" {
		var cert tls.Certificate
		var err error
		if pfx := os.Getenv("BANKING_PFX"); pfx != "" {
			cert, err = mtls.LoadPFXFile(pfx, os.Getenv("BANKING_PFX_PASSWORD"))
		} else {
			cert, err = mtls.LoadPEMFiles(os.Getenv("BANKING_CERT"), os.Getenv("BANKING_KEY"))
		}
		if err != nil {
			return err // names the file, never the password
		}
		if ca := os.Getenv("BANKING_CA"); ca != "" {
			pem, err := os.ReadFile(ca)
			if err != nil {
				return err
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return errors.New("BANKING_CA holds no PEM certificate")
			}
		}
		cfg.ClientID, cfg.ClientSecret = id, os.Getenv("BANKING_CLIENT_SECRET")
		cfg.Certificates = []tls.Certificate{cert}
		cfg.BaseURL = os.Getenv("BANKING_BASE_URL")
	} else {
		fake, err := providertest.NewBankingAPI(nil)
		if err != nil {
			return err
		}
		defer fake.Close()
		cr := fake.Credentials()
		cfg.ClientID, cfg.ClientSecret = cr.ClientID, cr.ClientSecret
		cfg.Certificates = []tls.Certificate{fake.ClientCertificate().TLS}
		cfg.BaseURL, cfg.RootCAs = fake.BaseURL(), fake.RootCAs()
	}
	fmt.Println("config:", cfg) // redacts the secret and the key

	p, err := bankingapi.NewParts(cfg)
	if err != nil {
		return err
	}
	path := "/public/gw_banking/v1/accounts/" + account + "/balance"
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
	fmt.Printf("2 calls, %d token fetch(es)\n", p.Source.Stats().Fetches)
	return nil
}
