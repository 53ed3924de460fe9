package inbound_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// Behind a load balancer at 10.0.0.5, the client is the address the
// balancer appended to X-Forwarded-For; the same header from anyone else is
// ignored.
func ExampleIPAllowlist() {
	v, err := inbound.IPAllowlist(
		[]netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")},
		&inbound.IPOptions{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32")}},
	)
	if err != nil {
		panic(err)
	}
	for _, c := range []struct{ peer, xff string }{
		{"10.0.0.5:4000", "203.0.113.7"},     // via the balancer
		{"10.0.0.5:4000", "198.51.100.1"},    // via the balancer, not allowed
		{"198.51.100.1:4000", "203.0.113.7"}, // spoofed header, straight to the server
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-For", c.xff)
		_, err := v.Validate(r)
		if e, ok := inbound.AsError(err); ok {
			fmt.Println(e.Status, e.Code)
		} else {
			fmt.Println("allowed")
		}
	}
	// Output:
	// allowed
	// 403 ip_not_allowed
	// 403 ip_not_allowed
}
