package providertest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

// EfiWebhookOptions configures an EfiWebhookSender. A nil
// *EfiWebhookOptions means mTLS mode with system roots for the receiver.
type EfiWebhookOptions struct {
	// ServerRootCAs verify the receiver's server certificate; nil means
	// the system roots. For an httptest TLS server: its
	// Client().Transport's RootCAs, or a pool of its Certificate().
	ServerRootCAs *x509.CertPool
	// SkipMTLS is Efí's skip-mTLS mode (x-skip-mtls-checking: true at
	// registration): no probe, no client certificate; the receiver checks
	// the hmac parameter of the registered URL and the source address.
	SkipMTLS bool
	// Now stamps the notifications; nil means time.Now.
	Now func() time.Time
}

// EfiWebhookPix is one received Pix in an Efí webhook notification.
type EfiWebhookPix struct {
	EndToEndID string `json:"endToEndId"`
	TxID       string `json:"txid,omitempty"`
	Key        string `json:"chave"`
	Amount     string `json:"valor"`   // decimal string, e.g. "110.00"
	Time       string `json:"horario"` // set by Notify when empty (RFC 3339)
	PayerInfo  string `json:"infoPagador,omitempty"`
}

// EfiWebhookSender calls a receiver as Efí's Pix webhooks do, for tests of
// the receiver. Efí has its own webhook CA; the sender issues a client
// certificate from a throwaway one, available as PEM (CACertPEM) and as a
// pool (RootCAs) for the receiver's configuration.
//
// Register behaves as Efí's registration: in mTLS mode it first calls the
// URL without a client certificate and fails with ErrProbeAccepted when the
// receiver accepts that call (a 2xx); a refusal (any other status, or a
// handshake the server ends) is what Efí wants. Then it calls with the
// certificate, which must be accepted. Notify posts notifications to the
// registered URL with "/pix" appended, as Efí does: a URL with a query
// string gets "/pix" at its end, which is why Efí suggests registering
// "…?hmac=<value>&ignorar=".
type EfiWebhookSender struct {
	opts        EfiWebhookOptions
	ca          *testpki.CA
	cert        *Certificate
	withCert    *http.Client
	withoutCert *http.Client

	mu  sync.Mutex
	url string
}

// NewEfiWebhookSender creates the sender, its webhook CA and its client
// certificate.
func NewEfiWebhookSender(opts *EfiWebhookOptions) (*EfiWebhookSender, error) {
	s := &EfiWebhookSender{}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	ca, err := testpki.NewCA("providertest Efí webhook CA")
	if err != nil {
		return nil, fmt.Errorf("providertest: efi webhook: %w", err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{Client: true, CommonName: "webhook.efipay.com.br", DNSNames: []string{"webhook.efipay.com.br"}})
	if err != nil {
		return nil, fmt.Errorf("providertest: efi webhook: %w", err)
	}
	s.ca = ca
	s.cert = &Certificate{TLS: leaf.TLS, CertPEM: leaf.CertPEM, KeyPEM: leaf.KeyPEM, leaf: leaf, ca: ca}
	s.withCert = s.newClient([]tls.Certificate{leaf.TLS})
	s.withoutCert = s.newClient(nil)
	return s, nil
}

func (s *EfiWebhookSender) newClient(certs []tls.Certificate) *http.Client {
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			RootCAs:      s.opts.ServerRootCAs,
			Certificates: certs,
		},
		ForceAttemptHTTP2: true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// CACertPEM returns the webhook CA's certificate in PEM form, as Efí
// publishes certificate-chain-prod.crt.
func (s *EfiWebhookSender) CACertPEM() []byte { return append([]byte(nil), s.ca.CertPEM...) }

// RootCAs returns a pool holding the webhook CA: the receiver's
// webhooks.EfiOptions.Roots and the ClientCAs of its TLS configuration.
func (s *EfiWebhookSender) RootCAs() *x509.CertPool { return s.ca.Pool() }

// ClientCertificate returns the certificate the sender presents.
func (s *EfiWebhookSender) ClientCertificate() *Certificate { return s.cert }

// Close releases the idle connections of the sender's clients.
func (s *EfiWebhookSender) Close() {
	s.withCert.CloseIdleConnections()
	s.withoutCert.CloseIdleConnections()
}

// Register registers url as Efí does (see EfiWebhookSender). On success,
// Notify posts to url + "/pix".
func (s *EfiWebhookSender) Register(ctx context.Context, url string) error {
	check := []byte(`{"evento":"teste_webhook"}`)
	if !s.opts.SkipMTLS {
		status, err := postWebhook(ctx, s.withoutCert, url+"/pix", check, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil && status/100 == 2 {
			return ErrProbeAccepted
		}
	}
	d := WebhookDelivery{Attempts: 1}
	var err error
	if d.Status, err = postWebhook(ctx, s.client(), url+"/pix", check, nil); err != nil || d.Status/100 != 2 {
		return refused("efi registration", d, err)
	}
	s.mu.Lock()
	s.url = url
	s.mu.Unlock()
	return nil
}

func (s *EfiWebhookSender) client() *http.Client {
	if s.opts.SkipMTLS {
		return s.withoutCert
	}
	return s.withCert
}

// Notify posts one notification holding pix to the registered URL + "/pix".
// The error wraps ErrWebhookRefused unless the receiver answered 2xx.
func (s *EfiWebhookSender) Notify(ctx context.Context, pix ...EfiWebhookPix) (WebhookDelivery, error) {
	s.mu.Lock()
	url := s.url
	s.mu.Unlock()
	if url == "" {
		return WebhookDelivery{}, errors.New("providertest: efi webhook: Notify before Register")
	}
	for i := range pix {
		if pix[i].Time == "" {
			pix[i].Time = s.opts.Now().UTC().Format(time.RFC3339Nano)
		}
	}
	body, err := json.Marshal(struct {
		Pix []EfiWebhookPix `json:"pix"`
	}{pix})
	if err != nil {
		return WebhookDelivery{}, err
	}
	d := WebhookDelivery{Attempts: 1}
	if d.Status, err = postWebhook(ctx, s.client(), url+"/pix", body, nil); err != nil || d.Status/100 != 2 {
		return d, refused("efi", d, err)
	}
	return d, nil
}
