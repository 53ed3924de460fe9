package bankingapi_test

import (
	"crypto/tls"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Certificates that have all expired are a construction error, given as a
// list or as a Set.
func TestAllExpiredCertificatesRefused(t *testing.T) {
	ca, err := testpki.NewCA("bankingapi test")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca.Issue(testpki.LeafOptions{Client: true, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	set, err := mtls.NewSet(l.TLS)
	if err != nil {
		t.Fatal(err)
	}
	base := bankingapi.Config{Environment: bankingapi.Production, ClientID: "id", ClientSecret: "s3cret-x"}
	for name, edit := range map[string]func(*bankingapi.Config){
		"list": func(c *bankingapi.Config) { c.Certificates = []tls.Certificate{l.TLS} },
		"set":  func(c *bankingapi.Config) { c.CertificateSet = set },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := base
			edit(&cfg)
			if _, err := bankingapi.New(cfg); !errors.Is(err, outbound.ErrInvalidConfig) || !errors.Is(err, mtls.ErrExpired) {
				t.Fatalf("err = %v, want ErrInvalidConfig and mtls.ErrExpired", err)
			}
		})
	}
}
