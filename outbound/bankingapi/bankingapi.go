package bankingapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

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
// outbound.ErrInvalidConfig), never at request time.
func New(cfg Config) (*http.Client, error) {
	p, err := NewParts(cfg)
	if err != nil {
		return nil, err
	}
	return p.Client, nil
}

// NewParts is New returning all the parts it assembles.
func NewParts(cfg Config) (*Parts, error) {
	const provider = "bankingapi"
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
	b, err := preset.Build(preset.Spec{
		TransportOptions: preset.TransportOptions{Provider: provider, Base: cfg.Base, Certificates: cfg.Certificates,
			CertificateSet: cfg.CertificateSet, RequireCertificates: true, RootCAs: cfg.RootCAs},
		BaseURL:       base,
		SourceOptions: cfg.SourceOptions,
		Store:         cfg.Store,
		SharedOptions: cfg.SharedOptions,
		SharedKey:     preset.CredentialKey(provider, base+TokenPath, cfg.ClientID),
		Fetcher: func(c *http.Client, now func() time.Time) outbound.Fetcher {
			return classify{&outbound.JSONFetcher{
				URL: base + TokenPath,
				Body: map[string]string{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
					"grant_type": "client_credentials"},
				TokenField:     "access_token",
				TypeField:      "token_type",
				ExpiresInField: "expires_in",
				Client:         c,
				Now:            now,
			}}
		},
	})
	if err != nil {
		return nil, err
	}
	return &Parts{Client: b.Client, Source: b.Source, BaseURL: base, Certificates: b.Set}, nil
}

// classify adds the Banking API's own causes to a refused token request.
type classify struct{ f outbound.Fetcher }

func (c classify) Fetch(ctx context.Context) (outbound.Token, error) {
	tok, err := c.f.Fetch(ctx)
	var oe *outbound.Error
	if err == nil || !errors.As(err, &oe) {
		return tok, err
	}
	switch {
	case oe.Status == http.StatusUnauthorized &&
		strings.Contains(strings.ToLower(oe.Code+" "+oe.Message), "certificate"):
		oe.Err = ErrInvalidClientCertificate
	case oe.Status == http.StatusForbidden:
		oe.Err = ErrIPNotAllowed
	}
	return tok, err
}

// Validate passes the wrapped fetcher's configuration check on.
func (c classify) Validate() error {
	if v, ok := c.f.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// String describes c without its secret or keys.
func (c Config) String() string {
	return fmt.Sprintf("bankingapi.Config{Environment: %d, BaseURL: %q, ClientID: %q, ClientSecret: REDACTED, Certificates: %d}",
		c.Environment, c.BaseURL, c.ClientID, len(c.Certificates))
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
