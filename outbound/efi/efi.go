package efi

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/preset"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Environment selects Efí's production or sandbox (homologação) hosts.
type Environment int

// Environments.
const (
	Sandbox Environment = iota
	Production
)

// String returns "sandbox" or "production".
func (e Environment) String() string { return preset.Environment(e).String() }

// API selects one of Efí's APIs.
type API int

// APIs.
const (
	// Pix is the Pix API: token at POST /oauth/token, mTLS required.
	Pix API = iota
	// Charges is the Charges (Cobranças, boletos and cards) API: token at
	// POST /v1/authorize.
	Charges
)

// String returns "Pix" or "Charges".
func (a API) String() string { return provider.APIName(int(a)) }

// provider is what is Efí's own: its APIs, and a token request of OAuth2
// client credentials in a Basic header with a JSON body.
var provider = preset.Provider[Config, *Parts]{
	Name: "efi",
	APIs: []preset.API{
		Pix: {Name: "Pix", TokenPath: "/oauth/token", MTLS: true,
			URLs: [2]string{Sandbox: "https://pix-h.api.efipay.com.br", Production: "https://pix.api.efipay.com.br"}},
		Charges: {Name: "Charges", TokenPath: "/authorize",
			URLs: [2]string{Sandbox: "https://cobrancas-h.api.efipay.com.br/v1", Production: "https://cobrancas.api.efipay.com.br/v1"}},
	},
	Required: []string{"ClientID", "ClientSecret"},
	Identity: "ClientID",
	Fetcher: func(c Config, e preset.Endpoint) outbound.Fetcher {
		// Efí's credentials are plain ASCII, sent unescaped as its SDKs do.
		return &outbound.ClientCredentials{TokenURL: e.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			AuthStyle: outbound.AuthBasicUnescaped, Encoding: outbound.JSONBody, Client: e.Client, Now: e.Now}
	},
	Parts: func(b preset.Built) *Parts {
		return &Parts{Client: b.Client, Source: b.Source, BaseURL: b.BaseURL, Certificates: b.Certificates}
	},
}

// BaseURL returns the documented base URL of api in env, as Efí's SDKs use
// it, or "" for an unknown API or environment. Paths of Charges requests
// start after /v1.
func BaseURL(env Environment, api API) string { return provider.URL(preset.Environment(env), int(api)) }

// TokenPath returns the path of api's token endpoint below its base URL.
func TokenPath(api API) string { return provider.TokenPath(int(api)) }

// Config configures a client for Efí. Its String, GoString and Format methods
// redact ClientSecret.
type Config struct {
	// Environment selects the hosts; the zero value is Sandbox.
	Environment Environment
	// API selects the API; the zero value is Pix.
	API API
	// BaseURL, if set, replaces the environment's URL (tests, proxies).
	BaseURL string
	// Base is the transport underneath; nil means a clone of
	// http.DefaultTransport. With Certificates or RootCAs it must be nil or an
	// *http.Transport.
	Base http.RoundTripper
	// ClientID and ClientSecret are the application's credentials.
	ClientID, ClientSecret string
	// Certificates are the account's client certificates; required for Pix.
	// With several (during a rotation), each handshake presents the valid
	// one that expires last.
	Certificates []tls.Certificate
	// CertificateSet, if set, replaces Certificates with a set the caller
	// keeps and updates, such as an mtls.Reloader's Set, which picks up a
	// renewed certificate file without a restart.
	CertificateSet *mtls.Set
	// RootCAs are the CAs trusted for Efí's server certificate; nil means the
	// system roots.
	RootCAs *x509.CertPool
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
	// Certificates is the client-certificate set (nil without
	// certificates); Replace rotates certificates without a restart.
	Certificates *mtls.Set
}

// New returns an *http.Client that authorizes its requests to Efí. An invalid
// Config is an error here (wrapping outbound.ErrInvalidConfig, every problem
// reported), never at request time.
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
