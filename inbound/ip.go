package inbound

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// CodeIPNotAllowed is the code of the 403 IPAllowlist answers when the
// client's address is outside the allowed prefixes, or cannot be told.
const CodeIPNotAllowed = "ip_not_allowed"

// IPOptions configures IPAllowlist. A nil *IPOptions means no trusted proxies.
type IPOptions struct {
	// TrustedProxies are the addresses of the reverse proxies and load
	// balancers in front of this server whose X-Forwarded-For and Forwarded
	// entries are believed. Nil means none: the client is the TCP peer
	// (RemoteAddr) and forwarding headers are ignored.
	//
	// Insecure: a prefix such as 0.0.0.0/0, or one covering addresses
	// clients can connect from: anyone could then name any address in
	// X-Forwarded-For. Secure: exactly the proxies' own addresses, e.g.
	// {netip.MustParsePrefix("10.0.0.5/32")}.
	TrustedProxies []netip.Prefix
}

// IPAllowlist returns a Validator that admits a request only when its client
// address lies in one of the allowed prefixes, and answers 403
// ip_not_allowed (no WWW-Authenticate challenge) otherwise.
//
// The client is the TCP peer (RemoteAddr), IPv4-mapped IPv6 addresses
// (::ffff:192.0.2.1) read as their IPv4 address, unless the peer is one of
// opts.TrustedProxies. Then the X-Forwarded-For and Forwarded (RFC 7239)
// headers are read, several lines of one header forming one list, and each
// list is walked from the right, past the entries that are trusted proxies
// too: the client is the right-most entry that is not. An entry that cannot
// be read (garbage, "unknown", an obfuscated identifier, a Forwarded element
// without for=) at or right of that point refuses the request. When both
// headers are present, the client of each must be allowed, so that a header
// the proxies do not maintain cannot be used to name an allowed address.
// Headers sent by a peer that is not a trusted proxy are ignored.
//
// Like UserAgent it identifies nobody: on success it returns a nil
// Principal, so combine it with an authenticating validator through All.
// An empty allowlist, or an invalid prefix, is a construction error.
func IPAllowlist(allowed []netip.Prefix, opts *IPOptions) (Validator, error) {
	var errs []error
	if len(allowed) == 0 {
		errs = append(errs, newConfigError("IPAllowlist", "the allowlist is empty (it would refuse every request)"))
	}
	v := &ipAllowlist{}
	var err error
	if v.allowed, err = cleanPrefixes("IPAllowlist", "allowed", allowed); err != nil {
		errs = append(errs, err)
	}
	if opts != nil {
		if v.trusted, err = cleanPrefixes("IPAllowlist", "TrustedProxies", opts.TrustedProxies); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return v, nil
}

// cleanPrefixes validates prefixes and unmaps IPv4-mapped ones, so that
// ::ffff:10.0.0.0/104 matches 10.0.0.1 as the unmapped address it is.
func cleanPrefixes(ctor, what string, in []netip.Prefix) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(in))
	for _, p := range in {
		if !p.IsValid() {
			return nil, newConfigError(ctor, "invalid prefix in "+what)
		}
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return nil, newConfigError(ctor, fmt.Sprintf("%s: prefix %s is wider than the IPv4-mapped range", what, p))
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

type ipAllowlist struct {
	allowed, trusted []netip.Prefix
}

func ipNotAllowed(desc string) *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeIPNotAllowed, Description: desc}
}

// Validate implements Validator.
func (v *ipAllowlist) Validate(r *http.Request) (*Principal, error) {
	clients, err := clientAddrs(r, v.trusted)
	if err != nil {
		return nil, err
	}
	for _, a := range clients {
		if !inPrefixes(v.allowed, a) {
			return nil, ipNotAllowed("the client address is not allowed")
		}
	}
	return nil, nil
}

func inPrefixes(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddrs returns the client address the request came from, as
// IPAllowlist's doc explains: one address, or two when both forwarding
// headers are present and read.
func clientAddrs(r *http.Request, trusted []netip.Prefix) ([]netip.Addr, *Error) {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return nil, ipNotAllowed("the peer address cannot be read")
	}
	if !inPrefixes(trusted, peer) {
		return []netip.Addr{peer}, nil
	}
	var out []netip.Addr
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		a, ok := walkHops(newHops(xff, false), trusted)
		if !ok {
			return nil, ipNotAllowed("an X-Forwarded-For entry cannot be read")
		}
		out = append(out, a)
	}
	if fwd := r.Header.Values("Forwarded"); len(fwd) > 0 {
		a, ok := walkHops(newHops(fwd, true), trusted)
		if !ok {
			return nil, ipNotAllowed("a Forwarded entry cannot be read")
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		// A trusted proxy that forwards nothing is the client itself.
		out = append(out, peer)
	}
	return out, nil
}

// walkHops returns the right-most entry of a forwarding list that is not a
// trusted proxy, or the left-most entry when all are. ok is false when an
// entry at or right of that point cannot be read, or the list's bounds
// (maxForwardHops, maxForwardScan) are reached first. Nothing left of the
// client's entry is read.
func walkHops(h hops, trusted []netip.Prefix) (netip.Addr, bool) {
	var a netip.Addr
	for {
		node, more, ok := h.next()
		if !ok {
			return netip.Addr{}, false
		}
		if !more {
			return a, a.IsValid()
		}
		if node == "" && h.skipped {
			continue // an empty list element
		}
		if a, ok = parseHop(node); !ok {
			return netip.Addr{}, false
		}
		if !inPrefixes(trusted, a) {
			return a, true
		}
	}
}

// parseHop reads an address as proxies write it: "192.0.2.1",
// "192.0.2.1:443", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:443".
// Zoned addresses are refused; IPv4-mapped addresses are unmapped.
func parseHop(s string) (netip.Addr, bool) {
	var a netip.Addr
	var err error
	// The form is chosen first, so that no parse fails (and allocates an
	// error) on an ordinary entry.
	switch colon := strings.LastIndexByte(s, ':'); {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		a, err = netip.ParseAddr(s[1 : len(s)-1])
	case strings.HasPrefix(s, "[") || colon >= 0 && strings.IndexByte(s, ':') == colon:
		var ap netip.AddrPort
		ap, err = netip.ParseAddrPort(s)
		a = ap.Addr()
	default:
		a, err = netip.ParseAddr(s)
	}
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
