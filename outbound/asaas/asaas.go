package asaas

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/preset"
)

// Environment selects Asaas's production or sandbox host.
type Environment int

// Environments.
const (
	Sandbox Environment = iota
	Production
)

// Key prefixes of each environment.
const (
	ProductionKeyPrefix = "$aact_prod_"
	SandboxKeyPrefix    = "$aact_hmlg_"
)

// BaseURL returns the documented base URL of env.
func BaseURL(env Environment) string {
	if env == Production {
		return "https://api.asaas.com/v3"
	}
	return "https://api-sandbox.asaas.com/v3"
}

// EnvironmentOf returns the environment an API key belongs to, by its
// prefix. The error never contains the key.
func EnvironmentOf(apiKey string) (Environment, error) {
	switch {
	case strings.HasPrefix(apiKey, ProductionKeyPrefix):
		return Production, nil
	case strings.HasPrefix(apiKey, SandboxKeyPrefix):
		return Sandbox, nil
	}
	return 0, preset.Errorf("asaas", "APIKey does not start with %s or %s", ProductionKeyPrefix, SandboxKeyPrefix)
}

// Config configures a client for Asaas. Its String, GoString and Format
// methods redact APIKey.
type Config struct {
	// Environment selects the host; the zero value is Sandbox. It must match
	// the key's prefix.
	Environment Environment
	// BaseURL, if set, replaces the environment's URL (tests, proxies). The
	// key must still match Environment.
	BaseURL string
	// Base is the transport underneath; nil means a clone of
	// http.DefaultTransport.
	Base http.RoundTripper
	// APIKey is the account's API key.
	APIKey string
	// UserAgent names the application; Asaas requires it. Required.
	UserAgent string
}

// New returns an *http.Client that sends the API key and User-Agent with its
// requests to Asaas. An invalid Config is an error here (wrapping
// outbound.ErrInvalidConfig), never at request time.
func New(cfg Config) (*http.Client, error) {
	const provider = "asaas"
	if err := preset.Require(provider, "APIKey", cfg.APIKey, "UserAgent", cfg.UserAgent); err != nil {
		return nil, err
	}
	if cfg.Environment != Sandbox && cfg.Environment != Production {
		return nil, preset.Errorf(provider, "unknown Environment %d", cfg.Environment)
	}
	if strings.ContainsAny(cfg.APIKey, " \t\r\n") {
		return nil, preset.Errorf(provider, "APIKey contains white space")
	}
	if strings.ContainsAny(cfg.UserAgent, "\r\n") {
		return nil, preset.Errorf(provider, "UserAgent contains a line break")
	}
	env, err := EnvironmentOf(cfg.APIKey)
	if err != nil {
		return nil, err
	}
	if env != cfg.Environment {
		return nil, preset.Errorf(provider, "APIKey is a %s key but Environment is %s", name(env), name(cfg.Environment))
	}
	base, err := preset.BaseURL(provider, cfg.BaseURL, BaseURL(cfg.Environment))
	if err != nil {
		return nil, err
	}
	// A BaseURL on the other environment's host would send the key there.
	other := Production
	if cfg.Environment == Production {
		other = Sandbox
	}
	if hostOf(base) == hostOf(BaseURL(other)) {
		return nil, preset.Errorf(provider, "BaseURL is on the %s host but Environment is %s", name(other), name(cfg.Environment))
	}
	b, err := preset.Build(preset.Spec{
		TransportOptions: preset.TransportOptions{Provider: provider, Base: cfg.Base},
		BaseURL:          base,
		Decorators: []func(http.RoundTripper) http.RoundTripper{
			outbound.UserAgent(cfg.UserAgent),
			outbound.Header("access_token", cfg.APIKey),
		},
	})
	if err != nil {
		return nil, err
	}
	return b.Client, nil
}

// hostOf returns the lower-cased host name of a URL already checked by
// preset.BaseURL.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

func name(e Environment) string {
	if e == Production {
		return "production"
	}
	return "sandbox"
}

// String describes c without its key.
func (c Config) String() string {
	return fmt.Sprintf("asaas.Config{Environment: %s, BaseURL: %q, APIKey: REDACTED, UserAgent: %q}",
		name(c.Environment), c.BaseURL, c.UserAgent)
}

// GoString is String.
func (c Config) GoString() string { return c.String() }

// LogValue logs String, redacted.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format redacts in every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// MarshalJSON encodes String, redacted.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// MarshalText is String, for encoders that use encoding.TextMarshaler.
func (c Config) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
