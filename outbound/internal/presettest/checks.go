package presettest

import (
	"crypto/tls"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// Start returns the fake that newFake starts, closed when t ends.
func Start(t testing.TB, newFake func() (*providertest.Server, error)) *providertest.Server {
	t.Helper()
	fake, err := newFake()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake
}

// Cached checks that 50 concurrent calls of url through client cost the
// fake one token request and, when revoke is set, that after the fake
// revokes its tokens ten more calls go through at the cost of one more.
func Cached(t *testing.T, fake *providertest.Server, client *http.Client, url string, revoke bool) {
	t.Helper()
	GetMany(t, client, url, 50, http.StatusOK)
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	if !revoke {
		return
	}
	fake.RevokeTokens()
	GetMany(t, client, url, 10, http.StatusOK)
	if n := fake.TokenRequests(); n != 2 {
		t.Fatalf("token requests after revocation = %d, want 2", n)
	}
}

// Invalid checks that newClient refuses each of configs with an error
// wrapping outbound.ErrInvalidConfig, and that neither the errors nor the
// configs show one of the secrets.
func Invalid[C any](t *testing.T, newClient func(C) (*http.Client, error), configs map[string]C, secrets ...string) {
	t.Helper()
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(c)
			if !errors.Is(err, outbound.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			NoSecret(t, err, secrets...)
			NoSecret(t, c, secrets...)
		})
	}
}

// ExpiredCertificates checks that client certificates that have all expired
// are a construction error, given as a list or as an mtls.Set, and that one
// valid certificate beside expired ones is fine (a rotation in progress).
// newClient builds cfg with its Certificates or CertificateSet set.
func ExpiredCertificates[C any](t *testing.T, newClient func(C) (*http.Client, error), cfg C) {
	t.Helper()
	ca, err := testpki.NewCA("expired certificates test")
	if err != nil {
		t.Fatal(err)
	}
	issue := func(notAfter time.Time) tls.Certificate {
		l, err := ca.Issue(testpki.LeafOptions{Client: true, NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter})
		if err != nil {
			t.Fatal(err)
		}
		return l.TLS
	}
	old1, old2, valid := issue(time.Now().Add(-time.Hour)), issue(time.Now().Add(-time.Minute)), issue(time.Now().Add(time.Hour))
	set, err := mtls.NewSet(old1, old2)
	if err != nil {
		t.Fatal(err)
	}
	build := func(field string, v any) error {
		c := cfg
		reflect.ValueOf(&c).Elem().FieldByName(field).Set(reflect.ValueOf(v))
		_, err := newClient(c)
		return err
	}
	for name, err := range map[string]error{"list": build("Certificates", []tls.Certificate{old1, old2}), "set": build("CertificateSet", set)} {
		if !errors.Is(err, outbound.ErrInvalidConfig) || !errors.Is(err, mtls.ErrExpired) {
			t.Errorf("all expired, as a %s: err = %v, want ErrInvalidConfig and mtls.ErrExpired", name, err)
		}
	}
	if err := build("Certificates", []tls.Certificate{old1, old2, valid}); err != nil {
		t.Errorf("one valid: %v", err)
	}
}
