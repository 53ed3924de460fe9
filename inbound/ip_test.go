package inbound

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func TestIPAllowlist(t *testing.T) {
	allowed := prefixes("192.0.2.0/24", "2001:db8:a::/48")
	trusted := prefixes("10.0.0.0/8", "fd00::/8")
	v, err := IPAllowlist(allowed, &IPOptions{TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	type hdr struct{ name, value string }
	tests := []struct {
		name    string
		remote  string
		headers []hdr
		ok      bool
	}{
		{"direct allowed", "192.0.2.7:5000", nil, true},
		{"direct refused", "198.51.100.1:5000", nil, false},
		{"direct IPv6 allowed", "[2001:db8:a::1]:443", nil, true},
		{"direct IPv4-mapped allowed", "[::ffff:192.0.2.7]:443", nil, true},
		{"direct IPv4-mapped refused", "[::ffff:198.51.100.1]:443", nil, false},
		{"unreadable peer", "garbage", nil, false},
		{"zoned peer", "[fe80::1%eth0]:443", nil, false},
		{"spoofed XFF from untrusted peer", "198.51.100.1:5000", []hdr{{"X-Forwarded-For", "192.0.2.7"}}, false},
		{"spoofed Forwarded from untrusted peer", "198.51.100.1:5000", []hdr{{"Forwarded", "for=192.0.2.7"}}, false},
		{"untrusted allowed peer ignores header", "192.0.2.7:5000", []hdr{{"X-Forwarded-For", "198.51.100.1"}}, true},
		{"trusted proxy, XFF allowed", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7"}}, true},
		{"trusted proxy, XFF refused", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "198.51.100.1"}}, false},
		{"two trusted hops", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7, 10.2.2.2"}}, true},
		{"spoof left of real client", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7, 198.51.100.1, 10.2.2.2"}}, false},
		{"garbage left of client ignored", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "junk, 192.0.2.7"}}, true},
		{"garbage right of client", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7, junk"}}, false},
		{"several XFF lines form one list", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-For", "192.0.2.7"}}, true},
		{"several XFF lines, last refused", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7"}, {"X-Forwarded-For", "198.51.100.1"}}, false},
		{"XFF with port and mapped", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "[::ffff:192.0.2.7]:1234"}}, true},
		{"all hops trusted: left-most", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "10.3.3.3, 10.2.2.2"}}, false},
		{"trusted proxy without headers", "10.1.1.1:80", nil, false},
		{"Forwarded allowed", "10.1.1.1:80", []hdr{{"Forwarded", "for=192.0.2.7;proto=https"}}, true},
		{"Forwarded IPv6 quoted with port", "[fd00::1]:80", []hdr{{"Forwarded", `for="[2001:db8:a::9]:4711"`}}, true},
		{"Forwarded via trusted hop", "10.1.1.1:80", []hdr{{"Forwarded", `for=192.0.2.7, for=10.2.2.2;by=10.1.1.1`}}, true},
		{"Forwarded lines form one list", "10.1.1.1:80", []hdr{{"Forwarded", `for=198.51.100.1`}, {"Forwarded", `FOR=192.0.2.7`}}, true},
		{"Forwarded unknown at client", "10.1.1.1:80", []hdr{{"Forwarded", "for=unknown"}}, false},
		{"Forwarded obfuscated at client", "10.1.1.1:80", []hdr{{"Forwarded", "for=_hidden"}}, false},
		{"Forwarded element without for", "10.1.1.1:80", []hdr{{"Forwarded", "for=192.0.2.7, proto=https"}}, false},
		{"Forwarded two for in one element", "10.1.1.1:80", []hdr{{"Forwarded", "for=192.0.2.7;for=192.0.2.8"}}, false},
		{"Forwarded comma inside quotes", "10.1.1.1:80", []hdr{{"Forwarded", `for=192.0.2.7;ext="a,b"`}}, true},
		{"Forwarded unterminated quote", "10.1.1.1:80", []hdr{{"Forwarded", `for="192.0.2.7`}}, false},
		// Read from the right, the proxy's element ends the list: an
		// unterminated quote left of it does not swallow it.
		{"Forwarded garbage left of client", "10.1.1.1:80", []hdr{{"Forwarded", `for="junk, for=192.0.2.7`}}, true},
		{"Forwarded unterminated quote at client", "10.1.1.1:80", []hdr{{"Forwarded", `for=192.0.2.7, for="192.0.2.8`}}, false},
		{"Forwarded escaped quote and comma in a quoted string", "10.1.1.1:80", []hdr{{"Forwarded", `for=198.51.100.1, for=192.0.2.7;x="a\",b"`}}, true},
		{"Forwarded escaped backslash ends the quoted string", "10.1.1.1:80", []hdr{{"Forwarded", `for=192.0.2.7, for=198.51.100.1;x="a\\",b"`}}, false},
		{"both headers allowed", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7"}, {"Forwarded", "for=192.0.2.8"}}, true},
		{"spoofed Forwarded the proxy does not maintain", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "198.51.100.1"}, {"Forwarded", "for=192.0.2.8"}}, false},
		{"spoofed XFF the proxy does not maintain", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7"}, {"Forwarded", "for=198.51.100.1"}}, false},
		{"empty list elements skipped", "10.1.1.1:80", []hdr{{"X-Forwarded-For", "192.0.2.7, ,"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, h := range tt.headers {
				r.Header.Add(h.name, h.value)
			}
			p, err := v.Validate(r)
			if p != nil {
				t.Errorf("Principal = %v, want nil", p)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Status != http.StatusForbidden || e.Code != CodeIPNotAllowed || e.Challenge != ChallengeNone {
				t.Fatalf("err = %v, want 403 %s without challenge", err, CodeIPNotAllowed)
			}
		})
	}
}

func TestIPAllowlistWithoutTrustedProxies(t *testing.T) {
	v, err := IPAllowlist(prefixes("192.0.2.0/24"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "198.51.100.1:1"
	r.Header.Set("X-Forwarded-For", "192.0.2.1")
	if _, err := v.Validate(r); code(err) != CodeIPNotAllowed {
		t.Fatalf("err = %v", err)
	}
	r.RemoteAddr = "192.0.2.1:1"
	if _, err := v.Validate(r); err != nil {
		t.Fatal(err)
	}
}

func TestIPAllowlistMappedPrefix(t *testing.T) {
	v, err := IPAllowlist(prefixes("::ffff:192.0.2.0/120"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "192.0.2.9:1"
	if _, err := v.Validate(r); err != nil {
		t.Fatal(err)
	}
}

func TestIPAllowlistConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		allowed []netip.Prefix
		opts    *IPOptions
		want    []string
	}{
		{"empty", nil, nil, []string{"empty"}},
		{"invalid prefix", []netip.Prefix{{}}, nil, []string{"invalid prefix in allowed"}},
		{"mapped too wide", prefixes("::ffff:0.0.0.0/90"), nil, []string{"wider"}},
		{"all at once", nil, &IPOptions{TrustedProxies: []netip.Prefix{{}}}, []string{"empty", "TrustedProxies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := IPAllowlist(tt.allowed, tt.opts)
			if err == nil || v != nil {
				t.Fatalf("IPAllowlist = %v, %v; want an error", v, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// forwardedFor returns the for= nodes of Forwarded lines, left to right,
// read as walkHops reads them (from the right) but without its bounds.
func forwardedFor(lines []string) []string {
	h := newHops(lines, true)
	h.budget, h.left = 1<<30, 1<<30
	var out []string
	for {
		node, more, _ := h.next()
		if !more {
			break
		}
		if !h.skipped {
			out = append(out, node)
		}
	}
	slices.Reverse(out)
	return out
}

func TestForwardedFor(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{`for=192.0.2.60;proto=http;by=203.0.113.43`}, []string{"192.0.2.60"}},
		{[]string{`for=192.0.2.43, for=198.51.100.17`}, []string{"192.0.2.43", "198.51.100.17"}},
		{[]string{`For="[2001:db8:cafe::17]:4711"`}, []string{"[2001:db8:cafe::17]:4711"}},
		{[]string{`for="a\"b"`}, []string{`a"b`}},
		{[]string{`proto=https`}, []string{""}},
		{[]string{`for=a b`}, []string{""}},
		{[]string{`for="x";`, ``, ` , for=y`}, []string{"x", "y"}},
		{[]string{`=x`}, []string{""}},
	}
	for _, tt := range tests {
		got := forwardedFor(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("forwardedFor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzForwardedHeaders(f *testing.F) {
	for _, s := range []string{`for=192.0.2.60;proto=http`, `for="[2001:db8::1]:80", for=unknown`, `for="a\"b`, "1.2.3.4, [::1]:8"} {
		f.Add(s)
	}
	v, err := IPAllowlist(prefixes("0.0.0.0/0", "::/0"), &IPOptions{TrustedProxies: prefixes("10.0.0.0/8")})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nodes := forwardedFor([]string{s})
		for _, n := range nodes {
			if a, ok := parseHop(n); ok && (!a.IsValid() || a.Zone() != "" || a.Is4In6()) {
				t.Fatalf("parseHop(%q) = %v", n, a)
			}
		}
		// Read from the right, a list whose quoted strings all close
		// splits as it does from the left.
		if want, closed := forwardedForwards(s); closed && !slices.Equal(nodes, want) {
			t.Fatalf("from the right %q, from the left %q", nodes, want)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.1:1"
		r.Header["Forwarded"] = []string{s}
		r.Header["X-Forwarded-For"] = []string{s}
		if _, err := v.Validate(r); err != nil && code(err) != CodeIPNotAllowed {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestForwardedHeadersBounded: a huge forwarding header from a trusted
// proxy is read lazily from the right, up to its bounds: no split of the
// whole list, a handful of allocations whatever its size, and a list that
// reaches the bounds before the client is refused.
func TestForwardedHeadersBounded(t *testing.T) {
	v, err := IPAllowlist(prefixes("192.0.2.0/24"), &IPOptions{TrustedProxies: prefixes("10.0.0.0/8")})
	if err != nil {
		t.Fatal(err)
	}
	const mib = 1 << 20
	filler := func(entry string) string { return strings.Repeat(entry+", ", mib/(len(entry)+2)) }
	tests := []struct {
		name, header, value string
		ok                  bool
	}{
		{"1 MiB XFF, client at the right", "X-Forwarded-For", filler("198.51.100.1") + "192.0.2.7, 10.0.0.2", true},
		{"1 MiB XFF, refused client at the right", "X-Forwarded-For", filler("192.0.2.7") + "198.51.100.1", false},
		{"1 MiB XFF of trusted hops", "X-Forwarded-For", filler("10.0.0.3") + "10.0.0.2", false},
		{"1 MiB XFF of empty elements", "X-Forwarded-For", filler("") + "192.0.2.7", true},
		{"1 MiB XFF of empty elements left of trusted hops", "X-Forwarded-For", filler("") + "10.0.0.2", false},
		{"1 MiB XFF entry", "X-Forwarded-For", strings.Repeat("1", mib), false},
		{"client behind 31 trusted hops", "X-Forwarded-For", "192.0.2.7" + strings.Repeat(", 10.0.0.3", 31), true},
		{"client behind 32 trusted hops", "X-Forwarded-For", "192.0.2.7" + strings.Repeat(", 10.0.0.3", 32), false},
		{"1 MiB Forwarded, client at the right", "Forwarded", filler(`for="[2001:db8::1]:80"`) + "for=192.0.2.7", true},
		{"1 MiB Forwarded quoted string", "Forwarded", `for=192.0.2.7;x="` + strings.Repeat("a", mib) + `"`, false},
		{"1 MiB Forwarded of trusted hops", "Forwarded", filler("for=10.0.0.3"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = "10.0.0.1:443"
			r.Header.Set(tt.header, tt.value)
			if _, err := v.Validate(r); (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if allocs := testing.AllocsPerRun(10, func() { _, _ = v.Validate(r) }); allocs > 4 {
				t.Fatalf("%v allocations per request", allocs)
			}
		})
	}
}

// forwardedForwards is the reference: a Forwarded line split from the left,
// with forOf applied to each element. closed is false when a quoted string
// does not close or a backslash stands outside one.
func forwardedForwards(l string) (nodes []string, closed bool) {
	inQuote, escaped, bare, start := false, false, false, 0
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
			case c == '\\':
				// A backslash outside a quoted string is no quoted-pair
				// (RFC 7239 allows none there): read from the right it
				// cannot be told from one, so such lists are not compared.
				bare = true
				continue
			case c != ',':
				continue
			}
		}
		if e := strings.Trim(l[start:i], " \t"); e != "" {
			nodes = append(nodes, forOf(e))
		}
		start = i + 1
	}
	return nodes, !inQuote && !bare
}
