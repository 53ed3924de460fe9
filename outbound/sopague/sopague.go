package sopague

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/preset"
)

// Environment selects SoPague's production or staging hosts.
type Environment int

// Environments.
const (
	Sandbox Environment = iota // staging ("hmg")
	Production
)

// String returns "sandbox" or "production".
func (e Environment) String() string { return preset.Environment(e).String() }

// API selects one of SoPague's APIs.
type API int

// APIs.
const (
	// Gateway is the payment gateway API: login at POST /api/auth/token.
	Gateway API = iota
	// Integration is the API for additional functionality ("Other APIs"):
	// login at POST /api/authentication/login.
	Integration
)

// String returns "Gateway" or "Integration".
func (a API) String() string { return provider.APIName(int(a)) }

// provider is what is SoPague's own: its APIs, and a login with a JSON body
// answered with the token's creation and expiration times.
var provider = preset.Provider[Config, *Parts]{
	Name: "sopague",
	APIs: []preset.API{
		Gateway: {Name: "Gateway", TokenPath: "/api/auth/token",
			URLs: [2]string{Sandbox: "https://api-hmg.sopague.com.br/gateway", Production: "https://api.sopague.com.br/gateway"}},
		Integration: {Name: "Integration", TokenPath: "/api/authentication/login",
			URLs: [2]string{Sandbox: "https://api-hmg.sopague.com.br/integration", Production: "https://integration.sopague.com.br/sopague"}},
	},
	Required: []string{"UserName", "Password"},
	Identity: "UserName",
	Fetcher: func(c Config, e preset.Endpoint) outbound.Fetcher {
		return &outbound.JSONFetcher{URL: e.URL, Client: e.Client, Now: e.Now,
			Body:       map[string]string{"userName": c.UserName, "password": c.Password},
			TokenField: "accessToken", ExpiresAtField: "expiration", IssuedAtField: "created", SuccessField: "authenticated"}
	},
	Parts: func(b preset.Built) *Parts { return &Parts{Client: b.Client, Source: b.Source, BaseURL: b.BaseURL} },
}

// BaseURL returns the documented base URL of api in env, or "" for an
// unknown API or environment.
func BaseURL(env Environment, api API) string { return provider.URL(preset.Environment(env), int(api)) }

// TokenPath returns the path of api's login endpoint below its base URL.
func TokenPath(api API) string { return provider.TokenPath(int(api)) }

// Config configures a client for SoPague. Its String, GoString and Format
// methods redact Password.
type Config struct {
	// Environment selects the hosts; the zero value is Sandbox (staging).
	Environment Environment
	// API selects the API; the zero value is Gateway.
	API API
	// BaseURL, if set, replaces the environment's URL (tests, proxies).
	BaseURL string
	// Base is the transport underneath; nil means a clone of
	// http.DefaultTransport.
	Base http.RoundTripper
	// UserName and Password are the API user's credentials.
	UserName, Password string
	// SourceOptions tunes token caching and refresh; nil means defaults.
	SourceOptions *outbound.SourceOptions
	// Store, if set, shares the access token with the other processes that
	// use this credential (outbound.Shared; outbound/redisstore on Redis),
	// so that a fleet of replicas makes one token request per refresh cycle
	// instead of one per replica. Nil keeps the token in this process.
	Store outbound.Store
	// SharedOptions tunes the sharing (lease TTL, store timeout, the
	// EncryptionKey that seals tokens in the store); nil means defaults.
	// Its RefreshAhead and Now default to the Source's.
	SharedOptions *outbound.SharedOptions
}

// String describes c without its password.
func (c Config) String() string { return preset.Describe(c) }

// Parts are what New assembles, for callers that need more than the client.
type Parts struct {
	// Client sends authorized requests to BaseURL.
	Client *http.Client
	// Source caches the access token (Stats, Invalidate).
	Source *outbound.Source
	// BaseURL is the base URL in use.
	BaseURL string
}

// New returns an *http.Client that authorizes its requests to SoPague. An
// invalid Config is an error here (wrapping outbound.ErrInvalidConfig, every
// problem reported), never at request time.
func New(cfg Config) (*http.Client, error) { return provider.New(cfg) }

// NewParts is New returning all the parts it assembles.
func NewParts(cfg Config) (*Parts, error) { return provider.NewParts(cfg) }

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
