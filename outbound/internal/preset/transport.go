package preset

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"

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

// Transport returns the transport to reach the provider with, and the
// certificate set it presents (nil without certificates).
//
// With certificates or RootCAs, Base must be nil or an *http.Transport (it is
// cloned, never modified), since the TLS settings have to go into it.
func Transport(o TransportOptions) (http.RoundTripper, *mtls.Set, error) {
	set, err := certificateSet(o)
	if err != nil {
		return nil, nil, err
	}
	if set == nil && o.RootCAs == nil {
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
	t.TLSClientConfig = tlsConfig(t.TLSClientConfig, o.RootCAs, set)
	return t, set, nil
}

// certificateSet returns the set of client certificates o describes (nil for
// none), or the configuration error that forbids it.
func certificateSet(o TransportOptions) (*mtls.Set, error) {
	set := o.CertificateSet
	switch {
	case set != nil && len(o.Certificates) > 0:
		return nil, Errorf(o.Provider, "set Certificates or CertificateSet, not both")
	case set != nil && len(set.Certificates()) == 0:
		return nil, Errorf(o.Provider, "CertificateSet holds no certificate")
	case set == nil && len(o.Certificates) > 0:
		var err error
		if set, err = mtls.NewSet(o.Certificates...); err != nil {
			return nil, wrap(o.Provider, err)
		}
	case set == nil && o.RequireCertificates:
		return nil, Errorf(o.Provider, "Certificates is required: the provider authenticates the client with mTLS")
	case set == nil:
		return nil, nil
	}
	return set, anyUnexpired(o.Provider, set.Certificates(), o.Now)
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
	return wrap(provider, &mtls.Error{Op: "certificate set",
		Err: fmt.Errorf("%w: all %d certificates have expired", mtls.ErrExpired, len(certs))})
}

// tlsConfig returns a copy of the user's TLS settings (roots, ServerName,
// ciphers, session cache) with only what this configuration says set on it.
func tlsConfig(user *tls.Config, roots *x509.CertPool, set *mtls.Set) *tls.Config {
	cfg := &tls.Config{}
	if user != nil {
		cfg = user.Clone()
	}
	cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
	if roots != nil {
		cfg.RootCAs = roots
	}
	if set != nil {
		cfg.Certificates = nil
		cfg.GetClientCertificate = set.GetClientCertificate
	}
	return cfg
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
