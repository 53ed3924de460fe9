package outbound_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// Every provider's Environment prints its name, in errors and in its
// Config's String, never 0 or 1.
func TestEnvironmentString(t *testing.T) {
	tests := []struct {
		got  fmt.Stringer
		want string
	}{
		{efi.Sandbox, "sandbox"}, {efi.Production, "production"}, {efi.Environment(7), "Environment(7)"},
		{sopague.Sandbox, "sandbox"}, {sopague.Production, "production"},
		{divipay.Sandbox, "sandbox"}, {divipay.Production, "production"},
		{bankingapi.Sandbox, "sandbox"}, {bankingapi.Production, "production"},
		{asaas.Sandbox, "sandbox"}, {asaas.Production, "production"},
		{efi.Pix, "Pix"}, {efi.Charges, "Charges"}, {efi.API(5), "API(5)"},
		{sopague.Gateway, "Gateway"}, {sopague.Integration, "Integration"},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("%T %d: String() = %q, want %q", tt.got, tt.got, s, tt.want)
		}
	}
	cfg := divipay.Config{Environment: divipay.Production, ClientID: "id", ClientSecret: "s3cret"}
	j, _ := json.Marshal(cfg)
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), string(j)} {
		if !strings.Contains(s, "Environment: production") || strings.Contains(s, "s3cret") {
			t.Errorf("Config printed as %s", s)
		}
	}
}

// The error of a missing BaseURL names the environment that has none.
func TestBaseURLRequiredNamesTheEnvironment(t *testing.T) {
	for name, err := range map[string]error{
		"divipay":    newErr(divipay.New(divipay.Config{ClientID: "id", ClientSecret: "s"})),
		"bankingapi": newErr(bankingapi.New(bankingapi.Config{ClientID: "id", ClientSecret: "s"})),
	} {
		if err == nil || !strings.Contains(err.Error(), "BaseURL is required") || !strings.Contains(err.Error(), "sandbox") {
			t.Errorf("%s: err = %v, want BaseURL is required for the sandbox environment", name, err)
		}
	}
}
