package providertest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Credentials are the secrets a fake accepts, under the names each provider
// uses: ClientID and ClientSecret (Efí, DiviPay, Banking API), UserName and
// Password (SoPague), APIKey (Asaas). Printing redacts the secrets.
type Credentials struct {
	ClientID, ClientSecret string
	UserName, Password     string
	APIKey                 string
}

// String describes the credentials with every secret redacted.
func (c Credentials) String() string {
	return fmt.Sprintf("providertest.Credentials{ClientID: %q, ClientSecret: %s, UserName: %q, Password: %s, APIKey: %s}",
		c.ClientID, redact(c.ClientSecret), c.UserName, redact(c.Password), redact(c.APIKey))
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue logs String, redacted.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON encodes String, redacted.
func (c Credentials) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// LogValue logs the options with their credentials redacted.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.Duration("token_lifetime", o.TokenLifetime), slog.Duration("latency", o.Latency),
		slog.Any("credentials", o.Credentials))
}

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "REDACTED"
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}
