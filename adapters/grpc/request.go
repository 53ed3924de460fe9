package grpcauth

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// request returns the read-only *http.Request view of a call to fullMethod
// that the Guard's validators see: POST to the full method name, the
// metadata as headers, Host the :authority, RemoteAddr the peer's address
// and TLS the connection's state when the transport is TLS.
func request(ctx context.Context, fullMethod string) *http.Request {
	// FromIncomingContext returns a copy, which becomes the Header in place:
	// keys are made canonical, pseudo-headers and binary metadata removed.
	md, _ := metadata.FromIncomingContext(ctx)
	var authority string
	for k, v := range md {
		switch {
		case k == ":authority":
			if len(v) > 0 {
				authority = v[0]
			}
			delete(md, k)
		case k == "" || k[0] == ':' || strings.HasSuffix(k, "-bin"):
			// Binary metadata is no HTTP header value and no validator
			// reads it.
			delete(md, k)
		default:
			if c := canonicalKey(k); c != k {
				delete(md, k)
				md[c] = v
			}
		}
	}
	h := http.Header(md)
	if h == nil {
		h = http.Header{}
	}
	r := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Path: fullMethod},
		Proto:      "HTTP/2.0",
		ProtoMajor: 2,
		Header:     h,
		Body:       http.NoBody,
		Host:       authority,
		RequestURI: fullMethod,
	}
	if p, ok := peer.FromContext(ctx); ok {
		r.RemoteAddr = addrString(p.Addr)
		if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok {
			// Copied here, so that calls without TLS allocate no state.
			state := ti.State
			r.TLS = &state
		}
	}
	return r.WithContext(ctx)
}

// canonicalKey is http.CanonicalHeaderKey without its allocation for the
// metadata keys that validators read on every call.
func canonicalKey(k string) string {
	switch k {
	case "authorization":
		return "Authorization"
	case "user-agent":
		return "User-Agent"
	case "dpop":
		return "Dpop"
	case "access_token":
		return "Access_token"
	case "x-forwarded-for":
		return "X-Forwarded-For"
	case "forwarded":
		return "Forwarded"
	case "client-cert":
		return "Client-Cert"
	case "content-type":
		return "Content-Type"
	}
	return http.CanonicalHeaderKey(k)
}

// addrString is addr.String(), with one allocation instead of two for the
// usual TCP peer.
func addrString(addr net.Addr) string {
	switch a := addr.(type) {
	case nil:
		return ""
	case *net.TCPAddr:
		// Unmapped, as net.TCPAddr.String prints an IPv4 address.
		ap := a.AddrPort()
		ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		var buf [64]byte
		return string(ap.AppendTo(buf[:0]))
	}
	return addr.String()
}
