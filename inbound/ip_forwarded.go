package inbound

import "strings"

// Bounds of the forwarding headers read from a trusted proxy. Only the
// entries right of the client matter, and proxy chains are short: a header
// of a mebibyte costs no more than one of a few entries.
const (
	// maxForwardHops bounds the list elements read from one header, empty
	// ones included.
	maxForwardHops = 32
	// maxForwardScan bounds the bytes read from the right of one header.
	maxForwardScan = 8 << 10
)

// hops reads the list of an X-Forwarded-For or Forwarded (RFC 7239) header
// from the right, one element at a time, the header's lines forming one
// list. It reads no byte left of the element it returns, and at most
// maxForwardHops elements and maxForwardScan bytes in all.
type hops struct {
	lines     []string
	forwarded bool // Forwarded: elements hold pairs and quoted strings
	end       int  // the unread part of lines[len(lines)-1] is [:end]
	budget    int  // bytes left to read
	left      int  // elements left to read
	skipped   bool // the element just returned was empty
}

func newHops(lines []string, forwarded bool) hops {
	h := hops{lines: lines, forwarded: forwarded, budget: maxForwardScan, left: maxForwardHops}
	if len(lines) > 0 {
		h.end = len(lines[len(lines)-1])
	}
	return h
}

// next returns the node of the next element leftwards: for Forwarded its
// for= value, "" when the element cannot be read. more is false at the
// list's left end, ok false when a bound is reached first. After an empty
// element (skipped, as RFC 9110 §5.6.1 says of lists) node is "" and
// h.skipped is set.
func (h *hops) next() (node string, more, ok bool) {
	if len(h.lines) == 0 {
		return "", false, true
	}
	if h.left == 0 {
		return "", true, false
	}
	h.left--
	l := h.lines[len(h.lines)-1]
	start, ok := h.separator(l)
	if !ok {
		return "", true, false
	}
	e := strings.Trim(l[start+1:h.end], " \t")
	h.budget -= h.end - start
	if start < 0 {
		h.nextLine()
	} else {
		h.end = start
	}
	h.skipped = e == ""
	if h.forwarded && e != "" {
		e = forOf(e)
	}
	return e, true, true
}

func (h *hops) nextLine() {
	h.lines = h.lines[:len(h.lines)-1]
	if len(h.lines) > 0 {
		h.end = len(h.lines[len(h.lines)-1])
	}
}

// separator returns the index of the comma that ends the element left of
// h.end in l (-1 when the element starts the line), outside quoted strings
// for Forwarded. ok is false when finding it would read past the budget.
func (h *hops) separator(l string) (int, bool) {
	lo := max(h.end-h.budget, 0)
	inQuote := false
	for i := h.end - 1; i >= lo; i-- {
		switch c := l[i]; {
		case !h.forwarded || !inQuote && c != '"':
			if c == ',' {
				return i, true
			}
		case !inQuote: // an opening quote, read from its end
			inQuote = true
		case c == '"':
			// A quote preceded by an odd number of backslashes is escaped.
			n := 0
			for i-1-n >= lo && l[i-1-n] == '\\' {
				n++
			}
			if i-1-n < lo && lo > 0 {
				return 0, false
			}
			inQuote = n%2 == 1
		}
	}
	if lo > 0 {
		return 0, false
	}
	// An unterminated quoted string leaves the whole rest as one element,
	// which forOf then refuses.
	return -1, true
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
