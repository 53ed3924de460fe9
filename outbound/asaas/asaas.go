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

// String returns "sandbox" or "production".
func (e Environment) String() string { return preset.Environment(e).String() }

// Key prefixes of each environment.
const (
	ProductionKeyPrefix = "$aact_prod_"
	SandboxKeyPrefix    = "$aact_hmlg_"
)

// urls are the documented base URLs, by environment.
var urls = [2]string{Sandbox: "https://api-sandbox.asaas.com/v3", Production: "https://api.asaas.com/v3"}

// name is the package's name, the prefix of its errors.
const name = "asaas"

// provider is what is Asaas's own: a static API key in the access_token
// header beside a mandatory User-Agent, and keys that name their
// environment.
var provider = preset.Provider[Config, *http.Client]{
	Name: name,
	APIs: []preset.API{{URLs: urls}},
	// UserAgent is required: Asaas refuses requests without one.
	Required: []string{"APIKey", "UserAgent"},
	Check:    check,
	Decorators: func(c Config) []func(http.RoundTripper) http.RoundTripper {
		return []func(http.RoundTripper) http.RoundTripper{outbound.UserAgent(c.UserAgent), outbound.Header("access_token", c.APIKey)}
	},
	Parts: func(b preset.Built) *http.Client { return b.Client },
}

// BaseURL returns the documented base URL of env, or "" for an unknown
// environment.
func BaseURL(env Environment) string { return provider.URL(preset.Environment(env), 0) }

// EnvironmentOf returns the environment an API key belongs to, by its
// prefix. The error never contains the key.
func EnvironmentOf(apiKey string) (Environment, error) {
	switch {
	case strings.HasPrefix(apiKey, ProductionKeyPrefix):
		return Production, nil
	case strings.HasPrefix(apiKey, SandboxKeyPrefix):
		return Sandbox, nil
	}
	return 0, preset.Errorf(name, "APIKey does not start with %s or %s", ProductionKeyPrefix, SandboxKeyPrefix)
}

// check returns what is wrong with c's key and user agent, and a base URL
// on the other environment's host, which would send the key there.
func check(c Config, baseURL string) []error {
	var errs []error
	if strings.ContainsAny(c.APIKey, " \t\r\n") {
		errs = append(errs, preset.Errorf(name, "APIKey contains white space"))
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, preset.Errorf(name, "UserAgent contains a line break"))
	}
	if env, err := EnvironmentOf(c.APIKey); c.APIKey != "" && err != nil {
		errs = append(errs, err)
	} else if c.APIKey != "" && env != c.Environment {
		errs = append(errs, preset.Errorf(name, "APIKey is a %s key but Environment is %s", env, c.Environment))
	}
	other := 1 - c.Environment // the other environment
	if baseURL != "" && hostOf(baseURL) == hostOf(urls[other]) {
		errs = append(errs, preset.Errorf(name, "BaseURL is on the %s host but Environment is %s", other, c.Environment))
	}
	return errs
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

// String describes c without its key.
func (c Config) String() string { return preset.Describe(c) }

// New returns an *http.Client that sends the API key and User-Agent with its
// requests to Asaas. An invalid Config is an error here (wrapping
// outbound.ErrInvalidConfig, every problem reported), never at request time.
func New(cfg Config) (*http.Client, error) { return provider.New(cfg) }

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
