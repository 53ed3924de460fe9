package inbound

import "strings"

// forwardedFor reads Forwarded header lines (RFC 7239) as one list and
// returns the "for" node of each element, in order. An element that cannot be
// read, or has no for= (or two), yields "", which no address parse accepts.
// Empty elements are skipped.
func forwardedFor(lines []string) []string {
	var out []string
	for _, l := range lines {
		inQuote, escaped, start := false, false, 0
		for i := 0; i <= len(l); i++ {
			if i < len(l) {
				c := l[i]
				switch {
				case escaped:
					escaped = false
					continue
				case inQuote:
					escaped = c == '\\'
					inQuote = c != '"'
					continue
				case c == '"':
					inQuote = true
					continue
				case c != ',':
					continue
				}
			}
			if e := strings.Trim(l[start:i], " \t"); e != "" {
				out = append(out, forOf(e))
			}
			start = i + 1
		}
	}
	return out
}

// forOf returns the for= value of one forwarded-element, or "" when the
// element is malformed or has not exactly one for=.
func forOf(e string) string {
	var node string
	found := false
	for len(e) > 0 {
		var pair string
		pair, e = cutPair(e)
		pair = strings.Trim(pair, " \t")
		if pair == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, "=")
		if !ok || !isHTTPToken(name) {
			return ""
		}
		v, ok := forwardedValue(value)
		if !ok {
			return ""
		}
		if strings.EqualFold(name, "for") {
			if found {
				return ""
			}
			node, found = v, true
		}
	}
	return node
}

// cutPair cuts e at the first ';' outside a quoted string.
func cutPair(e string) (pair, rest string) {
	inQuote, escaped := false, false
	for i := 0; i < len(e); i++ {
		c := e[i]
		switch {
		case escaped:
			escaped = false
		case inQuote:
			escaped = c == '\\'
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case c == ';':
			return e[:i], e[i+1:]
		}
	}
	return e, ""
}

// forwardedValue reads a token or a whole quoted-string.
func forwardedValue(v string) (string, bool) {
	if !strings.HasPrefix(v, `"`) {
		return v, isHTTPToken(v)
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			i++
			b.WriteByte(v[i])
		case c == '"':
			return b.String(), i == len(v)-1
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// isHTTPToken reports whether s is an RFC 9110 token.
func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
