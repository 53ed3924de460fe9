package outbound_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/asaas"
	"github.com/gatehouse-go/gatehouse/outbound/bankingapi"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/efi"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
	"github.com/gatehouse-go/gatehouse/outbound/sopague"
)

// Secret-bearing values nested in structs, maps and slices stay redacted
// when encoding/json or slog's JSON handler prints them field by field.
func TestNestedSecretsRedactedInJSON(t *testing.T) {
	const secret = "TOP-SECRET-42"
	values := map[string]any{
		"Token":             outbound.Token{Value: secret, Expiry: time.Unix(1e9, 0)},
		"ClientCredentials": outbound.ClientCredentials{TokenURL: "https://a/t", ClientID: "id", ClientSecret: secret},
		"JSONFetcher":       outbound.JSONFetcher{URL: "https://a/t", Body: map[string]string{"password": secret}, TokenField: "t"},
		"efi.Config":        efi.Config{ClientID: "id", ClientSecret: secret},
		"sopague.Config":    sopague.Config{UserName: "u", Password: secret},
		"divipay.Config":    divipay.Config{ClientID: "id", ClientSecret: secret},
		"bankingapi.Config": bankingapi.Config{ClientID: "id", ClientSecret: secret},
		"asaas.Config":      asaas.Config{APIKey: secret, UserAgent: "ua"},
		"mtls.File":         mtls.File{PFXFile: "a.p12", Password: secret},
	}
	for name, v := range values {
		nests := map[string]any{
			"struct":       struct{ Inner any }{v},
			"pointer":      struct{ Inner any }{ptrTo(v)},
			"map":          map[string]any{"inner": v},
			"slice":        []any{v, v},
			"typed struct": struct{ Deep struct{ List []any } }{struct{ List []any }{[]any{v}}},
		}
		for how, nested := range nests {
			t.Run(name+"/"+how, func(t *testing.T) {
				b, err := json.Marshal(nested)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(b, []byte(secret)) {
					t.Fatalf("encoding/json: %s", b)
				}
				var buf bytes.Buffer
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "nested", nested)
				if strings.Contains(buf.String(), secret) {
					t.Fatalf("slog JSON: %s", buf.String())
				}
				if !strings.Contains(buf.String(), "REDACTED") {
					t.Fatalf("slog JSON printed nothing recognisable: %s", buf.String())
				}
			})
		}
	}
}

// ptrTo returns a pointer to a copy of v with v's dynamic type.
func ptrTo(v any) any {
	switch v := v.(type) {
	case outbound.Token:
		return &v
	case outbound.ClientCredentials:
		return &v
	case outbound.JSONFetcher:
		return &v
	case efi.Config:
		return &v
	case sopague.Config:
		return &v
	case divipay.Config:
		return &v
	case bankingapi.Config:
		return &v
	case asaas.Config:
		return &v
	case mtls.File:
		return &v
	}
	panic("unknown type")
}
