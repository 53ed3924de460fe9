package webhooks

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/netip"
	"slices"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// EfiHMACParam is the query parameter of Efí's skip-mTLS mode.
const EfiHMACParam = "hmac"

// EfiOptions configures Efi: exactly one of Roots and HMAC.
type EfiOptions struct {
	// Roots is Efí's webhook CA (certificate-chain-prod.crt in production,
	// certificate-chain-homolog.crt in the sandbox, as downloaded from
	// Efí): the mTLS mode. Serve with EfiServerTLS(cert, Roots).
	Roots *x509.CertPool
	// HMAC maps a name to the value of the hmac query parameter of the URL
	// registered in skip-mTLS mode (x-skip-mtls-checking: true), e.g.
	// https://example.com/webhook?hmac=<value>&ignorar= (Efí appends /pix
	// to the registered URL; the empty "ignorar" parameter takes it). Use
	// at least 16 random bytes.
	HMAC inbound.Secrets
	// SourceIPs are the addresses Efí calls from. In HMAC mode nil means
	// EfiIPs; in mTLS mode nil means no address check.
	SourceIPs []netip.Prefix
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// Forwarded headers are believed for the address check.
	TrustedProxies []netip.Prefix
	// ClientCertProxies are the TLS-terminating proxies whose RFC 9440
	// Client-Cert headers are believed in mTLS mode (see
	// inbound.ClientCertOptions.Proxies).
	ClientCertProxies []netip.Prefix
}

// Efi returns a Validator for Efí's Pix webhook calls, in one of Efí's two
// modes.
//
// mTLS (opts.Roots): the call must carry a client certificate chaining to
// Efí's webhook CA (see inbound.ClientCertificate). When a webhook is
// registered, Efí first calls without a certificate and refuses to register
// a URL that accepts that call; this validator answers it with 401
// client_certificate_required. Serve TLS with EfiServerTLS, which lets a
// call without a certificate reach the validator.
//
// skip-mTLS (opts.HMAC): the call must come from opts.SourceIPs (default
// EfiIPs; else 403 ip_not_allowed, checked first) and carry one of the
// registered values in the hmac query parameter (missing: 401
// missing_webhook_secret; wrong: 401 invalid_webhook_secret).
//
// Efí calls the registered URL with /pix appended. The Principal has
// Subject "efi". Both modes or neither is a construction error wrapping
// inbound.ErrInvalidConfig.
func Efi(opts EfiOptions) (inbound.Validator, error) {
	const ctor = "Efi"
	switch {
	case opts.Roots != nil && len(opts.HMAC) > 0:
		return nil, newConfigError(ctor, "both Roots (mTLS) and HMAC (skip-mTLS) are set; Efí uses one mode per webhook")
	case opts.Roots == nil && len(opts.HMAC) == 0:
		return nil, newConfigError(ctor, "neither Roots (mTLS) nor HMAC (skip-mTLS) is set")
	}
	var first inbound.Validator
	var errs []error
	src := opts.SourceIPs
	if src == nil && opts.Roots == nil {
		src = slices.Clone(EfiIPs)
	}
	if src != nil {
		ip, err := inbound.IPAllowlist(src, &inbound.IPOptions{TrustedProxies: opts.TrustedProxies})
		errs = append(errs, err)
		first = ip
	}
	var auth inbound.Validator
	var err error
	if opts.Roots != nil {
		auth, err = inbound.ClientCertificate(inbound.ClientCertOptions{Roots: opts.Roots, Proxies: opts.ClientCertProxies, Subject: "efi"})
	} else {
		auth, err = inbound.QuerySecret(EfiHMACParam, opts.HMAC, &inbound.SecretOptions{Subject: "efi"})
	}
	if err := errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	if first == nil {
		return auth, nil
	}
	return inbound.All(first, auth), nil
}

// EfiServerTLS returns the TLS configuration of a server receiving Efí's
// webhooks in mTLS mode: TLS 1.2 or later, cert as the server's
// certificate, and a client certificate requested and, when one is sent,
// verified against roots (Efí's webhook CA) in the handshake. A call without
// a certificate completes the handshake and reaches the validator, which
// refuses it (Efí's registration probe expects exactly that: with
// tls.RequireAndVerifyClientCert the probe would fail in the handshake,
// which Efí also accepts, but no handler or log would see it).
//
// Use it as http.Server.TLSConfig, with Efi(EfiOptions{Roots: roots}) in
// the Guard; the validator verifies the certificate again, so a
// configuration that lets unverified certificates through is still safe.
func EfiServerTLS(cert tls.Certificate, roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    roots,
	}
}
