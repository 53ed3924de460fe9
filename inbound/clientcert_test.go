package inbound_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

type certFixture struct {
	ca, other                        *testpki.CA
	good, named, expired, serverOnly *testpki.Leaf
	foreign                          *testpki.Leaf
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	f := &certFixture{}
	var err error
	must := func(l *testpki.Leaf, err error) *testpki.Leaf {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if f.ca, err = testpki.NewCA("webhook CA"); err != nil {
		t.Fatal(err)
	}
	if f.other, err = testpki.NewCA("another CA"); err != nil {
		t.Fatal(err)
	}
	f.good = must(f.ca.Issue(testpki.LeafOptions{Client: true, CommonName: "efi webhooks"}))
	f.named = must(f.ca.Issue(testpki.LeafOptions{Client: true, CommonName: "named", DNSNames: []string{"webhook.efipay.com.br"}}))
	f.expired = must(f.ca.Issue(testpki.LeafOptions{Client: true, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}))
	f.serverOnly = must(f.ca.Issue(testpki.LeafOptions{}))
	f.foreign = must(f.other.Issue(testpki.LeafOptions{Client: true}))
	return f
}

func certHeader(der []byte) string { return ":" + base64.StdEncoding.EncodeToString(der) + ":" }

func TestClientCertificate(t *testing.T) {
	f := newCertFixture(t)
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	plain, err := inbound.ClientCertificate(inbound.ClientCertOptions{Roots: f.ca.Pool(), Proxies: []netip.Prefix{proxy}})
	if err != nil {
		t.Fatal(err)
	}
	named, err := inbound.ClientCertificate(inbound.ClientCertOptions{Roots: f.ca.Pool(), DNSNames: []string{"WEBHOOK.efipay.com.br"}, Subject: "efi"})
	if err != nil {
		t.Fatal(err)
	}
	tlsReq := func(l *testpki.Leaf) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "https://example.com/pix", nil)
		r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{l.Cert}}
		return r
	}
	fwd := func(peer string, hdr ...string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "https://example.com/pix", nil)
		r.RemoteAddr = peer
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		return r
	}
	cases := []struct {
		name    string
		v       inbound.Validator
		r       *http.Request
		code    string
		subject string
	}{
		{name: "TLS certificate", v: plain, r: tlsReq(f.good), subject: "efi webhooks"},
		{name: "no certificate (Efí's probe)", v: plain, r: httptest.NewRequest(http.MethodPost, "/pix", nil), code: inbound.CodeClientCertificateRequired},
		{name: "another CA", v: plain, r: tlsReq(f.foreign), code: inbound.CodeInvalidClientCertificate},
		{name: "expired", v: plain, r: tlsReq(f.expired), code: inbound.CodeInvalidClientCertificate},
		{name: "no client-auth usage", v: plain, r: tlsReq(f.serverOnly), code: inbound.CodeInvalidClientCertificate},
		{name: "DNS name present", v: named, r: tlsReq(f.named), subject: "efi"},
		{name: "DNS name absent", v: named, r: tlsReq(f.good), code: inbound.CodeInvalidClientCertificate},
		{name: "forwarded by a trusted proxy", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader(f.good.Cert.Raw)), subject: "efi webhooks"},
		{name: "forwarded with its chain", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader(f.good.Cert.Raw), "Client-Cert-Chain", certHeader(f.ca.Cert.Raw)), subject: "efi webhooks"},
		{name: "forwarded by an untrusted peer", v: plain, r: fwd("192.0.2.1:5555", "Client-Cert", certHeader(f.good.Cert.Raw)), code: inbound.CodeClientCertificateRequired},
		{name: "trusted proxy forwards nothing", v: plain, r: fwd("10.1.2.3:5555"), code: inbound.CodeClientCertificateRequired},
		{name: "forwarded garbage", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", ":!!:"), code: inbound.CodeInvalidClientCertificate},
		{name: "forwarded non-certificate", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader([]byte("not DER"))), code: inbound.CodeInvalidClientCertificate},
		{name: "forwarded twice", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader(f.good.Cert.Raw), "Client-Cert", certHeader(f.good.Cert.Raw)), code: inbound.CodeInvalidClientCertificate},
		{name: "forwarded bad chain", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader(f.good.Cert.Raw), "Client-Cert-Chain", "garbage"), code: inbound.CodeInvalidClientCertificate},
		{name: "forwarded foreign", v: plain, r: fwd("10.1.2.3:5555", "Client-Cert", certHeader(f.foreign.Cert.Raw)), code: inbound.CodeInvalidClientCertificate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.v.Validate(c.r)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.Scheme != inbound.SchemeClientCertificate || p.Subject != c.subject || len(p.KeyID) != 43 {
					t.Fatalf("Principal %+v", p)
				}
				return
			}
			e, ok := inbound.AsError(err)
			if !ok || e.Status != 401 || e.Code != c.code || e.Challenge != inbound.ChallengeNone {
				t.Fatalf("got %v, want 401 %s", err, c.code)
			}
		})
	}
}

func TestClientCertificateConfig(t *testing.T) {
	_, err := inbound.ClientCertificate(inbound.ClientCertOptions{DNSNames: []string{""}, Proxies: []netip.Prefix{{}}})
	if !errors.Is(err, inbound.ErrInvalidConfig) {
		t.Fatalf("got %v", err)
	}
	for _, w := range []string{"Roots is nil", "invalid prefix in Proxies", "empty name in DNSNames"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

// TestClientCertificateOverTLS: over a real TLS connection that requests a
// certificate but lets a request without one through, the validator refuses
// the request without one and accepts the one with one.
func TestClientCertificateOverTLS(t *testing.T) {
	f := newCertFixture(t)
	v, err := inbound.ClientCertificate(inbound.ClientCertOptions{Roots: f.ca.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Validate(r); err != nil {
			e, _ := inbound.AsError(err)
			http.Error(w, e.Code, e.Status)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: f.ca.Pool(), MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	for _, c := range []struct {
		name  string
		certs []tls.Certificate
		want  string
	}{
		{"probe without certificate", nil, "client_certificate_required\n"},
		{"with certificate", []tls.Certificate{f.good.TLS}, "ok"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.TLSClientConfig.Certificates = c.certs
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Post(srv.URL, "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != c.want {
				t.Fatalf("got %d %q, want %q", resp.StatusCode, b, c.want)
			}
		})
	}
}
