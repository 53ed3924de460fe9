package providertest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// A client that authenticates with a signed assertion instead of a secret
// (private_key_jwt) and sends DPoP-bound tokens, against the generic OAuth2
// fake that enforces both.
func ExampleNewOAuth2() {
	clientKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // registered with the server
	fake, err := providertest.NewOAuth2(providertest.OAuth2Config{
		ClientAuth:  providertest.PrivateKeyJWT,
		ClientKey:   clientKey.Public(),
		RequireDPoP: true,
		DPoPNonce:   "server-nonce",
	}, nil)
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	dpopKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // per client instance
	prover, err := outbound.NewDPoPProver(dpopKey, nil)
	if err != nil {
		panic(err)
	}
	src := outbound.NewSource(&outbound.ClientCredentials{
		TokenURL:  fake.TokenURL(),
		ClientID:  fake.Credentials().ClientID,
		AuthStyle: outbound.AuthPrivateKeyJWT,
		Assertion: &outbound.ClientAssertion{Key: clientKey},
		DPoP:      prover,
		Client:    fake.Client(),
	}, nil)
	client := &http.Client{Transport: outbound.Chain(fake.Client().Transport, outbound.DPoP(src, prover))}
	defer client.CloseIdleConnections()

	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, fake.URL+"/v1/balance", nil)
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	tok, _ := src.Token(context.Background())
	fmt.Println(resp.StatusCode, tok.Type, fake.TokenRequests())
	// Output: 200 DPoP 2
}
