package outbound_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// packagePrefix matches the prefix of a message of this module's outbound
// packages.
var packagePrefix = regexp.MustCompile(`\b(outbound|mtls|efi|sopague|divipay|bankingapi|asaas): `)

// Every line of an error says which package it comes from once: never
// "outbound: request …: outbound: host not allowed", nor "efi: outbound: …".
func TestErrorTextHasOnePrefix(t *testing.T) {
	for name, err := range prefixCases(t) {
		t.Run(name, func(t *testing.T) {
			if err == nil {
				t.Fatal("no error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if n := len(packagePrefix.FindAllString(line, -1)); n != 1 {
					t.Errorf("%d package prefixes in %q", n, line)
				}
			}
		})
	}
}

func prefixCases(t *testing.T) map[string]error {
	answer := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status == http.StatusFound {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	fetch := func(f outbound.Fetcher) error {
		_, err := f.Fetch(context.Background())
		return err
	}
	cc := func(status int, body string) error {
		return fetch(&outbound.ClientCredentials{TokenURL: answer(status, body), ClientID: "id", ClientSecret: "s"})
	}
	viaClient := func() error {
		src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
			return outbound.Token{Value: "t"}, nil
		}), nil)
		c := &http.Client{Transport: outbound.Chain(nil, outbound.AllowHosts("https://api.example"), outbound.Bearer(src))}
		_, err := c.Get("https://other.example/x")
		return err
	}
	return map[string]error{
		"host not allowed":        viaClient(),
		"malformed token":         cc(http.StatusOK, `{`),
		"token type":              cc(http.StatusOK, `{"access_token":"a","token_type":"mac"}`),
		"unexpected status":       cc(http.StatusCreated, `{}`),
		"redirect":                cc(http.StatusFound, ``),
		"body too large":          cc(http.StatusOK, `{"access_token":"`+strings.Repeat("a", outbound.MaxErrorBody)+`"}`),
		"refused":                 cc(http.StatusUnauthorized, `{"error":"invalid_client"}`),
		"no assertion":            fetch(&outbound.ClientCredentials{TokenURL: "https://a.example/t", ClientID: "id", AuthStyle: outbound.AuthPrivateKeyJWT}),
		"validate":                (&outbound.ClientCredentials{AuthStyle: outbound.AuthPrivateKeyJWT}).Validate(),
		"json fetcher":            fetch(&outbound.JSONFetcher{URL: answer(http.StatusOK, `{"token":""}`), TokenField: "token"}),
		"json fetcher no field":   fetch(&outbound.JSONFetcher{URL: "https://a.example/t"}),
		"shared options":          (&outbound.SharedOptions{EncryptionKey: make([]byte, 16)}).Validate(),
		"source without fetcher":  sourceError(outbound.NewSource(nil, nil)),
		"source of a failure":     sourceError(outbound.NewSource(&outbound.ClientCredentials{TokenURL: answer(http.StatusOK, `[]`), ClientID: "id"}, nil)),
		"efi, all wrong":          newErr(efi.New(efi.Config{Environment: 7, BaseURL: "ftp://x"})),
		"efi, user info":          newErr(efi.New(efi.Config{ClientID: "id", ClientSecret: "s", API: efi.Charges, BaseURL: "https://u@x.example"})),
		"efi, expired":            newErr(efi.New(efi.Config{ClientID: "id", ClientSecret: "s", Certificates: []tls.Certificate{expiredCert(t)}})),
		"sopague, shared options": newErr(sopague.New(sopague.Config{UserName: "u", Password: "p", BaseURL: "https://x.example", Store: outbound.MemoryStore(), SharedOptions: &outbound.SharedOptions{EncryptionKey: []byte("short")}})),
		"divipay, sandbox":        newErr(divipay.New(divipay.Config{ClientID: "id", ClientSecret: "s"})),
		"bankingapi, no cert":     newErr(bankingapi.New(bankingapi.Config{Environment: bankingapi.Production, ClientID: "id", ClientSecret: "s"})),
		"asaas, wrong key":        newErr(asaas.New(asaas.Config{APIKey: "$aact_prod_x", UserAgent: "ua\n"})),
	}
}

func sourceError(s *outbound.Source) error {
	_, err := s.Token(context.Background())
	return err
}

func newErr(_ *http.Client, err error) error { return err }

func expiredCert(t *testing.T) tls.Certificate {
	ca, err := testpki.NewCA("prefix test")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca.Issue(testpki.LeafOptions{Client: true, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return l.TLS
}
