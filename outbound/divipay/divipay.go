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

// String returns "sandbox" or "production".
func (e Environment) String() string { return preset.Environment(e).String() }

// ProductionURL is DiviPay's documented base URL.
const ProductionURL = "https://api.divipay.com.br"

// TokenPath is the path of the token endpoint below the base URL.
const TokenPath = "/api/auth"

// RefreshAhead is how long before expiry tokens are renewed, as DiviPay
// advises.
const RefreshAhead = 5 * time.Minute

// provider is what is DiviPay's own: a token request with a JSON body,
// answered 201 Created with the token's lifetime and expiry.
var provider = preset.Provider[Config, *Parts]{
	Name:         "divipay",
	APIs:         []preset.API{{TokenPath: TokenPath, URLs: [2]string{Production: ProductionURL}}},
	Required:     []string{"ClientID", "ClientSecret"},
	Identity:     "ClientID",
	RefreshAhead: RefreshAhead,
	Fetcher: func(c Config, e preset.Endpoint) outbound.Fetcher {
		return &outbound.JSONFetcher{URL: e.URL, Client: e.Client, Now: e.Now, Statuses: []int{http.StatusCreated},
			Body:       map[string]string{"client_id": c.ClientID, "client_secret": c.ClientSecret},
			TokenField: "token", TypeField: "type", ExpiresInField: "expireIn", ExpiresAtField: "expireOn"}
	},
	Parts: func(b preset.Built) *Parts { return &Parts{Client: b.Client, Source: b.Source, BaseURL: b.BaseURL} },
}

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

// String describes c without its secret.
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

// New returns an *http.Client that authorizes its requests to DiviPay. An
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
