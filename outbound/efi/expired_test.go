package efi_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Certificates that have all expired are a construction error; one valid
// certificate beside expired ones is fine (a rotation in progress).
func TestAllExpiredCertificatesRefused(t *testing.T) {
	ca, err := testpki.NewCA("efi test")
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
	cfg := efi.Config{ClientID: "id", ClientSecret: "shh-secret", Certificates: []tls.Certificate{old1, old2}}
	_, err = efi.New(cfg)
	if !errors.Is(err, outbound.ErrInvalidConfig) || !errors.Is(err, mtls.ErrExpired) {
		t.Fatalf("all expired: err = %v, want ErrInvalidConfig and mtls.ErrExpired", err)
	}
	cfg.Certificates = append(cfg.Certificates, valid)
	if _, err := efi.New(cfg); err != nil {
		t.Fatalf("one valid: %v", err)
	}
}

// Every missing credential is reported at once.
func TestConfigErrorsJoined(t *testing.T) {
	_, err := efi.New(efi.Config{API: efi.Charges})
	if !errors.Is(err, outbound.ErrInvalidConfig) || !strings.Contains(err.Error(), "ClientID") || !strings.Contains(err.Error(), "ClientSecret") {
		t.Fatalf("err = %v, want both ClientID and ClientSecret named", err)
	}
}
