package inbound

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// SchemeClientCertificate is the Principal.Scheme of requests authenticated
// by ClientCertificate.
const SchemeClientCertificate = "ClientCertificate"

// maxClientCertChain bounds the RFC 9440 Client-Cert-Chain header: its size
// and the number of certificates parsed from it.
const (
	maxClientCertChainHeader = 64 << 10
	maxClientCertChainLen    = 8
)

// ClientCertOptions configures ClientCertificate.
type ClientCertOptions struct {
	// Roots are the certificate authorities a client certificate must chain
	// to, e.g. Efí's webhook CA (certificate-chain-prod.crt). Required.
	Roots *x509.CertPool
	// DNSNames, when set, requires the leaf to carry one of these DNS names
	// (compared case-insensitively). Nil accepts any certificate of Roots.
	DNSNames []string
	// Proxies are the TLS-terminating proxies whose RFC 9440 Client-Cert
	// (and Client-Cert-Chain) headers are believed. When the TCP peer is one
	// of them, the certificate is read from those headers and only from
	// them; from any other peer the headers are ignored and the certificate
	// is the one of the TLS connection. Nil means no proxy.
	//
	// Insecure: a prefix covering addresses clients can connect from: anyone
	// could then send any certificate in the header. Secure: exactly the
	// proxies' own addresses, and proxies that remove the header from what
	// clients send.
	Proxies []netip.Prefix
	// Subject is the Principal.Subject; empty means the leaf's common name.
	Subject string
	// Now is the clock for the validity check; nil means time.Now.
	Now func() time.Time
}

type clientCertValidator struct {
	roots    *x509.CertPool
	dnsNames []string
	proxies  []netip.Prefix
	subject  string
	now      func() time.Time
}

// ClientCertificate returns a Validator for requests made with a TLS client
// certificate, as Efí's webhooks are (mTLS against Efí's own CA). The leaf
// must chain to opts.Roots (through the intermediates the client sent),
// carry the client-authentication extended key usage, be valid at
// opts.Now, and, when opts.DNSNames is set, carry one of those names.
//
// No certificate is 401 client_certificate_required; one that fails any
// check (another CA, expired, no client-auth usage, none of DNSNames, or a
// Client-Cert header that cannot be read) is 401 invalid_client_certificate.
// Neither asks for a WWW-Authenticate challenge.
//
// Serve TLS with ClientAuth tls.VerifyClientCertIfGiven (or
// RequestClientCert) and ClientCAs set to the same roots, so that a request
// without a certificate reaches the validator and gets its 401: Efí's
// registration probe, sent without a certificate, must be refused.
// tls.RequireAndVerifyClientCert would refuse it too, but in the handshake,
// where no handler sees it.
//
// The Principal has Scheme "ClientCertificate", KeyID the base64url SHA-256
// of the leaf (RFC 8705's x5t#S256) and Subject opts.Subject or the leaf's
// common name. Nil Roots is a construction error wrapping ErrInvalidConfig,
// as is an invalid proxy prefix.
func ClientCertificate(opts ClientCertOptions) (Validator, error) {
	const ctor = "ClientCertificate"
	var errs []error
	if opts.Roots == nil {
		errs = append(errs, newConfigError(ctor, "Roots is nil (no certificate could be verified)"))
	}
	proxies, err := cleanPrefixes(ctor, "Proxies", opts.Proxies)
	if err != nil {
		errs = append(errs, err)
	}
	for _, n := range opts.DNSNames {
		if n == "" {
			errs = append(errs, newConfigError(ctor, "empty name in DNSNames"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	v := &clientCertValidator{roots: opts.Roots, dnsNames: opts.DNSNames, proxies: proxies, subject: opts.Subject, now: opts.Now}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Validate implements Validator.
func (v *clientCertValidator) Validate(r *http.Request) (*Principal, error) {
	leaf, inter, e := v.presented(r)
	if e != nil {
		return nil, e
	}
	vo := x509.VerifyOptions{
		Roots:       v.roots,
		CurrentTime: v.now(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if len(inter) > 0 {
		vo.Intermediates = x509.NewCertPool()
		for _, c := range inter {
			vo.Intermediates.AddCert(c)
		}
	}
	if _, err := leaf.Verify(vo); err != nil {
		return nil, invalidClientCert("the client certificate does not verify", err)
	}
	if !v.nameOK(leaf) {
		return nil, invalidClientCert("the client certificate carries none of the expected names", nil)
	}
	sum := sha256.Sum256(leaf.Raw)
	p := &Principal{Subject: v.subject, Scheme: SchemeClientCertificate, KeyID: base64.RawURLEncoding.EncodeToString(sum[:])}
	if p.Subject == "" {
		p.Subject = leaf.Subject.CommonName
	}
	return p, nil
}

func (v *clientCertValidator) nameOK(leaf *x509.Certificate) bool {
	if len(v.dnsNames) == 0 {
		return true
	}
	for _, want := range v.dnsNames {
		for _, have := range leaf.DNSNames {
			if strings.EqualFold(want, have) {
				return true
			}
		}
	}
	return false
}

func invalidClientCert(desc string, cause error) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidClientCertificate, Description: desc, Err: cause}
}

// presented returns the client's leaf certificate and the intermediates it
// sent: from a trusted proxy's RFC 9440 headers, or from the TLS
// connection.
func (v *clientCertValidator) presented(r *http.Request) (*x509.Certificate, []*x509.Certificate, *Error) {
	if len(v.proxies) > 0 {
		if peer, ok := parseHop(r.RemoteAddr); ok && inPrefixes(v.proxies, peer) {
			return forwardedClientCert(r.Header)
		}
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, nil, webhookAuthError(CodeClientCertificateRequired, "the request carries no client certificate")
	}
	certs := r.TLS.PeerCertificates
	return certs[0], certs[1:], nil
}

// forwardedClientCert reads the RFC 9440 Client-Cert and Client-Cert-Chain
// headers a trusted proxy sends.
func forwardedClientCert(h http.Header) (*x509.Certificate, []*x509.Certificate, *Error) {
	if len(h.Values("Client-Cert")) == 0 {
		return nil, nil, webhookAuthError(CodeClientCertificateRequired, "the proxy forwards no client certificate")
	}
	der, ok := clientCertHeader(h)
	if !ok {
		return nil, nil, invalidClientCert("the Client-Cert header cannot be read", nil)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, invalidClientCert("the Client-Cert header holds no certificate", err)
	}
	inter, ok := clientCertChain(h.Values("Client-Cert-Chain"))
	if !ok {
		return nil, nil, invalidClientCert("the Client-Cert-Chain header cannot be read", nil)
	}
	return leaf, inter, nil
}

// clientCertChain reads the Client-Cert-Chain header lines: one list of RFC
// 8941 byte sequences, each a DER certificate.
func clientCertChain(lines []string) ([]*x509.Certificate, bool) {
	size := 0
	var out []*x509.Certificate
	for _, l := range lines {
		if size += len(l); size > maxClientCertChainHeader {
			return nil, false
		}
		for item := range strings.SplitSeq(l, ",") {
			item = strings.Trim(item, " \t")
			if item == "" {
				continue
			}
			if len(out) == maxClientCertChainLen {
				return nil, false
			}
			der, ok := byteSequence(item)
			if !ok {
				return nil, false
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, false
			}
			out = append(out, c)
		}
	}
	return out, true
}

// byteSequence reads one RFC 8941 byte sequence, ":" base64 ":", through
// the Client-Cert reader so that both headers follow one rule.
func byteSequence(item string) ([]byte, bool) {
	return clientCertHeader(http.Header{"Client-Cert": {item}})
}
