package outbound

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// origin is a scheme and a canonical host:port: lower case, with the
// scheme's default port filled in, so that "API.example" and
// "api.example:443" over https are the same origin.
type origin struct {
	scheme, hostport string
}

func originOf(u *url.URL) origin {
	if u == nil {
		return origin{}
	}
	scheme := strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	return origin{scheme: scheme, hostport: net.JoinHostPort(host, port)}
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// firstHop reports whether req goes to the origin the client first sent it
// to. http.Client marks each request that follows a redirect with the
// Response that caused it; the chain of Response.Request leads back to the
// first request.
func firstHop(req *http.Request) bool {
	return req.Response == nil || sameOriginAsFirst(req)
}

func sameOriginAsFirst(req *http.Request) bool {
	first := req
	for first.Response != nil {
		prev := first.Response.Request
		if prev == nil || prev == first {
			// A redirect whose chain is broken (a RoundTripper that does not
			// set Response.Request): its origin is unknown, so it is not
			// the first hop.
			return false
		}
		first = prev
	}
	return originOf(first.URL) == originOf(req.URL)
}

// AllowHosts returns a decorator that refuses, before anything is sent, any
// request to a host that is not listed, with an *Error wrapping
// ErrHostNotAllowed. Put it outermost in a Chain (first) so that no credential
// decorator ever sees a request to another host, a redirect's included: the
// provider packages hold their clients to their provider's host this way.
//
// Each entry is a host ("api.example.com", matching the default port of
// http and https), a host and port ("api.example.com:8443", any scheme), or
// an absolute URL ("https://api.example.com", matching that scheme, host and
// port only). Hosts compare case-insensitively. An entry that cannot be
// parsed matches nothing, and with no entries every request is refused: the
// allowlist fails closed.
func AllowHosts(hosts ...string) func(http.RoundTripper) http.RoundTripper {
	allow := make([]hostRule, 0, len(hosts))
	for _, h := range hosts {
		if r, ok := parseHostRule(h); ok {
			allow = append(allow, r)
		}
	}
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &allowHosts{allow: allow, next: next}
	}
}

// hostRule is one AllowHosts entry: a scheme (empty: http or https), a
// lower-case host and a port (empty: the scheme's default).
type hostRule struct {
	scheme, host, port string
}

func parseHostRule(s string) (hostRule, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || defaultPort(strings.ToLower(u.Scheme)) == "" {
			return hostRule{}, false
		}
		o := originOf(u)
		host, port, _ := net.SplitHostPort(o.hostport)
		return hostRule{scheme: o.scheme, host: host, port: port}, true
	}
	u, err := url.Parse("//" + s)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return hostRule{}, false
	}
	return hostRule{host: strings.ToLower(u.Hostname()), port: u.Port()}, true
}

func (r hostRule) allows(u *url.URL) bool {
	scheme := strings.ToLower(u.Scheme)
	if r.scheme != "" && r.scheme != scheme {
		return false
	}
	if scheme != "http" && scheme != "https" {
		return false
	}
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	want := r.port
	if want == "" {
		want = defaultPort(scheme)
	}
	return strings.EqualFold(u.Hostname(), r.host) && port == want
}

type allowHosts struct {
	allow []hostRule
	next  http.RoundTripper
}

func (a *allowHosts) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, r := range a.allow {
		if r.allows(req.URL) {
			return a.next.RoundTrip(req)
		}
	}
	closeBody(req)
	return nil, &Error{Op: "request", URL: req.URL.Scheme + "://" + req.URL.Host,
		Err: fmt.Errorf("%w: %s", ErrHostNotAllowed, req.URL.Host)}
}

// CloseIdleConnections forwards to the wrapped transport.
func (a *allowHosts) CloseIdleConnections() { CloseIdleConnections(a.next) }
