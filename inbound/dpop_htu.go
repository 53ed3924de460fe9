package inbound

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// normalizeHTU returns the form in which a DPoP proof's htu and the request's
// URI are compared (RFC 9449 §4.3, with the syntax- and scheme-based
// normalisation of RFC 3986 §6.2.2 and §6.2.3): scheme and host in lower
// case, the scheme's default port dropped, an empty path as "/", percent
// escapes of unreserved characters decoded and the others in upper case,
// dot segments removed ("/a/./b/../c" is "/a/c"), and no query or
// fragment. ok is false for anything but an absolute http or
// https URI without user information.
func normalizeHTU(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host, ok := normalizeAuthority(scheme, u.Hostname(), u.Port())
	if !ok {
		return "", false
	}
	path, ok := normalizePath(u.EscapedPath())
	if !ok {
		return "", false
	}
	return scheme + "://" + host + removeDotSegments(path), true
}

// normalizeAuthority returns host in lower case, an IPv6 literal in
// brackets, with port unless it is the scheme's default. ok is false for an
// empty host, or one with colons that is no IPv6 literal, or has a zone.
func normalizeAuthority(scheme, host, port string) (string, bool) {
	host = strings.ToLower(host)
	if host == "" {
		return "", false
	}
	if strings.Contains(host, ":") {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() || a.Zone() != "" {
			return "", false
		}
		host = "[" + host + "]"
	}
	if port != "" && !(scheme == "https" && port == "443") && !(scheme == "http" && port == "80") {
		host += ":" + port
	}
	return host, true
}

// normalizePath decodes percent escapes of unreserved characters and upper-
// cases the hex digits of the others; "" becomes "/".
func normalizePath(p string) (string, bool) {
	if p == "" {
		return "/", true
	}
	if strings.IndexByte(p, '%') < 0 {
		return p, true
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(p) || unhex(p[i+1]) < 0 || unhex(p[i+2]) < 0 {
			return "", false
		}
		writeEscaped(&b, byte(unhex(p[i+1])<<4|unhex(p[i+2])))
		i += 2
	}
	return b.String(), true
}

// writeEscaped writes the byte of a percent escape: itself when it is
// unreserved (RFC 3986 §2.3), else the escape with upper-case hex digits.
func writeEscaped(b *strings.Builder, v byte) {
	if 'a' <= v && v <= 'z' || 'A' <= v && v <= 'Z' || '0' <= v && v <= '9' || v == '-' || v == '.' || v == '_' || v == '~' {
		b.WriteByte(v)
		return
	}
	const hexDigits = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hexDigits[v>>4])
	b.WriteByte(hexDigits[v&15])
}

// removeDotSegments applies RFC 3986 §5.2.4 to an absolute path whose
// unreserved escapes are already decoded (so "%2E" has become "."): "." and
// ".." segments go, a ".." taking the segment before it along, and never
// above the root. An escaped slash ("%2F") stays inside its segment.
func removeDotSegments(p string) string {
	if !strings.Contains(p, "/.") { // every segment follows a slash
		return p
	}
	segs := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "") // "/a/." is "/a/"
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "") // "/a/b/.." is "/a/"
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/")
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// requestURI returns the normalised URI of r, as a proof's htu must name
// it: Origin when set, else the request's scheme and Host, then its path.
func (d *dpopVerifier) requestURI(r *http.Request) string {
	origin := d.origin
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + r.Host
	}
	u, ok := normalizeHTU(origin + r.URL.EscapedPath())
	if !ok {
		// Nothing a proof can match.
		return "\x00"
	}
	return u
}
