package inbound_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

const (
	secretA = "a-webhook-secret-of-32-bytes-aaa"
	secretB = "another-webhook-secret-bbbbbbbbb"
)

func TestHeaderAndQuerySecret(t *testing.T) {
	secrets := map[string]string{"2024": secretA, "2025": secretB}
	hv, err := inbound.HeaderSecret("Access-Key", secrets, &inbound.SecretOptions{Subject: "sopague"})
	if err != nil {
		t.Fatal(err)
	}
	qv, err := inbound.QuerySecret("hmac", secrets, nil)
	if err != nil {
		t.Fatal(err)
	}
	hdr := func(vals ...string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/hook", nil)
		for _, v := range vals {
			r.Header.Add("access-key", v)
		}
		return r
	}
	query := func(q string) *http.Request { return httptest.NewRequest(http.MethodPost, "/hook"+q, nil) }
	cases := []struct {
		name    string
		v       inbound.Validator
		r       *http.Request
		status  int
		code    string
		keyID   string
		subject string
	}{
		{name: "header, first secret", v: hv, r: hdr(secretA), keyID: "2024", subject: "sopague"},
		{name: "header, rotated secret", v: hv, r: hdr(secretB), keyID: "2025", subject: "sopague"},
		{name: "header missing", v: hv, r: hdr(), status: 401, code: inbound.CodeMissingWebhookSecret},
		{name: "header empty", v: hv, r: hdr(""), status: 401, code: inbound.CodeMissingWebhookSecret},
		{name: "header twice", v: hv, r: hdr(secretA, secretA), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "header wrong", v: hv, r: hdr(secretA[:31] + "b"), status: 401, code: inbound.CodeInvalidWebhookSecret},
		{name: "header prefix of the secret", v: hv, r: hdr(secretA[:20]), status: 401, code: inbound.CodeInvalidWebhookSecret},
		{name: "header oversized", v: hv, r: hdr(strings.Repeat(secretA, 100)), status: 401, code: inbound.CodeInvalidWebhookSecret},
		{name: "query", v: qv, r: query("?hmac=" + secretB + "&ignorar=/pix"), keyID: "2025", subject: "hmac"},
		{name: "query missing", v: qv, r: query("?other=1"), status: 401, code: inbound.CodeMissingWebhookSecret},
		{name: "query empty", v: qv, r: query("?hmac="), status: 401, code: inbound.CodeMissingWebhookSecret},
		{name: "query twice", v: qv, r: query("?hmac=" + secretA + "&hmac=" + secretA), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "query unreadable", v: qv, r: query("?hmac=%zz"), status: 400, code: inbound.CodeInvalidWebhookRequest},
		{name: "query wrong", v: qv, r: query("?hmac=nope"), status: 401, code: inbound.CodeInvalidWebhookSecret},
		{name: "secret in the header is not in the query", v: qv, r: func() *http.Request { r := query(""); r.Header.Set("hmac", secretA); return r }(),
			status: 401, code: inbound.CodeMissingWebhookSecret},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.v.Validate(c.r)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.KeyID != c.keyID || p.Subject != c.subject || p.Scheme != inbound.SchemeWebhook {
					t.Fatalf("Principal %+v", p)
				}
				return
			}
			e, ok := inbound.AsError(err)
			if !ok || e.Status != c.status || e.Code != c.code || e.Challenge != inbound.ChallengeNone {
				t.Fatalf("got %v, want %d %s", err, c.status, c.code)
			}
			if s := err.Error(); strings.Contains(s, secretA) || strings.Contains(s, secretB) || strings.Contains(s, secretA[:20]) {
				t.Fatalf("error shows a secret: %s", s)
			}
		})
	}
}

func TestSecretConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		make func() (inbound.Validator, error)
		want []string
	}{
		{"no secrets", func() (inbound.Validator, error) { return inbound.HeaderSecret("X-Key", nil, nil) }, []string{"no secrets"}},
		{"short and bad header", func() (inbound.Validator, error) {
			return inbound.HeaderSecret("bad header", map[string]string{"a": "short"}, nil)
		}, []string{`invalid header name "bad header"`, `secret "a" is shorter than 16 bytes`}},
		{"same value twice", func() (inbound.Validator, error) {
			return inbound.HeaderSecret("X-Key", map[string]string{"a": secretA, "b": secretA}, nil)
		}, []string{`secrets "a" and "b" have the same value`}},
		{"control character", func() (inbound.Validator, error) {
			return inbound.QuerySecret("k", map[string]string{"a": secretA + "\n"}, nil)
		}, []string{"printable ASCII"}},
		{"empty param and MinLength", func() (inbound.Validator, error) {
			return inbound.QuerySecret("", map[string]string{"a": secretA}, &inbound.SecretOptions{MinLength: -1})
		}, []string{"empty parameter name", "MinLength -1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.make()
			if !errors.Is(err, inbound.ErrInvalidConfig) {
				t.Fatalf("got %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secretA) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}
