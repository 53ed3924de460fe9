package divipay

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

// Environment selects DiviPay's production host or a sandbox.
type Environment int

// Environments.
const (
	// Sandbox has no documented URL: set Config.BaseURL.
	Sandbox Environment = iota
	Production
)

// ProductionURL is DiviPay's documented base URL.
const ProductionURL = "https://api.divipay.com.br"

// TokenPath is the path of the token endpoint below the base URL.
const TokenPath = "/api/auth"

// RefreshAhead is how long before expiry tokens are renewed, as DiviPay
// advises.
const RefreshAhead = 5 * time.Minute

// Config configures a client for DiviPay. Its String, GoString and Format
// methods redact ClientSecret.
type Config struct {
	// Environment selects the host; the zero value is Sandbox, which needs
	// BaseURL.
	Environment Environment
	// BaseURL, if set, replaces the environment's URL (tests, proxies).
	BaseURL string
	// Base is the transport underneath; nil means a clone of
	// http.DefaultTransport.
	Base http.RoundTripper
	// ClientID and ClientSecret are the credentials from DiviPay's panel.
	ClientID, ClientSecret string
	// SourceOptions tunes token caching and refresh; nil means defaults, with
	// RefreshAhead set to DiviPay's 5 minutes.
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

// New returns an *http.Client that authorizes its requests to DiviPay. An
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
	const provider = "divipay"
	def := ""
	switch cfg.Environment {
	case Production:
		def = ProductionURL
	case Sandbox:
	default:
		return nil, preset.Errorf(provider, "unknown Environment %d", cfg.Environment)
	}
	if err := preset.Require(provider, "ClientID", cfg.ClientID, "ClientSecret", cfg.ClientSecret); err != nil {
		return nil, err
	}
	base, err := preset.BaseURL(provider, cfg.BaseURL, def)
	if err != nil {
		return nil, err
	}
	so := outbound.SourceOptions{RefreshAhead: RefreshAhead}
	if cfg.SourceOptions != nil {
		so = *cfg.SourceOptions
		if so.RefreshAhead == 0 {
			so.RefreshAhead = RefreshAhead
		}
	}
	b, err := preset.Build(preset.Spec{
		TransportOptions: preset.TransportOptions{Provider: provider, Base: cfg.Base},
		BaseURL:          base,
		SourceOptions:    &so,
		Store:            cfg.Store,
		SharedOptions:    cfg.SharedOptions,
		SharedKey:        preset.CredentialKey(provider, base+TokenPath, cfg.ClientID),
		Fetcher: func(c *http.Client, now func() time.Time) outbound.Fetcher {
			return &outbound.JSONFetcher{
				URL:            base + TokenPath,
				Body:           map[string]string{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret},
				TokenField:     "token",
				TypeField:      "type",
				ExpiresInField: "expireIn",
				ExpiresAtField: "expireOn",
				Statuses:       []int{http.StatusCreated},
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

// String describes c without its secret.
func (c Config) String() string {
	return fmt.Sprintf("divipay.Config{Environment: %d, BaseURL: %q, ClientID: %q, ClientSecret: REDACTED}",
		c.Environment, c.BaseURL, c.ClientID)
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
