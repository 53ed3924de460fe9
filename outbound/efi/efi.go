package efi

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

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

// BaseURL returns the documented base URL of api in env, as Efí's SDKs use
// it. Paths of Charges requests start after /v1.
func BaseURL(env Environment, api API) string {
	switch {
	case api == Pix && env == Production:
		return "https://pix.api.efipay.com.br"
	case api == Pix:
		return "https://pix-h.api.efipay.com.br"
	case env == Production:
		return "https://cobrancas.api.efipay.com.br/v1"
	default:
		return "https://cobrancas-h.api.efipay.com.br/v1"
	}
}

// TokenPath returns the path of api's token endpoint below its base URL.
func TokenPath(api API) string {
	if api == Charges {
		return "/authorize"
	}
	return "/oauth/token"
}

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
// Config is an error here (wrapping outbound.ErrInvalidConfig), never at
// request time.
func New(cfg Config) (*http.Client, error) {
	p, err := NewParts(cfg)
	if err != nil {
		return nil, err
	}
	return p.Client, nil
}

// NewParts is New returning all the parts it assembles.
func NewParts(cfg Config) (*Parts, error) {
	const provider = "efi"
	if cfg.API != Pix && cfg.API != Charges {
		return nil, preset.Errorf(provider, "unknown API %d", cfg.API)
	}
	if cfg.Environment != Sandbox && cfg.Environment != Production {
		return nil, preset.Errorf(provider, "unknown Environment %d", cfg.Environment)
	}
	if err := preset.Require(provider, "ClientID", cfg.ClientID, "ClientSecret", cfg.ClientSecret); err != nil {
		return nil, err
	}
	base, err := preset.BaseURL(provider, cfg.BaseURL, BaseURL(cfg.Environment, cfg.API))
	if err != nil {
		return nil, err
	}
	b, err := preset.Build(preset.Spec{
		TransportOptions: preset.TransportOptions{Provider: provider, Base: cfg.Base, Certificates: cfg.Certificates,
			CertificateSet: cfg.CertificateSet, RequireCertificates: cfg.API == Pix, RootCAs: cfg.RootCAs},
		BaseURL:       base,
		SourceOptions: cfg.SourceOptions,
		Store:         cfg.Store,
		SharedOptions: cfg.SharedOptions,
		SharedKey:     preset.CredentialKey(provider, base+TokenPath(cfg.API), cfg.ClientID),
		Fetcher: func(c *http.Client, now func() time.Time) outbound.Fetcher {
			return &outbound.ClientCredentials{
				TokenURL: base + TokenPath(cfg.API), ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
				// Efí's credentials are plain ASCII, sent unescaped as its SDKs do.
				AuthStyle: outbound.AuthBasicUnescaped, Encoding: outbound.JSONBody, Client: c, Now: now,
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return &Parts{Client: b.Client, Source: b.Source, BaseURL: base, Certificates: b.Set}, nil
}

// String describes c without its secret.
func (c Config) String() string {
	return fmt.Sprintf("efi.Config{Environment: %d, API: %d, BaseURL: %q, ClientID: %q, ClientSecret: REDACTED, Certificates: %d}",
		c.Environment, c.API, c.BaseURL, c.ClientID, len(c.Certificates))
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
