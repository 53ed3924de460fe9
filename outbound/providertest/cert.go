package providertest

import (
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

// Certificate is a client certificate issued by a fake's CA, with its key
// in the forms providers deliver: a tls.Certificate, PEM, and PFX. Printing
// it shows the subject and validity, never the key.
type Certificate struct {
	// TLS is the certificate and key, ready for tls.Config.Certificates.
	// TLS.Leaf is the parsed certificate.
	TLS tls.Certificate
	// CertPEM and KeyPEM are the PEM forms (the key as PKCS #8).
	CertPEM, KeyPEM []byte

	leaf *testpki.Leaf
	ca   *testpki.CA
}

// PFX encodes the certificate, its key and the CA chain as PKCS #12 the way
// OpenSSL 3 writes by default (AES-256-CBC, SHA-256 MAC).
func (c *Certificate) PFX(password string) ([]byte, error) { return c.leaf.PFX(c.ca, password) }

// LegacyPFX encodes like PFX with the legacy algorithms (RC2, 3DES, SHA-1
// MAC) of OpenSSL 1.x and "openssl pkcs12 -legacy".
func (c *Certificate) LegacyPFX(password string) ([]byte, error) {
	return c.leaf.LegacyPFX(c.ca, password)
}

// String describes the certificate without its key.
func (c *Certificate) String() string {
	if c == nil || c.TLS.Leaf == nil {
		return "providertest.Certificate{}"
	}
	l := c.TLS.Leaf
	return fmt.Sprintf("providertest.Certificate{Subject: %s, NotBefore: %s, NotAfter: %s}",
		l.Subject.CommonName, l.NotBefore.UTC().Format(time.RFC3339), l.NotAfter.UTC().Format(time.RFC3339))
}

// Format makes every fmt verb print String, so the key is never printed.
func (c *Certificate) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue makes slog log String: without it, slog's JSON handler would
// marshal the private key.
func (c *Certificate) LogValue() slog.Value { return slog.StringValue(c.String()) }

// CertificateOptions describes a client certificate for
// Server.IssueClientCertificate. A nil *CertificateOptions issues a bound
// ECDSA certificate valid from an hour ago for a day.
type CertificateOptions struct {
	// Unbound issues a certificate of the fake's CA that is not bound to
	// the credential, for the "invalid client certificate" path.
	Unbound bool
	// NotBefore and NotAfter bound the validity; zero means now-1h and
	// now+24h. Use past times for an expired certificate.
	NotBefore, NotAfter time.Time
	// RSA uses an RSA-2048 key instead of ECDSA P-256.
	RSA bool
	// CommonName is the subject; empty means the fake's provider name.
	CommonName string
}

// ClientCertificate returns the certificate bound to the credential when
// the fake was created, or nil for fakes without mTLS (Efí Charges,
// SoPague, DiviPay, Asaas).
func (s *Server) ClientCertificate() *Certificate { return s.clientCert }

// IssueClientCertificate issues a new client certificate from the fake's
// CA, bound to the credential unless opts.Unbound. Like the Banking API,
// which allows two active certificates per credential, a fake accepts every
// bound certificate; use Unbind to retire one during a rotation test.
func (s *Server) IssueClientCertificate(opts *CertificateOptions) (*Certificate, error) {
	var o CertificateOptions
	if opts != nil {
		o = *opts
	}
	cn := o.CommonName
	if cn == "" {
		cn = s.p.name + " client"
	}
	leaf, err := s.ca.Issue(testpki.LeafOptions{
		CommonName: cn,
		NotBefore:  o.NotBefore,
		NotAfter:   o.NotAfter,
		Client:     true,
		RSA:        o.RSA,
	})
	if err != nil {
		return nil, fmt.Errorf("providertest: %s: %w", s.p.name, err)
	}
	c := &Certificate{TLS: leaf.TLS, CertPEM: leaf.CertPEM, KeyPEM: leaf.KeyPEM, leaf: leaf, ca: s.ca}
	if !o.Unbound {
		s.setBound(c, true)
	}
	return c, nil
}

// Unbind detaches c from the credential: the fake then answers requests
// presenting it with 401 (Banking API: invalid_client_certificate).
func (s *Server) Unbind(c *Certificate) { s.setBound(c, false) }

func (s *Server) setBound(c *Certificate, bound bool) {
	if c == nil || len(c.TLS.Certificate) == 0 {
		return
	}
	sum := sha256.Sum256(c.TLS.Certificate[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	if bound {
		s.bound[sum] = true
	} else {
		delete(s.bound, sum)
	}
}
