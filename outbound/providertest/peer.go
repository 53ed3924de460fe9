package providertest

import (
	"crypto/sha256"
	"crypto/x509"
	"net/http"
	"net/netip"
)

// AllowIPs replaces the Banking API's source-IP allowlist (by default the
// loopback ranges 127.0.0.0/8 and ::1/128). With no prefixes every address
// is refused with 403, on the token endpoint and on API calls. Other fakes
// ignore the allowlist.
func (s *Server) AllowIPs(prefixes ...netip.Prefix) {
	s.mu.Lock()
	s.allowed = append([]netip.Prefix(nil), prefixes...)
	s.mu.Unlock()
}

// DenyAllIPs is AllowIPs with no prefixes.
func (s *Server) DenyAllIPs() { s.AllowIPs() }

func (s *Server) ipAllowed(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.allowed {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// checkTransport applies the mTLS and source-IP rules of the provider.
func (s *Server) checkTransport(w http.ResponseWriter, r *http.Request) bool {
	if (s.p.mtls == mtlsHandshake || s.p.mtls == mtlsHandler) && !s.clientCertOK(r) {
		code := "invalid_client_certificate"
		if s.p.mtls == mtlsHandshake {
			code = "invalid_client"
		}
		s.p.writeError(w, http.StatusUnauthorized, code, "Invalid Client Certificate")
		return false
	}
	if s.p.ipAllowlist && !s.ipAllowed(r) {
		s.p.writeError(w, http.StatusForbidden, "forbidden", "IP de origem não permitido")
		return false
	}
	return true
}

// clientCertOK reports whether the request presented a valid certificate
// of this fake's CA that is bound to the credential.
func (s *Server) clientCertOK(r *http.Request) bool {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return false
	}
	leaf := r.TLS.PeerCertificates[0]
	if s.p.mtls == mtlsHandler || s.p.mtls == mtlsOptional {
		inter := x509.NewCertPool()
		for _, c := range r.TLS.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots:         s.pool,
			Intermediates: inter,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
		if err != nil {
			return false
		}
	}
	sum := sha256.Sum256(leaf.Raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bound[sum]
}
