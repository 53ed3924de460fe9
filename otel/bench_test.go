package gatehouseotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// BenchmarkSourceTokenFresh: a fresh token without and with the hooks; both
// must be allocation-free.
func BenchmarkSourceTokenFresh(b *testing.B) {
	for _, withOtel := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "otel"}[withOtel], func(b *testing.B) {
			var opts *outbound.SourceOptions
			if withOtel {
				opts = newHarness(b).tel.Source("bench", nil)
			}
			src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
				return outbound.Token{Value: "v", Expiry: time.Now().Add(time.Hour)}, nil
			}), opts)
			ctx := context.Background()
			if _, err := src.Token(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := src.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStdCachedJWT: a request with an already verified JWT through the
// std adapter, without and with the decision counter.
func BenchmarkStdCachedJWT(b *testing.B) {
	for _, withOtel := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "otel"}[withOtel], func(b *testing.B) {
			h := newHarness(b)
			if !withOtel {
				h.tel = nil
			}
			handler, _ := guards(b, h.tel, nil)
			r := httptest.NewRequest(http.MethodGet, "/v1/x", nil)
			r.Header.Set("Authorization", "Bearer "+signHS(b, time.Now().Add(time.Hour)))
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r) // verified once, cached from here on
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
			b.ReportAllocs()
			for b.Loop() {
				handler.ServeHTTP(nopWriter{}, r)
			}
		})
	}
}

// nopWriter is a ResponseWriter that keeps nothing.
type nopWriter struct{}

func (nopWriter) Header() http.Header         { return http.Header{} }
func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriter) WriteHeader(int)             {}
