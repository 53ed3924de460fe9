package bankingapi

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/internal/preset"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Environment selects the Banking API's production host or a sandbox.
type Environment int

// Environments.
const (
	// Sandbox has no documented URL: set Config.BaseURL.
	Sandbox Environment = iota
	Production
)

// String returns "sandbox" or "production".
func (e Environment) String() string { return preset.Environment(e).String() }

// ProductionURL is the host of the Banking API's documentation examples.
const ProductionURL = "https://api.bancodigital.com"

// TokenPath is the path of the token endpoint below the base URL.
const TokenPath = "/public/gw_banking/v1/auth/token-v2"

// Errors wrapped by the *outbound.Error of a refused token request, beside
// the outbound sentinels.
var (
	// ErrInvalidClientCertificate: the certificate presented is not bound to
	// the credential, has expired, or is not of the environment's chain.
	ErrInvalidClientCertificate = errors.New("bankingapi: invalid client certificate")
	// ErrIPNotAllowed: the source IP is not on the credential's allowlist.
	ErrIPNotAllowed = errors.New("bankingapi: source IP not allowed")
)

// provider is what is the Banking API's own: mTLS, an OAuth2-shaped token
// response to a JSON request, and refusals that say which check failed.
var provider = preset.Provider[Config, *Parts]{
	Name:     "bankingapi",
	APIs:     []preset.API{{TokenPath: TokenPath, MTLS: true, URLs: [2]string{Production: ProductionURL}}},
	Required: []string{"ClientID", "ClientSecret"},
	Identity: "ClientID",
	Fetcher: func(c Config, e preset.Endpoint) outbound.Fetcher {
		return &outbound.JSONFetcher{URL: e.URL, Client: e.Client, Now: e.Now,
			Body:       map[string]string{"client_id": c.ClientID, "client_secret": c.ClientSecret, "grant_type": "client_credentials"},
			TokenField: "access_token", TypeField: "token_type", ExpiresInField: "expires_in"}
	},
	Refused: refused,
	Parts: func(b preset.Built) *Parts {
		return &Parts{Client: b.Client, Source: b.Source, BaseURL: b.BaseURL, Certificates: b.Certificates}
	},
}

// refused adds the Banking API's own causes to a refused token request: a
// 401 about the certificate, and the 403 of an IP not allowed.
func refused(e *outbound.Error) {
	switch {
	case e.Status == http.StatusUnauthorized && strings.Contains(strings.ToLower(e.Code+" "+e.Message), "certificate"):
		e.Err = ErrInvalidClientCertificate
	case e.Status == http.StatusForbidden:
		e.Err = ErrIPNotAllowed
	}
}

// Config configures a client for the Banking API. Its String, GoString and
// Format methods redact ClientSecret and the certificates' keys.
type Config struct {
	// Environment selects the host; the zero value is Sandbox, which needs
	// BaseURL.
	Environment Environment
	// BaseURL, if set, replaces the environment's URL (tests, proxies).
	BaseURL string
	// Base is the transport underneath; nil means a clone of
	// http.DefaultTransport. It must be nil or an *http.Transport.
	Base http.RoundTripper
	// ClientID and ClientSecret are the credential created in the CORE.
	ClientID, ClientSecret string
	// Certificates are the client certificates bound to the credential (one,
	// or two during a rotation). Required.
	Certificates []tls.Certificate
	// CertificateSet, if set, replaces Certificates with a set the caller
	// keeps and updates, such as an mtls.Reloader's Set, which picks up a
	// renewed certificate file without a restart.
	CertificateSet *mtls.Set
	// RootCAs are the CAs trusted for the server; nil means the system
	// roots.
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

// String describes c without its secret or keys.
func (c Config) String() string { return preset.Describe(c) }

// Parts are what New assembles, for callers that need more than the client.
type Parts struct {
	// Client sends authorized requests to BaseURL.
	Client *http.Client
	// Source caches the access token (Stats, Invalidate).
	Source *outbound.Source
	// BaseURL is the base URL in use.
	BaseURL string
	// Certificates is the client-certificate set; Replace rotates
	// certificates without a restart.
	Certificates *mtls.Set
}

// New returns an *http.Client that authorizes its requests to the Banking
// API. An invalid Config is an error here (wrapping
// outbound.ErrInvalidConfig, every problem reported), never at request time.
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
