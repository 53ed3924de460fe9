package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// randomText returns 52 random base32 characters.
func randomText() string { return rand.Text() + rand.Text() }

// call is one step of the self-test: what was sent and what must come back.
type call struct {
	name   string
	send   func(ctx context.Context) (status int, code string, err error)
	status int
	code   string
}

// selftest drives the receiver at base as the providers do and prints one
// line per call and the verdict. It never prints a secret.
func selftest(ctx context.Context, base string, cfg config, efi *providertest.EfiWebhookSender, rc *receiver, serverRoots *x509.CertPool, out io.Writer) (bool, error) {
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: serverRoots, MinVersion: tls.VersionTLS12}}, Timeout: 10 * time.Second}
	defer plain.CloseIdleConnections()
	asaas := func(token string, attempts int) func(context.Context) (int, string, error) {
		return func(ctx context.Context) (int, string, error) {
			s := providertest.NewAsaasWebhookSender(base+"/webhooks/asaas", &providertest.AsaasWebhookOptions{Token: token, Client: plain, MaxAttempts: attempts})
			d, err := s.Send(ctx, providertest.AsaasEvent{Event: "PAYMENT_RECEIVED", Payment: map[string]any{"id": "pay_080225913252", "value": 129.9}})
			return d.Status, "", ignoreRefused(err)
		}
	}
	standard := func(secret string, now time.Time, id string, body []byte) func(context.Context) (int, string, error) {
		return func(ctx context.Context) (int, string, error) {
			s, err := providertest.NewStandardWebhookSender(base+"/webhooks/standard", providertest.StandardWebhookOptions{
				Secrets: []string{secret}, Client: plain, Now: func() time.Time { return now }})
			if err != nil {
				return 0, "", err
			}
			return post(ctx, plain, base+"/webhooks/standard", s.Headers(id, body), body)
		}
	}
	now := time.Now()
	event := []byte(`{"type":"invoice.paid","data":{"id":"inv_1"}}`)
	calls := []call{
		{"efi: registration (probe without a certificate refused, then accepted with one)", func(ctx context.Context) (int, string, error) {
			return 200, "", efi.Register(ctx, base+"/webhooks/efi")
		}, 200, ""},
		{"efi: the probe itself", func(ctx context.Context) (int, string, error) {
			return post(ctx, plain, base+"/webhooks/efi/pix", nil, []byte(`{}`))
		}, 401, "client_certificate_required"},
		{"efi: Pix received, to the registered URL + /pix", func(ctx context.Context) (int, string, error) {
			d, err := efi.Notify(ctx, providertest.EfiWebhookPix{EndToEndID: "E09089356202501011200abcdef12345", TxID: "tx1", Key: "chave@example.com", Amount: "129.90"})
			return d.Status, "", err
		}, 200, ""},
		{"asaas: event with the token", asaas(cfg.asaasToken, 1), 200, ""},
		{"asaas: wrong token (retried, as Asaas does)", asaas(cfg.asaasToken+"x", 3), 401, ""},
		{"asaas: no token", func(ctx context.Context) (int, string, error) {
			return post(ctx, plain, base+"/webhooks/asaas", nil, []byte(`{}`))
		}, 401, "missing_webhook_secret"},
		{"sopague: Access-Key", func(ctx context.Context) (int, string, error) {
			d, err := providertest.NewSoPagueWebhookSender(base+"/webhooks/sopague", &providertest.SoPagueWebhookOptions{AccessKey: cfg.sopagueKey, Client: plain}).
				Send(ctx, []byte(`{"status":"PAID"}`))
			return d.Status, "", err
		}, 200, ""},
		{"sopague: wrong Access-Key", func(ctx context.Context) (int, string, error) {
			return post(ctx, plain, base+"/webhooks/sopague", http.Header{"Access-Key": {"not-the-key-0123456789"}}, []byte(`{}`))
		}, 401, "invalid_webhook_secret"},
		{"standard: signed event", standard(cfg.webhookSecret, now, "msg_1", event), 200, ""},
		{"standard: the same webhook-id again (acknowledged, not processed twice)", standard(cfg.webhookSecret, now, "msg_1", event), 200, ""},
		{"standard: signed with another secret", standard(providertest.NewWebhookSecret(), now, "msg_2", event), 401, "invalid_webhook_signature"},
		{"standard: an hour old", standard(cfg.webhookSecret, now.Add(-time.Hour), "msg_3", event), 401, "webhook_timestamp_out_of_range"},
		{"standard: 2 MiB body", standard(cfg.webhookSecret, now, "msg_4", make([]byte, 2<<20)), 413, "webhook_body_too_large"},
		{"standard: no signature headers", func(ctx context.Context) (int, string, error) {
			return post(ctx, plain, base+"/webhooks/standard", nil, event)
		}, 400, "invalid_webhook_request"},
	}
	failed := 0
	for _, c := range calls {
		status, code, err := c.send(ctx)
		verdict := "ok"
		if err != nil || status != c.status || code != c.code {
			verdict, failed = "UNEXPECTED", failed+1
		}
		line := fmt.Sprintf("%-10s %s: %d %s", verdict, c.name, status, code)
		if err != nil {
			line += " error: " + err.Error()
		}
		fmt.Fprintln(out, strings.TrimRight(line, " "))
	}
	// Processed once each: Efí's registration check and Pix, Asaas, SoPague,
	// and the Standard Webhooks event (its second delivery is not).
	rc.mu.Lock()
	processed := len(rc.received)
	rc.mu.Unlock()
	fmt.Fprintf(out, "%d calls processed by the handlers\n", processed)
	if processed != 5 {
		failed++
	}
	if failed > 0 {
		fmt.Fprintf(out, "\nFAIL: %d of %d webhook calls answered otherwise than expected\n", failed, len(calls))
		return false, nil
	}
	fmt.Fprintf(out, "\nPASS: %d webhook calls (Efí over mTLS, Asaas, SoPague, Standard Webhooks) answered as expected\n", len(calls))
	return true, nil
}

// ignoreRefused drops the sender's "not delivered" error: the status says
// what happened, and the table checks it.
func ignoreRefused(err error) error {
	if errors.Is(err, providertest.ErrWebhookRefused) {
		return nil
	}
	return err
}

// post sends one call and returns the status and the error code of a
// refusal.
func post(ctx context.Context, c *http.Client, url string, h http.Header, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var e struct{ Errors []struct{ Code string } }
	_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&e)
	if len(e.Errors) == 1 {
		return resp.StatusCode, e.Errors[0].Code, nil
	}
	return resp.StatusCode, "", nil
}
