package harness

import (
	"net/http"
	"testing"
)

// BenchmarkRealistic compares Bearer with x/oauth2 on a request that already
// carries Content-Type, Accept and an idempotency key:
//
//	go test -run '^$' -bench Realistic -count 6 ./internal/harness
func BenchmarkRealistic(b *testing.B) {
	for _, c := range RealisticCases() {
		b.Run(c.Name, c.Run)
	}
}

// TestRealisticTransportsAuthorize checks that the realistic cases send the
// token and keep the request's own headers, without modifying it.
func TestRealisticTransportsAuthorize(t *testing.T) {
	for _, wrap := range map[string]func(http.RoundTripper) (http.RoundTripper, error){
		"x-oauth2-static": func(b http.RoundTripper) (http.RoundTripper, error) { return StaticOAuth2Transport(b), nil },
		"gatehouse":       GatehouseBearer,
	} {
		var got http.Header
		rt, err := wrap(roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			got = r.Header.Clone()
			return NewCannedTransport().RoundTrip(r)
		}))
		if err != nil {
			t.Fatal(err)
		}
		req := newRealisticRequest()
		if _, err := rt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if got.Get("Authorization") != "Bearer "+outboundToken || got.Get("Idempotency-Key") == "" ||
			got.Get("Content-Type") != "application/json" || got.Get("Accept") != "application/json" {
			t.Errorf("sent headers %v", got)
		}
		if req.Header.Get("Authorization") != "" {
			t.Error("the caller's request was modified")
		}
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
