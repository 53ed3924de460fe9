package harness

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// newRealisticRequest is an API call as programs send it: a POST that
// already carries Content-Type, Accept and an idempotency key before the
// decorator adds Authorization.
func newRealisticRequest() *http.Request {
	req, _ := http.NewRequest(http.MethodPost, "https://api.example.com/v1/charges",
		strings.NewReader(`{"amount":1000,"currency":"BRL"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", "7f1c9a52-3b0e-4c44-9d0a-2f6e8b1d5a90")
	return req
}

// StaticOAuth2Transport returns base decorated with x/oauth2's Transport
// over a StaticTokenSource: its cheapest form, with no lock and no expiry
// check.
func StaticOAuth2Transport(base http.RoundTripper) http.RoundTripper {
	tok := &oauth2.Token{AccessToken: outboundToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: base}
}

// RealisticCases are the per-request overhead benchmarks on a request that
// carries a few headers already (newRealisticRequest): the bare transport,
// x/oauth2's Transport over a StaticTokenSource, and gatehouse's Bearer,
// serially. Overhead is each one's time above "bare". Besides ns/op they
// report cpu-ns/op, the process's CPU time per request (GC included), which
// holds steadier than wall time on a machine shared with other work.
func RealisticCases() []Case {
	libs := []struct {
		name string
		rt   func(http.RoundTripper) (http.RoundTripper, error)
	}{
		{"bare", func(b http.RoundTripper) (http.RoundTripper, error) { return b, nil }},
		{"x-oauth2-static", func(b http.RoundTripper) (http.RoundTripper, error) { return StaticOAuth2Transport(b), nil }},
		{"gatehouse", GatehouseBearer},
	}
	var cases []Case
	for _, l := range libs {
		cases = append(cases, Case{Name: "outbound/realistic/" + l.name, Run: func(b *testing.B) {
			rt, err := l.rt(NewCannedTransport())
			if err != nil {
				b.Fatal(err)
			}
			req := newRealisticRequest()
			b.ReportAllocs()
			cpu0, ok := processCPU()
			for b.Loop() {
				if _, err := rt.RoundTrip(req); err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok1 := processCPU(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		}})
	}
	return cases
}
