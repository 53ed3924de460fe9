package conformance_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/webhooks"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// writeWebhook answers 200 with what the handler saw: the Principal's
// subject, key and message id, and the body it read, so that a body the
// validator read must reach the handler intact through every framework.
func writeWebhook(w http.ResponseWriter, r *http.Request, p *inbound.Principal, ok bool) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s := "-"
	if ok {
		s = p.Subject + " " + p.KeyID + " " + p.ID
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok " + s + " " + string(b)))
}

var webhookAdapters = []adapter{
	{"std", func(g *middleware.Guard) http.Handler {
		return stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := stdauth.Principal(r)
			writeWebhook(w, r, p, ok)
		}))
	}},
	{"gin", func(g *middleware.Guard) http.Handler {
		e := gin.New()
		e.Use(ginauth.Require(g))
		e.Any("/*path", func(c *gin.Context) {
			p, ok := ginauth.Principal(c)
			writeWebhook(c.Writer, c.Request, p, ok)
		})
		return e
	}},
	{"echo", func(g *middleware.Guard) http.Handler {
		e := echo.New()
		e.Use(echoauth.Require(g))
		e.Any("/*", func(c echo.Context) error {
			p, ok := echoauth.Principal(c)
			writeWebhook(c.Response(), c.Request(), p, ok)
			return nil
		})
		return e
	}},
}

type webhookCase struct {
	name   string
	guard  string
	req    func() *http.Request
	status int
	code   string
	body   string // exact body of a 200
}

// TestWebhookConformance: every code of the webhook validators, and the
// body a signature covered, answered alike by stdauth, ginauth and
// echoauth, never with a WWW-Authenticate challenge.
func TestWebhookConformance(t *testing.T) {
	now := time.Now()
	secret := providertest.NewWebhookSecret()
	sw, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{
		Secrets: map[string]string{"2025": secret}, MaxBody: 64, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := providertest.NewStandardWebhookSender("", providertest.StandardWebhookOptions{Secrets: []string{secret}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	efi, err := providertest.NewEfiWebhookSender(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer efi.Close()
	other, err := providertest.NewEfiWebhookSender(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const token = "wh-Tk7pQ2xZ9mR4vL8nB3cF6hJ1sD5gA0eY"
	asaas, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"2025": token}})
	if err != nil {
		t.Fatal(err)
	}
	efiV, err := webhooks.Efi(webhooks.EfiOptions{Roots: efi.RootCAs()})
	if err != nil {
		t.Fatal(err)
	}
	guards := map[string]inbound.Validator{"standard": sw, "asaas": asaas, "efi": efiV}

	const payload = `{"type":"invoice.paid"}`
	signed := func(body string, mod func(h http.Header)) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body))
			for k, v := range signer.Headers("msg_1", []byte(payload)) {
				r.Header[k] = v
			}
			if mod != nil {
				mod(r.Header)
			}
			return r
		}
	}
	chunked := func(f func() *http.Request) func() *http.Request {
		return func() *http.Request {
			r := f()
			b, _ := io.ReadAll(r.Body)
			r.Body, r.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(b), bytes.NewReader(make([]byte, 100)))), -1
			return r
		}
	}
	hdr := func(k, v string) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/asaas", strings.NewReader(`{"event":"PAYMENT_RECEIVED"}`))
			if k != "" {
				r.Header.Set(k, v)
			}
			return r
		}
	}
	withCert := func(c *x509.Certificate) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/webhook/pix", strings.NewReader(`{"pix":[]}`))
			if c != nil {
				r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{c}}
			}
			return r
		}
	}
	old := strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)
	cases := []webhookCase{
		{name: "standard: v1 signature, body reaches the handler", guard: "standard", req: signed(payload, nil), status: 200, body: "ok webhook 2025 msg_1 " + payload},
		{name: "standard: no webhook-id", guard: "standard", req: signed(payload, func(h http.Header) { h.Del("webhook-id") }), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "standard: garbage signatures only", guard: "standard", req: signed(payload, func(h http.Header) { h.Set("webhook-signature", "v9,x v1,!!") }), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "standard: timestamp with leading zero", guard: "standard", req: signed(payload, func(h http.Header) { h.Set("webhook-timestamp", "0"+h.Get("webhook-timestamp")) }), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "standard: other body", guard: "standard", req: signed(`{"type":"invoice.void"}`, nil), status: 401, code: inbound.CodeInvalidWebhookSignature},
		{name: "standard: an hour old", guard: "standard", req: signed(payload, func(h http.Header) { h.Set("webhook-timestamp", old) }), status: 401, code: inbound.CodeWebhookTimestampOutOfRange},
		{name: "standard: body over MaxBody", guard: "standard", req: signed(strings.Repeat("x", 65), nil), status: 413, code: inbound.CodeWebhookBodyTooLarge},
		{name: "standard: chunked body over MaxBody", guard: "standard", req: chunked(signed(payload, nil)), status: 413, code: inbound.CodeWebhookBodyTooLarge},
		{name: "asaas: token", guard: "asaas", req: hdr(webhooks.AsaasTokenHeader, token), status: 200, body: `ok asaas 2025  {"event":"PAYMENT_RECEIVED"}`},
		{name: "asaas: no token", guard: "asaas", req: hdr("", ""), status: 401, code: inbound.CodeMissingWebhookSecret},
		{name: "asaas: wrong token", guard: "asaas", req: hdr(webhooks.AsaasTokenHeader, token[1:]+"x"), status: 401, code: inbound.CodeInvalidWebhookSecret},
		{name: "efi: certificate of the webhook CA", guard: "efi", req: withCert(efi.ClientCertificate().TLS.Leaf), status: 200,
			body: "ok efi " + x5t(efi.ClientCertificate().TLS.Leaf) + "  {\"pix\":[]}"},
		{name: "efi: the probe, without a certificate", guard: "efi", req: withCert(nil), status: 401, code: inbound.CodeClientCertificateRequired},
		{name: "efi: certificate of another CA", guard: "efi", req: withCert(other.ClientCertificate().TLS.Leaf), status: 401, code: inbound.CodeInvalidClientCertificate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := middleware.New(guards[tc.guard], nil)
			if err != nil {
				t.Fatal(err)
			}
			var first response
			for i, a := range webhookAdapters {
				got := serve(a.serve(g), tc.req())
				checkExpected(t, testCase{status: tc.status, code: tc.code, body: tc.body}, got)
				if i == 0 {
					first = got
				} else if !reflect.DeepEqual(got, first) {
					t.Errorf("%s answered differently from std:\n%+v\n%+v", a.name, got, first)
				}
				if tc.status != 200 && strings.Contains(got.Body, secret) {
					t.Errorf("%s: the answer shows the secret", a.name)
				}
			}
		})
	}
}

// x5t is a certificate's RFC 8705 thumbprint, the KeyID ClientCertificate
// reports.
func x5t(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return b64(sum[:])
}
