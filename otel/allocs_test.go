package gatehouseotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// TestHotPathAllocs: with the hooks, a fresh Token still allocates nothing,
// and a request with a cached JWT through the std adapter allocates no more
// than without them.
func TestHotPathAllocs(t *testing.T) {
	h := newHarness(t)
	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: "v", Expiry: time.Now().Add(time.Hour)}, nil
	}), h.tel.Source("allocs", nil))
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = src.Token(ctx) }); n != 0 {
		t.Errorf("fresh Token: %v allocations with the hooks", n)
	}

	r := httptest.NewRequest(http.MethodGet, "/v1/x", nil)
	r.Header.Set("Authorization", "Bearer "+signHS(t, time.Now().Add(time.Hour)))
	allocs := func(handler http.Handler) float64 {
		handler.ServeHTTP(nopWriter{}, r) // verified once, cached from here on
		return testing.AllocsPerRun(100, func() { handler.ServeHTTP(nopWriter{}, r) })
	}
	plain, _ := guards(t, nil, nil)
	counted, _ := guards(t, h.tel, nil)
	if p, c := allocs(plain), allocs(counted); c > p {
		t.Errorf("cached JWT: %v allocations with the hooks, %v without", c, p)
	}
}
