package preset

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// TransportOptions describes the transport a provider needs.
type TransportOptions struct {
	// Provider names the provider in errors, e.g. "efi".
	Provider string
	// Base is the user's transport; nil means a clone of
	// http.DefaultTransport.
	Base http.RoundTripper
	// Certificates are client certificates for mTLS.
	Certificates []tls.Certificate
	// CertificateSet, if set, is used instead of Certificates: a set the
	// caller keeps, such as an mtls.Reloader's.
	CertificateSet *mtls.Set
	// RequireCertificates makes an empty Certificates a configuration
	// error.
	RequireCertificates bool
	// RootCAs are the CAs trusted for the provider's server certificate;
	// nil means the system roots.
	RootCAs *x509.CertPool
	// Now is the clock the certificates' expiry is checked with; nil means
	// time.Now. Certificates are checked against real time, as the TLS
	// handshake does, not against a Source's injected clock.
	Now func() time.Time
}

// anyUnexpired returns a configuration error when every certificate has
// expired: a client that can never complete a handshake is a mistake to
// report at construction. Certificates not yet valid are accepted, so that a
// rotation can be staged.
func anyUnexpired(provider string, certs []tls.Certificate, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	t := now()
	for _, c := range certs {
		if c.Leaf == nil || !t.After(c.Leaf.NotAfter) {
			return nil
		}
	}
	return fmt.Errorf("%s: %w: %w", provider, outbound.ErrInvalidConfig,
		&mtls.Error{Op: "certificate set", Err: fmt.Errorf("%w: all %d certificates have expired", mtls.ErrExpired, len(certs))})
}

// Transport returns the transport to reach the provider with, and the
// certificate set it presents (nil without certificates).
//
// With certificates or RootCAs, Base must be nil or an *http.Transport (it is
// cloned, never modified), since the TLS settings have to go into it.
func Transport(o TransportOptions) (http.RoundTripper, *mtls.Set, error) {
	if o.CertificateSet != nil && len(o.Certificates) > 0 {
		return nil, nil, Errorf(o.Provider, "set Certificates or CertificateSet, not both")
	}
	if o.CertificateSet != nil && len(o.CertificateSet.Certificates()) == 0 {
		return nil, nil, Errorf(o.Provider, "CertificateSet holds no certificate")
	}
	if o.RequireCertificates && len(o.Certificates) == 0 && o.CertificateSet == nil {
		return nil, nil, Errorf(o.Provider, "Certificates is required: the provider authenticates the client with mTLS")
	}
	if len(o.Certificates) == 0 && o.CertificateSet == nil && o.RootCAs == nil {
		if o.Base != nil {
			return o.Base, nil, nil
		}
		return defaultTransport(), nil, nil
	}
	var t *http.Transport
	switch b := o.Base.(type) {
	case nil:
		t = defaultTransport()
	case *http.Transport:
		t = b.Clone()
	default:
		return nil, nil, Errorf(o.Provider, "Base must be nil or an *http.Transport when Certificates or RootCAs are set, not %T", o.Base)
	}
	set := o.CertificateSet
	if set == nil && len(o.Certificates) > 0 {
		var err error
		set, err = mtls.NewSet(o.Certificates...)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w: %w", o.Provider, outbound.ErrInvalidConfig, err)
		}
	}
	if set != nil {
		if err := anyUnexpired(o.Provider, set.Certificates(), o.Now); err != nil {
			return nil, nil, err
		}
	}
	// The user's TLS settings (roots, ServerName, ciphers, session cache)
	// are kept; only what this configuration says is set on a copy.
	cfg := &tls.Config{}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if o.RootCAs != nil {
		cfg.RootCAs = o.RootCAs
	}
	if set != nil {
		cfg.Certificates = nil
		cfg.GetClientCertificate = set.GetClientCertificate
	}
	t.TLSClientConfig = cfg
	return t, set, nil
}

// defaultTransport is a clone of http.DefaultTransport, or a transport with
// the same proxy and timeout settings if a program replaced it with another
// type.
func defaultTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// BaseURL returns override when set, else def, checked to be an absolute
// http(s) URL without query, fragment or user info, and without a trailing
// slash.
func BaseURL(provider, override, def string) (string, error) {
	s := def
	if override != "" {
		s = override
	}
	if s == "" {
		return "", Errorf(provider, "BaseURL is required: the provider documents no URL for this environment")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", Errorf(provider, "BaseURL must be an absolute http or https URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", Errorf(provider, "BaseURL must not hold user info, a query or a fragment")
	}
	return strings.TrimRight(s, "/"), nil
}

// OnlyHost returns a decorator that refuses, before anything is sent, any
// request whose scheme and host differ from baseURL's: a provider's
// credentials go to that provider and nowhere else (a redirect or a URL built
// for another environment included). It is outbound.AllowHosts(baseURL).
func OnlyHost(baseURL string) func(http.RoundTripper) http.RoundTripper {
	return outbound.AllowHosts(baseURL)
}

// Require returns an error naming every empty field (joined), for required
// credentials, given as name, value pairs.
func Require(provider string, fields ...string) error {
	var errs []error
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.TrimSpace(fields[i+1]) == "" {
			errs = append(errs, Errorf(provider, "%s is required", fields[i]))
		}
	}
	return errors.Join(errs...)
}

// Errorf returns a configuration error of provider: it wraps
// outbound.ErrInvalidConfig and reads "provider: invalid configuration: …".
// Callers never put a credential in it.
func Errorf(provider, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", provider, outbound.ErrInvalidConfig, fmt.Sprintf(format, args...))
}

// Spec is what Build assembles a provider client from.
type Spec struct {
	TransportOptions
	// BaseURL is the checked base URL (from BaseURL).
	BaseURL string
	// Fetcher, if set, returns the token fetcher given the client that
	// reaches the token endpoint (with the client certificates) and the
	// Source's clock, which the fetcher must stamp expiries with.
	Fetcher func(tokenClient *http.Client, now func() time.Time) outbound.Fetcher
	// SourceOptions tunes the Source; nil means defaults.
	SourceOptions *outbound.SourceOptions
	// Decorators go between the host guard and the Bearer decorator, e.g.
	// UserAgent or an API-key Header.
	Decorators []func(http.RoundTripper) http.RoundTripper
	// Store, if set, shares the token with other processes: the fetcher is
	// wrapped in outbound.Shared under SharedKey.
	Store outbound.Store
	// SharedOptions tunes the sharing; nil means defaults. Its RefreshAhead
	// and Now default to the Source's.
	SharedOptions *outbound.SharedOptions
	// SharedKey names the token in Store: see CredentialKey.
	SharedKey string
}

// CredentialKey is the Store key of a preset's token: the provider, its
// token URL and the client id or user name. Never a secret.
func CredentialKey(provider, tokenURL, identity string) string {
	return outbound.CredentialKey(provider, tokenURL, identity)
}

// share wraps f in outbound.Shared over s.Store, with the Source's refresh
// rule and clock.
func share(f outbound.Fetcher, s Spec) (outbound.Fetcher, error) {
	var o outbound.SharedOptions
	if s.SharedOptions != nil {
		o = *s.SharedOptions
	}
	if o.RefreshAhead == 0 && s.SourceOptions != nil {
		o.RefreshAhead = s.SourceOptions.RefreshAhead
	}
	if o.Now == nil {
		o.Now = clock(s.SourceOptions)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("%s: SharedOptions: %w", s.Provider, err)
	}
	return outbound.Shared(f, s.Store, s.SharedKey, &o), nil
}

// Built is what Build returns.
type Built struct {
	Client *http.Client
	Source *outbound.Source
	Set    *mtls.Set
}

// clock returns the Source's clock: SourceOptions.Now, or time.Now.
func clock(o *outbound.SourceOptions) func() time.Time {
	if o != nil && o.Now != nil {
		return o.Now
	}
	return time.Now
}

// Build assembles the client: OnlyHost(BaseURL), the decorators, Bearer (with
// a Fetcher), then the transport.
func Build(s Spec) (*Built, error) {
	rt, set, err := Transport(s.TransportOptions)
	if err != nil {
		return nil, err
	}
	b := &Built{Set: set}
	decs := append([]func(http.RoundTripper) http.RoundTripper{OnlyHost(s.BaseURL)}, s.Decorators...)
	if s.Fetcher != nil {
		// The token client is held to the provider's host as well.
		tokenClient := &http.Client{Transport: outbound.Chain(rt, OnlyHost(s.BaseURL))}
		f := s.Fetcher(tokenClient, clock(s.SourceOptions))
		if v, ok := f.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", s.Provider, err)
			}
		}
		if s.Store != nil {
			if f, err = share(f, s); err != nil {
				return nil, err
			}
		}
		b.Source = outbound.NewSource(f, s.SourceOptions)
		decs = append(decs, outbound.Bearer(b.Source))
	}
	b.Client = &http.Client{Transport: outbound.Chain(rt, decs...)}
	return b, nil
}
