package bankingapi_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// A client whose certificate comes from a PFX file with its password; a
// certificate not bound to the credential is told apart from bad credentials.
func ExampleNew() {
	fake, err := providertest.NewBankingAPI(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	pfx, _ := fake.ClientCertificate().PFX("pfx-password") // as the provider delivers it
	cert, err := mtls.LoadPFX(pfx, "pfx-password")
	if err != nil {
		log.Fatal(err)
	}
	unbound, _ := fake.IssueClientCertificate(&providertest.CertificateOptions{Unbound: true})

	for _, c := range []tls.Certificate{cert, unbound.TLS} {
		client, err := bankingapi.New(bankingapi.Config{
			BaseURL:      fake.BaseURL(),
			RootCAs:      fake.RootCAs(),
			ClientID:     fake.Credentials().ClientID,
			ClientSecret: fake.Credentials().ClientSecret,
			Certificates: []tls.Certificate{c},
		})
		if err != nil {
			log.Fatal(err)
		}
		resp, err := client.Get(fake.BaseURL() + "/public/gw_banking/v1/accounts/123/balance")
		if err != nil {
			fmt.Println(errors.Is(err, bankingapi.ErrInvalidClientCertificate))
			continue
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
	}
	// Output:
	// 200 OK
	// true
}
