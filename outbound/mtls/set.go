package mtls

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"sync/atomic"
	"time"
)

// Set holds one or more client certificates and presents the right one in
// each TLS handshake. It exists for rotation: a provider such as the Banking
// API keeps two certificates active at once, so the new one can be loaded
// before the old one expires and the switch needs no restart.
//
// In each handshake GetClientCertificate presents, among the certificates
// that are valid now and that the server's request accepts, the one that
// expires last. Expired and not-yet-valid certificates are skipped.
//
// A Set is safe for concurrent use; Replace swaps the certificates atomically
// while handshakes run. The zero Set holds no certificate; fill it with
// Replace.
type Set struct {
	// Now returns the current time; nil means time.Now. Set it before the
	// Set is first used (tests use it to move the clock).
	Now func() time.Time

	certs atomic.Pointer[[]entry]
}

type entry struct {
	cert      *tls.Certificate
	notBefore time.Time
	notAfter  time.Time
}

// NewSet returns a Set holding certs. Each certificate needs its chain and a
// private key (a crypto.Signer) matching its leaf; Leaf is parsed when nil.
// Certificates outside their validity window are accepted here and skipped
// at handshake time.
func NewSet(certs ...tls.Certificate) (*Set, error) {
	s := new(Set)
	if err := s.Replace(certs...); err != nil {
		return nil, err
	}
	return s, nil
}

// Replace atomically swaps the Set's certificates for certs, validated as by
// NewSet. On error the Set is unchanged. Handshakes in progress finish with
// the certificate they chose.
func (s *Set) Replace(certs ...tls.Certificate) error {
	const op = "certificate set"
	if len(certs) == 0 {
		return &Error{Op: op, Err: ErrNoCertificate}
	}
	entries := make([]entry, len(certs))
	for i := range certs {
		c := certs[i] // a copy: Leaf may be filled in without touching the caller's
		if len(c.Certificate) == 0 {
			return &Error{Op: op, Err: fmt.Errorf("%w: certificate %d has no chain", ErrNoCertificate, i)}
		}
		if c.Leaf == nil {
			leaf, err := x509.ParseCertificate(c.Certificate[0])
			if err != nil {
				return &Error{Op: op, Err: fmt.Errorf("%w: certificate %d: %v", ErrMalformed, i, err)}
			}
			c.Leaf = leaf
		}
		key, ok := c.PrivateKey.(crypto.Signer)
		if !ok {
			return &Error{Op: op, Err: fmt.Errorf("%w: certificate %d has no private key that can sign", ErrNoKey, i)}
		}
		if err := checkKey(c.Leaf, key); err != nil {
			return &Error{Op: op, Err: fmt.Errorf("%w (certificate %d)", err, i)}
		}
		entries[i] = entry{cert: &c, notBefore: c.Leaf.NotBefore, notAfter: c.Leaf.NotAfter}
	}
	s.certs.Store(&entries)
	return nil
}

// Certificates returns the certificates the Set holds, in the order given.
func (s *Set) Certificates() []tls.Certificate {
	p := s.certs.Load()
	if p == nil {
		return nil
	}
	out := make([]tls.Certificate, len(*p))
	for i, e := range *p {
		out[i] = *e.cert
	}
	return out
}

// GetClientCertificate implements tls.Config.GetClientCertificate. Among the
// certificates valid now it prefers those that cri accepts (signature
// algorithms and acceptable CAs, see tls.CertificateRequestInfo.
// SupportsCertificate), and among those the one that expires last; on a tie,
// the one given first.
//
// When no valid certificate is accepted by cri, it still presents the valid
// one that expires last, as curl and OpenSSL do: a server's list of
// acceptable CAs often names only a root while a PFX holds a leaf issued by an
// intermediate, and the server, not this side, should decide.
//
// When no certificate is valid now it returns an error, which aborts the
// handshake with a message that says why (ErrExpired, ErrNotYetValid or
// ErrNoCertificate), rather than sending no certificate and leaving the
// server to answer with a less helpful alert.
func (s *Set) GetClientCertificate(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	p := s.certs.Load()
	if p == nil {
		return nil, &Error{Op: "select client certificate", Err: ErrNoCertificate}
	}
	now := s.now()
	var (
		best, fallback *entry
		expired, early int
	)
	for i := range *p {
		e := &(*p)[i]
		switch {
		case now.Before(e.notBefore):
			early++
			continue
		case now.After(e.notAfter):
			expired++
			continue
		}
		if fallback == nil || e.notAfter.After(fallback.notAfter) {
			fallback = e
		}
		if cri != nil && cri.SupportsCertificate(e.cert) != nil {
			continue
		}
		if best == nil || e.notAfter.After(best.notAfter) {
			best = e
		}
	}
	if best != nil {
		return best.cert, nil
	}
	if fallback != nil {
		return fallback.cert, nil
	}
	// The error also wraps the TLS alert that names the problem (without
	// adding to its text), so that callers that know TLS but not this
	// package, such as outbound's error classification, see a certificate
	// failure: a configuration error, not a passing network fault.
	var err error
	switch {
	case early > 0:
		err = fmt.Errorf("%w: none of %d certificates is valid yet%.0w", ErrNotYetValid, early, alertCertificateUnknown)
	default:
		err = fmt.Errorf("%w: all %d certificates have expired%.0w", ErrExpired, expired, alertCertificateExpired)
	}
	return nil, &Error{Op: "select client certificate", Err: err}
}

// TLS alerts (RFC 8446 §6.2) wrapped by GetClientCertificate's errors.
const (
	alertCertificateExpired = tls.AlertError(45)
	alertCertificateUnknown = tls.AlertError(46)
)

// TLSConfig returns a client *tls.Config that presents the Set's
// certificates, trusts roots for the server's certificate (nil means the
// system roots) and requires TLS 1.2 or later. Use it as an
// http.Transport's TLSClientConfig; the config may be further adjusted
// (ServerName, NextProtos) before use.
func (s *Set) TLSConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion:           tls.VersionTLS12,
		RootCAs:              roots,
		GetClientCertificate: s.GetClientCertificate,
	}
}

func (s *Set) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
