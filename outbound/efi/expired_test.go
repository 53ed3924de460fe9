package efi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
)

// Certificates that have all expired are a construction error; one valid
// certificate beside expired ones is fine (a rotation in progress).
func TestAllExpiredCertificatesRefused(t *testing.T) {
	presettest.ExpiredCertificates(t, efi.New, efi.Config{ClientID: "id", ClientSecret: "shh-secret"})
}

// Every missing credential is reported at once.
func TestConfigErrorsJoined(t *testing.T) {
	_, err := efi.New(efi.Config{API: efi.Charges})
	if !errors.Is(err, outbound.ErrInvalidConfig) || !strings.Contains(err.Error(), "ClientID") || !strings.Contains(err.Error(), "ClientSecret") {
		t.Fatalf("err = %v, want both ClientID and ClientSecret named", err)
	}
}
