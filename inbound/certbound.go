package inbound

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"strings"
)

// maxClientCertHeader bounds the RFC 9440 Client-Cert header read.
const maxClientCertHeader = 16 << 10

// x5tLen is the length of an x5t#S256: a SHA-256 in unpadded base64url.
const x5tLen = 43

// clientCertThumbprint returns the RFC 8705 x5t#S256 of the client
// certificate of r: the leaf of the TLS handshake, or, when the TCP peer is
// one of proxies, the certificate that proxy forwards in the RFC 9440
// Client-Cert header (and then only that: the TLS certificate of a trusted
// proxy's own connection is the proxy's, not the client's). ok is false when
// there is none, or the header cannot be read. It allocates nothing for a
// TLS certificate.
func clientCertThumbprint(r *http.Request, proxies []netip.Prefix) (x5t [x5tLen]byte, ok bool) {
	var der []byte
	if len(proxies) > 0 {
		if peer, isPeer := parseHop(r.RemoteAddr); isPeer && inPrefixes(proxies, peer) {
			if der, ok = clientCertHeader(r.Header); !ok {
				return x5t, false
			}
		}
	}
	if der == nil {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			return x5t, false
		}
		der = r.TLS.PeerCertificates[0].Raw
	}
	sum := sha256.Sum256(der)
	base64.RawURLEncoding.Encode(x5t[:], sum[:])
	return x5t, true
}

// sameX5t compares a computed thumbprint with a token's in constant time.
func sameX5t(got *[x5tLen]byte, want string) bool {
	if len(want) != x5tLen {
		return false
	}
	var d byte
	for i := range got {
		d |= got[i] ^ want[i]
	}
	return d == 0
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
