// Command webhooks receives the webhook calls of Efí (Pix, over mutual TLS),
// Asaas, SoPague and any Standard Webhooks sender, each behind its gatehouse
// validator, with net/http:
//
//	POST /webhooks/efi/pix     Efí: client certificate of Efí's webhook CA (registered URL: /webhooks/efi)
//	POST /webhooks/asaas       Asaas: asaas-access-token header
//	POST /webhooks/sopague     SoPague: Access-Key header or Basic
//	POST /webhooks/standard    Standard Webhooks: v1 (HMAC-SHA256) signature; each webhook-id processed once
//
// The server speaks TLS with webhooks.EfiServerTLS, so Efí's registration
// probe (sent without a certificate) reaches the Efí validator and is
// refused. With -selftest it serves on a random loopback port, drives every
// route with the senders of package outbound/providertest (which behave as
// each provider does), sends bad calls too, prints one line per call and a
// verdict, "PASS: …" or "FAIL: …", and exits with status 1 on FAIL.
//
//	go run ./examples/webhooks -selftest
//	go run ./examples/webhooks          # serve on 127.0.0.1:8443 with random secrets (logged as such, never printed)
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/webhooks"
	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "address to listen on")
	test := flag.Bool("selftest", false, "serve on a random loopback port, send the providers' calls, print the answers and a verdict, and exit")
	flag.Parse()
	ok, err := run(*addr, *test, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	if !ok {
		os.Exit(1)
	}
}

// config is what the receiver accepts. The values are secrets: never print
// them.
type config struct {
	efiRoots      *x509.CertPool
	asaasToken    string
	sopagueKey    string
	webhookSecret string // "whsec_…"
}

// receiver is the webhook routes and what their handlers saw.
type receiver struct {
	mu        sync.Mutex
	processed map[string]bool // webhook-ids already handled
	received  []string
}

// routes builds the mux: one Guard per provider.
func (rc *receiver) routes(cfg config) (http.Handler, error) {
	efi, err := webhooks.Efi(webhooks.EfiOptions{Roots: cfg.efiRoots})
	if err != nil {
		return nil, err
	}
	asaas, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"current": cfg.asaasToken}})
	if err != nil {
		return nil, err
	}
	sopague, err := webhooks.SoPague(webhooks.SoPagueOptions{AccessKeys: map[string]string{"support-2025": cfg.sopagueKey}})
	if err != nil {
		return nil, err
	}
	standard, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{Secrets: map[string]string{"v1-2025": cfg.webhookSecret}})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for pattern, v := range map[string]inbound.Validator{
		"POST /webhooks/efi/pix":  efi,
		"POST /webhooks/asaas":    asaas,
		"POST /webhooks/sopague":  sopague,
		"POST /webhooks/standard": standard,
	} {
		g, err := middleware.New(v, nil)
		if err != nil {
			return nil, err
		}
		mux.Handle(pattern, stdauth.Require(g)(http.HandlerFunc(rc.handle)))
	}
	return mux, nil
}

// handle records a verified call. A message seen before (senders deliver at
// least once) is acknowledged without being processed again.
func (rc *receiver) handle(w http.ResponseWriter, r *http.Request) {
	p, _ := stdauth.Principal(r)
	body, err := io.ReadAll(r.Body) // the bytes the validator verified
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if p.ID != "" && rc.processed[p.ID] {
		w.WriteHeader(http.StatusOK)
		return
	}
	if p.ID != "" {
		rc.processed[p.ID] = true
	}
	rc.received = append(rc.received, fmt.Sprintf("%s %s (%s) %d bytes", r.URL.Path, p.Subject, p.KeyID, len(body)))
	w.WriteHeader(http.StatusOK)
}

// asaasToken returns a random token that follows Asaas's rules (as its
// "Gerar token" button does): random text can, rarely, hold a run such as
// 23456, which Asaas refuses.
func asaasToken() string {
	for {
		t := "wh-" + randomText()
		if _, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"t": t}}); err == nil {
			return t
		}
	}
}

// serverCert is a throwaway server certificate for loopback.
func serverCert() (tls.Certificate, *x509.CertPool, error) {
	ca, err := testpki.NewCA("examples/webhooks server CA")
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := ca.Issue(testpki.LeafOptions{})
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return leaf.TLS, ca.Pool(), nil
}

func run(addr string, test bool, out io.Writer) (bool, error) {
	cert, serverRoots, err := serverCert()
	if err != nil {
		return false, err
	}
	efi, err := providertest.NewEfiWebhookSender(&providertest.EfiWebhookOptions{ServerRootCAs: serverRoots})
	if err != nil {
		return false, err
	}
	defer efi.Close()
	cfg := config{
		efiRoots:      efi.RootCAs(), // in production: Efí's certificate-chain-prod.crt
		asaasToken:    asaasToken(),
		sopagueKey:    "sk-" + randomText(),
		webhookSecret: providertest.NewWebhookSecret(),
	}
	rc := &receiver{processed: map[string]bool{}}
	h, err := rc.routes(cfg)
	if err != nil {
		return false, err
	}
	if test {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		TLSConfig: webhooks.EfiServerTLS(cert, cfg.efiRoots)}
	if !test {
		log.Printf("listening on https://%s with random secrets and a throwaway Efí CA (try -selftest)", ln.Addr())
		return true, srv.ServeTLS(ln, "", "")
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	defer srv.Shutdown(context.Background())
	return selftest(context.Background(), "https://"+ln.Addr().String(), cfg, efi, rc, serverRoots, out)
}
