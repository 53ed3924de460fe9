package inbound

import (
	"encoding/base64"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// maxClientCertHeader bounds the RFC 9440 Client-Cert header read.
const maxClientCertHeader = 16 << 10

// clientCertThumbprint returns the RFC 8705 x5t#S256 of the client
// certificate of r: the leaf of the TLS handshake, or, when the TCP peer is
// one of proxies, the certificate that proxy forwards in the RFC 9440
// Client-Cert header (and then only that: the TLS certificate of a trusted
// proxy's own connection is the proxy's, not the client's). ok is false when
// there is none, or the header cannot be read.
func clientCertThumbprint(r *http.Request, proxies []netip.Prefix) (string, bool) {
	if len(proxies) > 0 {
		if peer, ok := parseHop(r.RemoteAddr); ok && inPrefixes(proxies, peer) {
			der, ok := clientCertHeader(r.Header)
			if !ok {
				return "", false
			}
			return jose.CertThumbprint(der), true
		}
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return "", false
	}
	return jose.CertThumbprint(r.TLS.PeerCertificates[0].Raw), true
}

// clientCertHeader reads the single Client-Cert header: an RFC 8941 byte
// sequence, ":" base64(DER) ":".
func clientCertHeader(h http.Header) ([]byte, bool) {
	vals := h.Values("Client-Cert")
	if len(vals) != 1 || len(vals[0]) > maxClientCertHeader {
		return nil, false
	}
	v := strings.Trim(vals[0], " \t")
	if len(v) < 3 || v[0] != ':' || v[len(v)-1] != ':' {
		return nil, false
	}
	v = v[1 : len(v)-1]
	der, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		// RFC 8941 §3.3.5 lets senders omit the padding.
		if der, err = base64.RawStdEncoding.Strict().DecodeString(v); err != nil {
			return nil, false
		}
	}
	return der, len(der) > 0
}
