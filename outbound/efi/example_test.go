package efi_test

import (
	"crypto/tls"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// A Pix client against a fake Efí: OAuth2 over mTLS, one token for many calls.
func ExampleNewParts() {
	fake, err := providertest.NewEfi(providertest.EfiPix, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	p, err := efi.NewParts(efi.Config{
		API:          efi.Pix,
		BaseURL:      fake.BaseURL(), // instead of efi.BaseURL(efi.Sandbox, efi.Pix)
		RootCAs:      fake.RootCAs(),
		ClientID:     fake.Credentials().ClientID,
		ClientSecret: fake.Credentials().ClientSecret,
		Certificates: []tls.Certificate{fake.ClientCertificate().TLS},
	})
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		resp, err := p.Client.Get(p.BaseURL + "/v2/cob")
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
	}
	fmt.Println("token requests:", fake.TokenRequests())
	// Output:
	// 200 OK
	// 200 OK
	// 200 OK
	// token requests: 1
}
