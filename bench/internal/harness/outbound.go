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
	src, err := freshSource()
	if err != nil {
		return nil, err
	}
	return outbound.Chain(base, outbound.Bearer(src)), nil
}

// freshSource returns a Source holding a token valid for an hour.
func freshSource() (*outbound.Source, error) {
	exp := time.Now().Add(time.Hour)
	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: outboundToken, Type: "Bearer", Expiry: exp}, nil
	}), nil)
	if _, err := src.Token(context.Background()); err != nil {
		return nil, err
	}
	return src, nil
}

// OAuth2Transport returns base decorated with x/oauth2's Transport over a
// StaticTokenSource: its cheapest form, with no expiry check and no lock.
func OAuth2Transport(base http.RoundTripper) http.RoundTripper {
	tok := &oauth2.Token{AccessToken: outboundToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: base}
}

// OutboundCases are the per-request overhead benchmarks: a POST carrying
// Content-Type, Accept and an idempotency key (as API calls do) through the
// bare transport, x/oauth2's Transport and gatehouse's Bearer, serially and
// with b.RunParallel.
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

// SourceCases measure taking a fresh token from a cache: gatehouse's
// Source.Token, x/oauth2's ReuseTokenSource.Token (a mutex and an expiry
// check, what its Transport calls under clientcredentials), and time.Now
// alone, since reading the clock is part of any freshness check. The serial
// cases run with GOMAXPROCS 1 (go test -cpu 1); the parallel one with the
// process's, to show how Token scales with cores.
func SourceCases() []Case {
	return []Case{
		{Name: "source/serial/time-now", Procs: 1, Run: func(b *testing.B) {
			b.ReportAllocs()
			var t time.Time
			cpu := startCPU(b)
			for b.Loop() {
				t = time.Now()
			}
			cpu.done()
			_ = t
		}},
		{Name: "source/serial/x-oauth2", Procs: 1, Run: func(b *testing.B) {
			tok := &oauth2.Token{AccessToken: outboundToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
			src := oauth2.ReuseTokenSource(tok, oauth2.StaticTokenSource(tok))
			b.ReportAllocs()
			cpu := startCPU(b)
			for b.Loop() {
				if _, err := src.Token(); err != nil {
					b.Fatal(err)
				}
			}
			cpu.done()
		}},
		{Name: "source/serial/gatehouse", Procs: 1, Run: func(b *testing.B) {
			src, err := freshSource()
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			cpu := startCPU(b)
			for b.Loop() {
				if _, err := src.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
			cpu.done()
		}},
		{Name: "source/parallel/gatehouse", Run: func(b *testing.B) {
			src, err := freshSource()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if _, err := src.Token(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}},
	}
}

// newAPIRequest is the request of the outbound benchmarks: a POST with the
// headers an API call usually carries, so that a decorator that clones the
// header map pays for a realistic one.
func newAPIRequest() *http.Request {
	req, _ := http.NewRequest(http.MethodPost, "https://api.example.com/v1/charges", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", "7f3c2a9e-5b1d-4c8e-9a2f-0d6b1e4c3a58")
	return req
}

func benchRoundTrip(b *testing.B, rt http.RoundTripper, parallel bool) {
	b.ReportAllocs()
	if parallel {
		// No CPU time: it would be the waiting goroutine's; wall-clock time
		// stands.
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
	cpu := startCPU(b)
	for b.Loop() {
		if _, err := rt.RoundTrip(req); err != nil {
			b.Fatal(err)
		}
	}
	cpu.done()
}
