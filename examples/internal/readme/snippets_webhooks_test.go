package readme_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/webhooks"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// The README's webhook snippets. Those without an Output comment read
// files or listen on a port, so go test compiles them without running them.

// handlePix stands for the user's handler.
var handlePix = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

func Example_webhookEfi() {
	roots := x509.NewCertPool() // Efí's webhook CA, downloaded from Efí
	caPEM, err := os.ReadFile("certificate-chain-prod.crt")
	if err != nil || !roots.AppendCertsFromPEM(caPEM) {
		log.Fatal("cannot read Efí's webhook CA")
	}
	v, err := webhooks.Efi(webhooks.EfiOptions{Roots: roots})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair("server.crt", "server.key")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux() // registered URL: https://example.com/webhooks/efi
	mux.Handle("POST /webhooks/efi/pix", stdauth.Require(guard)(handlePix))
	srv := &http.Server{Addr: ":443", Handler: mux, TLSConfig: webhooks.EfiServerTLS(cert, roots)}
	log.Fatal(srv.ListenAndServeTLS("", "")) // Efí's probe without a certificate gets 401
}

func Example_webhookAsaas() {
	v, err := webhooks.Asaas(webhooks.AsaasOptions{
		Tokens:        map[string]string{"2025-06": os.Getenv("ASAAS_WEBHOOK_TOKEN")}, // Asaas's rules checked here
		CheckSourceIP: true,                                                           // only Asaas's documented addresses
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /webhooks/asaas", stdauth.Require(guard)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Asaas retries anything but 200, so the same event may arrive twice: deduplicate by its id.
		w.WriteHeader(http.StatusOK)
	})))
}

func Example_webhookSoPague() {
	v, err := webhooks.SoPague(webhooks.SoPagueOptions{
		AccessKeys: map[string]string{"support": os.Getenv("SOPAGUE_ACCESS_KEY")},
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /webhooks/sopague", stdauth.Require(guard)(handlePix))
}

func Example_webhookStandard() {
	secret := providertest.NewWebhookSecret() // "whsec_…", as the sender issued it
	v, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{
		Secrets: map[string]string{"2025": secret}, // several during a rotation
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(stdauth.Require(guard)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		body, _ := io.ReadAll(r.Body) // the verified bytes, still readable
		fmt.Printf("%s %s %s\n", p.KeyID, p.ID, body)
	})))
	defer srv.Close()

	sender, err := providertest.NewStandardWebhookSender(srv.URL, providertest.StandardWebhookOptions{Secrets: []string{secret}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := sender.Send(context.Background(), "msg_1", []byte(`{"type":"invoice.paid"}`)); err != nil {
		log.Fatal(err)
	}
	// Output: 2025 msg_1 {"type":"invoice.paid"}
}
