// Command efi lists Pix charges through gatehouse's Efí preset: OAuth2 client
// credentials over mTLS, the token cached and refreshed ahead of expiry.
//
// By default it calls a fake Efí Pix API on loopback (package
// outbound/providertest). To call Efí's sandbox (homologação) instead, set:
//
//	EFI_CLIENT_ID       the application's Client_Id
//	EFI_CLIENT_SECRET   its Client_Secret
//	EFI_CERT_PFX        path of the account's .p12 certificate
//	EFI_CERT_PASSWORD   the certificate's password (empty for Efí's files)
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	cfg := efi.Config{Environment: efi.Sandbox, API: efi.Pix}
	if id := os.Getenv("EFI_CLIENT_ID"); id != "" {
		cert, err := mtls.LoadPFXFile(os.Getenv("EFI_CERT_PFX"), os.Getenv("EFI_CERT_PASSWORD"))
		if err != nil {
			return err // names the file, never the password
		}
		cfg.ClientID, cfg.ClientSecret = id, os.Getenv("EFI_CLIENT_SECRET")
		cfg.Certificates = []tls.Certificate{cert}
	} else {
		fake, err := providertest.NewEfi(providertest.EfiPix, nil)
		if err != nil {
			return err
		}
		defer fake.Close()
		cr := fake.Credentials()
		cfg.ClientID, cfg.ClientSecret = cr.ClientID, cr.ClientSecret
		cfg.Certificates = []tls.Certificate{fake.ClientCertificate().TLS}
		cfg.BaseURL, cfg.RootCAs = fake.BaseURL(), fake.RootCAs()
	}
	fmt.Println("config:", cfg) // redacts the secret

	p, err := efi.NewParts(cfg)
	if err != nil {
		return err
	}
	end := time.Now().UTC()
	list := fmt.Sprintf("%s/v2/cob?inicio=%s&fim=%s", p.BaseURL,
		end.Add(-24*time.Hour).Format(time.RFC3339), end.Format(time.RFC3339))
	for range 2 {
		resp, err := p.Client.Get(list)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			err := outbound.ResponseError("GET /v2/cob", resp) // the provider's error code and message
			resp.Body.Close()
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		fmt.Printf("GET /v2/cob: %d %s\n", resp.StatusCode, body)
	}
	s := p.Source.Stats()
	fmt.Printf("2 calls, %d token fetch(es)\n", s.Fetches)
	return nil
}
