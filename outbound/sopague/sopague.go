package sopague

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

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

// BaseURL returns the documented base URL of api in env.
func BaseURL(env Environment, api API) string {
	switch {
	case api == Gateway && env == Production:
		return "https://api.sopague.com.br/gateway"
	case api == Gateway:
		return "https://api-hmg.sopague.com.br/gateway"
	case env == Production:
		return "https://integration.sopague.com.br/sopague"
	default:
		return "https://api-hmg.sopague.com.br/integration"
	}
}

// TokenPath returns the path of api's login endpoint below its base URL.
func TokenPath(api API) string {
	if api == Integration {
		return "/api/authentication/login"
	}
	return "/api/auth/token"
}

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
// invalid Config is an error here (wrapping outbound.ErrInvalidConfig), never
// at request time.
func New(cfg Config) (*http.Client, error) {
	p, err := NewParts(cfg)
	if err != nil {
		return nil, err
	}
	return p.Client, nil
}

// NewParts is New returning all the parts it assembles.
func NewParts(cfg Config) (*Parts, error) {
	const provider = "sopague"
	if cfg.API != Gateway && cfg.API != Integration {
		return nil, preset.Errorf(provider, "unknown API %d", cfg.API)
	}
	if cfg.Environment != Sandbox && cfg.Environment != Production {
		return nil, preset.Errorf(provider, "unknown Environment %d", cfg.Environment)
	}
	if err := preset.Require(provider, "UserName", cfg.UserName, "Password", cfg.Password); err != nil {
		return nil, err
	}
	base, err := preset.BaseURL(provider, cfg.BaseURL, BaseURL(cfg.Environment, cfg.API))
	if err != nil {
		return nil, err
	}
	b, err := preset.Build(preset.Spec{
		TransportOptions: preset.TransportOptions{Provider: provider, Base: cfg.Base},
		BaseURL:          base,
		SourceOptions:    cfg.SourceOptions,
		Store:            cfg.Store,
		SharedOptions:    cfg.SharedOptions,
		SharedKey:        preset.CredentialKey(provider, base+TokenPath(cfg.API), cfg.UserName),
		Fetcher: func(c *http.Client, now func() time.Time) outbound.Fetcher {
			return &outbound.JSONFetcher{
				URL:            base + TokenPath(cfg.API),
				Body:           map[string]string{"userName": cfg.UserName, "password": cfg.Password},
				TokenField:     "accessToken",
				ExpiresAtField: "expiration",
				IssuedAtField:  "created",
				SuccessField:   "authenticated",
				Client:         c,
				Now:            now,
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return &Parts{Client: b.Client, Source: b.Source, BaseURL: base}, nil
}

// String describes c without its password.
func (c Config) String() string {
	return fmt.Sprintf("sopague.Config{Environment: %d, API: %d, BaseURL: %q, UserName: %q, Password: REDACTED}",
		c.Environment, c.API, c.BaseURL, c.UserName)
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
