package webhooks_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/webhooks"
	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

const asaasToken = "wh-Tk7pQ2xZ9mR4vL8nB3cF6hJ1sD5gA0eY"

// receiver is a handler behind a Guard over v that records the bodies its
// handler read and the Principal it saw.
type receiver struct {
	mu     sync.Mutex
	bodies []string
	last   *inbound.Principal
}

func (rc *receiver) handler(t *testing.T, v inbound.Validator) http.Handler {
	g, err := middleware.New(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	return stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p, _ := stdauth.Principal(r)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, r.URL.Path+" "+string(b))
		rc.last = p
		rc.mu.Unlock()
	}))
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.bodies)
}

func TestAsaasTokenRules(t *testing.T) {
	for _, c := range []struct{ name, token, want string }{
		{"too short", "abcDEF123", "32 to 255 characters"},
		{"too long", strings.Repeat("aB3", 90), "32 to 255 characters"},
		{"whitespace", "wh-Tk7pQ2xZ9mR4vL8nB3cF6h J1sD5gA0eY", "without whitespace"},
		{"ascending digits", "wh-Tk7pQ2xZ9mR4vL8nB3cF6hJ12345gA0eY", "ascending digits"},
		{"letter four times", "wh-Tk7pQ2xZ9mR4vL8nB3cF6hJ1sDDDDA0eY", "four times"},
		{"an API key", "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmQ1", "Asaas API key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"t": c.token}})
			if !errors.Is(err, inbound.ErrInvalidConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), c.token) {
				t.Fatalf("the error shows the token: %v", err)
			}
		})
	}
	if _, err := webhooks.Asaas(webhooks.AsaasOptions{}); !errors.Is(err, inbound.ErrInvalidConfig) {
		t.Fatalf("no tokens: %v", err)
	}
	if _, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"t": asaasToken}}); err != nil {
		t.Fatalf("a good token: %v", err)
	}
}

// TestAsaasSender: Asaas's sender retries anything but 200, with the same
// event id, and the receiver's answers follow the token and the address.
func TestAsaasSender(t *testing.T) {
	v, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"2025": asaasToken}})
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{}
	h := rc.handler(t, v)
	fails := 2
	var mu sync.Mutex
	var ids []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		ids = append(ids, string(b[:strings.Index(string(b), ",")]))
		if fails > 0 {
			fails--
			w.WriteHeader(http.StatusNoContent) // not 200: Asaas retries
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ctx := context.Background()
	s := providertest.NewAsaasWebhookSender(srv.URL, &providertest.AsaasWebhookOptions{Token: asaasToken, Client: srv.Client()})
	d, err := s.Send(ctx, providertest.AsaasEvent{Event: "PAYMENT_RECEIVED", Payment: map[string]any{"id": "pay_1", "value": 10.5}})
	if err != nil || d.Attempts != 3 || d.Status != 200 {
		t.Fatalf("got %+v, %v; want 3 attempts ending in 200", d, err)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("retries changed the event id: %q", ids)
	}
	if rc.last.Subject != "asaas" || rc.last.KeyID != "2025" {
		t.Fatalf("Principal %+v", rc.last)
	}

	bad := providertest.NewAsaasWebhookSender(srv.URL, &providertest.AsaasWebhookOptions{Token: strings.ToUpper(asaasToken), Client: srv.Client(), MaxAttempts: 4})
	d, err = bad.Send(ctx, providertest.AsaasEvent{Event: "PAYMENT_RECEIVED"})
	if !errors.Is(err, providertest.ErrWebhookRefused) || d.Attempts != 4 || d.Status != 401 {
		t.Fatalf("wrong token: %+v, %v", d, err)
	}
	if strings.Contains(err.Error(), asaasToken) || strings.Contains(err.Error(), strings.ToUpper(asaasToken)) {
		t.Fatalf("the error shows the token: %v", err)
	}
}

func TestAsaasSourceIP(t *testing.T) {
	v, err := webhooks.Asaas(webhooks.AsaasOptions{Tokens: map[string]string{"t": asaasToken}, CheckSourceIP: true,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer, xff, code string
	}{
		{"from Asaas through the proxy", "10.0.0.1:443", "54.94.136.112", ""},
		{"from elsewhere through the proxy", "10.0.0.1:443", "198.51.100.7", inbound.CodeIPNotAllowed},
		{"direct from elsewhere", "198.51.100.7:443", "", inbound.CodeIPNotAllowed},
		{"XFF from an untrusted peer", "198.51.100.7:443", "54.94.136.112", inbound.CodeIPNotAllowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/asaas", nil)
			r.RemoteAddr = c.peer
			r.Header.Set(webhooks.AsaasTokenHeader, asaasToken)
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			_, err := v.Validate(r)
			if e, _ := inbound.AsError(err); (c.code == "" && err != nil) || (c.code != "" && (e == nil || e.Code != c.code)) {
				t.Fatalf("got %v, want %q", err, c.code)
			}
		})
	}
}

// receiverCert returns a server certificate for a receiver and a pool
// trusting it, for the sender.
func receiverCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	ca, err := testpki.NewCA("receiver CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return leaf.TLS, ca.Pool()
}

// efiServer starts a TLS receiver configured with EfiServerTLS.
func efiServer(t *testing.T, h http.Handler, cert tls.Certificate, roots *x509.CertPool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = webhooks.EfiServerTLS(cert, roots)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestEfiMTLSEndToEnd: over real TLS with EfiServerTLS, Efí's probe without
// a certificate is refused (so registration succeeds), notifications with
// the webhook CA's certificate arrive at URL + /pix, and a receiver that
// accepts the probe fails registration.
func TestEfiMTLSEndToEnd(t *testing.T) {
	cert, serverRoots := receiverCert(t)
	sender, err := providertest.NewEfiWebhookSender(&providertest.EfiWebhookOptions{ServerRootCAs: serverRoots})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	v, err := webhooks.Efi(webhooks.EfiOptions{Roots: sender.RootCAs()})
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{}
	srv := efiServer(t, rc.handler(t, v), cert, sender.RootCAs())

	ctx := context.Background()
	if err := sender.Register(ctx, srv.URL+"/webhook"); err != nil {
		t.Fatalf("Register: %v", err)
	}
	d, err := sender.Notify(ctx, providertest.EfiWebhookPix{EndToEndID: "E1234", TxID: "tx1", Key: "chave", Amount: "10.00"})
	if err != nil || d.Status != 200 {
		t.Fatalf("Notify: %+v, %v", d, err)
	}
	if rc.count() != 2 || !strings.HasPrefix(rc.bodies[1], "/webhook/pix {\"pix\":[{\"endToEndId\":\"E1234\"") {
		t.Fatalf("bodies %q", rc.bodies)
	}
	if rc.last.Subject != "efi" || rc.last.Scheme != inbound.SchemeClientCertificate {
		t.Fatalf("Principal %+v", rc.last)
	}

	t.Run("a receiver that accepts the probe", func(t *testing.T) {
		open := efiServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), cert, sender.RootCAs())
		if err := sender.Register(ctx, open.URL); !errors.Is(err, providertest.ErrProbeAccepted) {
			t.Fatalf("Register: %v, want ErrProbeAccepted", err)
		}
	})
	t.Run("a certificate of another CA fails the handshake", func(t *testing.T) {
		other, err := providertest.NewEfiWebhookSender(&providertest.EfiWebhookOptions{ServerRootCAs: serverRoots})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if err := other.Register(ctx, srv.URL+"/webhook"); !errors.Is(err, providertest.ErrWebhookRefused) {
			t.Fatalf("Register: %v", err)
		}
	})
}

// serverRootsOf returns a pool trusting srv's certificate.
func serverRootsOf(srv *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.Certificate())
	return p
}

// TestEfiSkipMTLS: the hmac parameter of the registered URL and the source
// address; /pix lands in the "ignorar" parameter.
func TestEfiSkipMTLS(t *testing.T) {
	const hmacValue = "efi-hmac-value-0123456789abcdef"
	v, err := webhooks.Efi(webhooks.EfiOptions{HMAC: map[string]string{"v1": hmacValue}, SourceIPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{}
	srv := httptest.NewTLSServer(rc.handler(t, v))
	defer srv.Close()
	ctx := context.Background()
	for _, c := range []struct {
		name, url string
		ok        bool
	}{
		{"registered with hmac", srv.URL + "/webhook?hmac=" + hmacValue + "&ignorar=", true},
		{"wrong hmac", srv.URL + "/webhook?hmac=nope&ignorar=", false},
		{"no hmac", srv.URL + "/webhook", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := providertest.NewEfiWebhookSender(&providertest.EfiWebhookOptions{ServerRootCAs: serverRootsOf(srv), SkipMTLS: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Register(ctx, c.url)
			if c.ok != (err == nil) {
				t.Fatalf("Register: %v", err)
			}
			if c.ok {
				if _, err := s.Notify(ctx, providertest.EfiWebhookPix{EndToEndID: "E1", Key: "k", Amount: "1.00"}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// Not from Efí's address (the default SourceIPs): 403.
	v2, err := webhooks.Efi(webhooks.EfiOptions{HMAC: map[string]string{"v1": hmacValue}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/webhook?hmac="+hmacValue+"&ignorar=/pix", nil)
	if _, err := v2.Validate(r); err == nil || !strings.Contains(err.Error(), inbound.CodeIPNotAllowed) {
		t.Fatalf("from 192.0.2.1: %v", err)
	}
}

func TestEfiConfig(t *testing.T) {
	pool := x509.NewCertPool()
	for _, o := range []webhooks.EfiOptions{{}, {Roots: pool, HMAC: map[string]string{"a": "0123456789abcdef"}}, {HMAC: map[string]string{"a": "short"}}} {
		if _, err := webhooks.Efi(o); !errors.Is(err, inbound.ErrInvalidConfig) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	c := webhooks.EfiServerTLS(tls.Certificate{}, pool)
	if c.MinVersion != tls.VersionTLS12 || c.ClientAuth != tls.VerifyClientCertIfGiven || c.ClientCAs != pool {
		t.Fatalf("EfiServerTLS: %+v", c)
	}
}

func TestSoPague(t *testing.T) {
	const key, pass = "sopague-access-key-0123456789", "a-basic-password-0123"
	both, err := webhooks.SoPague(webhooks.SoPagueOptions{AccessKeys: map[string]string{"k": key}, Basic: map[string]string{"shop": pass}})
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{}
	srv := httptest.NewServer(rc.handler(t, both))
	defer srv.Close()
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		opts   providertest.SoPagueWebhookOptions
		status int
		keyID  string
	}{
		{"access key", providertest.SoPagueWebhookOptions{AccessKey: key}, 200, "k"},
		{"basic", providertest.SoPagueWebhookOptions{User: "shop", Password: pass}, 200, "shop"},
		{"wrong key", providertest.SoPagueWebhookOptions{AccessKey: key + "x"}, 401, ""},
		{"wrong password", providertest.SoPagueWebhookOptions{User: "shop", Password: pass + "x"}, 401, ""},
		{"nothing", providertest.SoPagueWebhookOptions{}, 401, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Client = srv.Client()
			d, err := providertest.NewSoPagueWebhookSender(srv.URL, &c.opts).Send(ctx, []byte(`{"status":"PAID"}`))
			if d.Status != c.status || (c.status == 200) != (err == nil) {
				t.Fatalf("got %+v, %v", d, err)
			}
			if c.status == 200 && rc.last.KeyID != c.keyID {
				t.Fatalf("Principal %+v", rc.last)
			}
		})
	}
	for _, o := range []webhooks.SoPagueOptions{{}, {Basic: map[string]string{"a:b": pass}}, {Basic: map[string]string{"shop": "short"}}} {
		if _, err := webhooks.SoPague(o); !errors.Is(err, inbound.ErrInvalidConfig) || strings.Contains(err.Error(), "short\"") {
			t.Errorf("%v: %v", o.Basic, err)
		}
	}
}
