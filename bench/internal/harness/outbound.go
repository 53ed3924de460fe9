package harness

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"golang.org/x/oauth2"
)

// CannedTransport is the bare RoundTripper of the outbound comparison: it
// answers every request with the same response and does nothing else, so a
// decorator's cost is its time above CannedTransport's.
type CannedTransport struct {
	resp http.Response
	// Last, when set, receives every request's Authorization header, so that
	// tests can see what a decorator sent. Benchmarks leave it nil.
	Last func(authorization string)
}

// NewCannedTransport returns a CannedTransport answering 200 with no body.
func NewCannedTransport() *CannedTransport {
	return &CannedTransport{resp: http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: http.NoBody, ContentLength: 0,
	}}
}

// RoundTrip returns the canned response. Callers must not modify it.
func (t *CannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Last != nil {
		t.Last(req.Header.Get("Authorization"))
	}
	return &t.resp, nil
}

// outboundToken is the token both libraries hold in the overhead benchmark:
// valid for an hour, so neither refreshes during it.
const outboundToken = "eyJhbGciOiJIUzI1NiJ9.bench-token-value-of-a-realistic-length.c2lnbmF0dXJl"

// GatehouseBearer returns base decorated with gatehouse's Bearer over a
// Source that already holds a valid token.
func GatehouseBearer(base http.RoundTripper) (http.RoundTripper, error) {
	exp := time.Now().Add(time.Hour)
	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: outboundToken, Type: "Bearer", Expiry: exp}, nil
	}), nil)
	if _, err := src.Token(context.Background()); err != nil {
		return nil, err
	}
	return outbound.Chain(base, outbound.Bearer(src)), nil
}

// OAuth2Transport returns base decorated with x/oauth2's Transport over the
// ReuseTokenSource that clientcredentials.Config.Client uses, holding a valid
// token.
func OAuth2Transport(base http.RoundTripper) http.RoundTripper {
	tok := &oauth2.Token{AccessToken: outboundToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return &oauth2.Transport{Source: oauth2.ReuseTokenSource(tok, oauth2.StaticTokenSource(tok)), Base: base}
}

// OutboundCases are the per-request overhead benchmarks: a GET with two
// ordinary headers through the bare transport, x/oauth2's Transport and
// gatehouse's Bearer, serially and with b.RunParallel.
func OutboundCases() []Case {
	type lib struct {
		name string
		rt   func(http.RoundTripper) (http.RoundTripper, error)
	}
	libs := []lib{
		{"bare", func(b http.RoundTripper) (http.RoundTripper, error) { return b, nil }},
		{"x-oauth2", func(b http.RoundTripper) (http.RoundTripper, error) { return OAuth2Transport(b), nil }},
		{"gatehouse", GatehouseBearer},
	}
	var cases []Case
	for _, parallel := range []bool{false, true} {
		for _, l := range libs {
			name := "outbound/serial/" + l.name
			if parallel {
				name = "outbound/parallel/" + l.name
			}
			cases = append(cases, Case{Name: name, Run: func(b *testing.B) {
				rt, err := l.rt(NewCannedTransport())
				if err != nil {
					b.Fatal(err)
				}
				benchRoundTrip(b, rt, parallel)
			}})
		}
	}
	return cases
}

func newAPIRequest() *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v1/charges?limit=10", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bench/1.0")
	return req
}

func benchRoundTrip(b *testing.B, rt http.RoundTripper, parallel bool) {
	b.ReportAllocs()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			req := newAPIRequest()
			for pb.Next() {
				if _, err := rt.RoundTrip(req); err != nil {
					b.Error(err)
					return
				}
			}
		})
		return
	}
	req := newAPIRequest()
	for b.Loop() {
		if _, err := rt.RoundTrip(req); err != nil {
			b.Fatal(err)
		}
	}
}
