package bankingapi_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/internal/presettest"
)

// Certificates that have all expired are a construction error, given as a
// list or as a Set.
func TestAllExpiredCertificatesRefused(t *testing.T) {
	presettest.ExpiredCertificates(t, bankingapi.New, bankingapi.Config{Environment: bankingapi.Production, ClientID: "id", ClientSecret: "s3cret-x"})
}
