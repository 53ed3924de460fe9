package providertest_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// TestStandardWebhookSender: every signature the sender writes (two
// secrets and a key, as in a rotation) is verified by inbound's
// StandardWebhook, and the body arrives intact.
func TestStandardWebhookSender(t *testing.T) {
	sec1, sec2 := providertest.NewWebhookSecret(), providertest.NewWebhookSecret()
	priv, pub, err := providertest.NewWebhookKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		opts    providertest.StandardWebhookOptions
		recvSec map[string]string
		recvKey map[string]string
		keyID   string
		status  int
	}{
		{"v1", providertest.StandardWebhookOptions{Secrets: []string{sec1}}, map[string]string{"one": sec1}, nil, "one", 200},
		{"v1 rotation", providertest.StandardWebhookOptions{Secrets: []string{sec1, sec2}}, map[string]string{"two": sec2}, nil, "two", 200},
		{"v1a", providertest.StandardWebhookOptions{Keys: []ed25519.PrivateKey{priv}}, nil, map[string]string{"ed": pub}, "ed", 200},
		{"unknown secret", providertest.StandardWebhookOptions{Secrets: []string{sec1}}, map[string]string{"two": sec2}, nil, "", 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := inbound.StandardWebhook(inbound.StandardWebhookOptions{Secrets: c.recvSec, PublicKeys: c.recvKey})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			var p *inbound.Principal
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error
				if p, err = v.Validate(r); err != nil {
					e, _ := inbound.AsError(err)
					w.WriteHeader(e.Status)
					return
				}
				b, _ := io.ReadAll(r.Body)
				got = string(b)
			}))
			defer srv.Close()
			c.opts.Client = srv.Client()
			s, err := providertest.NewStandardWebhookSender(srv.URL, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.Send(context.Background(), "msg_1", []byte(`{"type":"ping"}`))
			if d.Status != c.status || (err == nil) != (c.status == 200) {
				t.Fatalf("got %+v, %v", d, err)
			}
			if c.status == 200 && (got != `{"type":"ping"}` || p.KeyID != c.keyID || p.ID != "msg_1") {
				t.Fatalf("body %q, Principal %+v", got, p)
			}
			if err != nil && (!errors.Is(err, providertest.ErrWebhookRefused) || strings.Contains(err.Error(), sec1)) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestStandardWebhookSenderConfig(t *testing.T) {
	for _, o := range []providertest.StandardWebhookOptions{{}, {Secrets: []string{"nope"}}, {Keys: []ed25519.PrivateKey{make(ed25519.PrivateKey, 3)}}} {
		if _, err := providertest.NewStandardWebhookSender("http://x", o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	s, err := providertest.NewStandardWebhookSender("http://x", providertest.StandardWebhookOptions{
		Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The example of the Standard Webhooks specification's test vectors.
	got := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

// TestEfiSenderNotifyBeforeRegister: Notify needs a registered URL.
func TestEfiSenderNotifyBeforeRegister(t *testing.T) {
	s, err := providertest.NewEfiWebhookSender(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Notify(context.Background()); err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(string(s.CACertPEM()), "BEGIN CERTIFICATE") || s.ClientCertificate() == nil || s.RootCAs() == nil {
		t.Fatal("the webhook CA is not available")
	}
}

// TestAsaasSenderStopsWithContext: a cancelled context ends the retries.
func TestAsaasSenderStopsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := providertest.NewAsaasWebhookSender(srv.URL, &providertest.AsaasWebhookOptions{Client: srv.Client(), RetryDelay: time.Hour})
	if _, err := s.Send(ctx, providertest.AsaasEvent{Event: "PAYMENT_RECEIVED"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// TestEfiSenderErrorHidesHMAC: a registered URL's query (Efí's hmac secret)
// never appears in a sender's error.
func TestEfiSenderErrorHidesHMAC(t *testing.T) {
	s, err := providertest.NewEfiWebhookSender(&providertest.EfiWebhookOptions{SkipMTLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	err = s.Register(context.Background(), url+"/webhook?hmac=the-hmac-secret-value&ignorar=")
	if !errors.Is(err, providertest.ErrWebhookRefused) || strings.Contains(err.Error(), "the-hmac-secret-value") {
		t.Fatalf("got %v", err)
	}
}
