package stdauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

const testKey = "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmFjY291bnQ"

func newGuard(t testing.TB, opts *middleware.Options) *middleware.Guard {
	t.Helper()
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{testKey: {Subject: "acme"}}),
		&inbound.APIKeyOptions{
			Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
			Environment:  "production",
		})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestRequire(t *testing.T) {
	g := newGuard(t, &middleware.Options{Skip: func(r *http.Request) bool { return r.URL.Path == "/healthz" }})
	tests := []struct {
		name    string
		path    string
		key, ua string
		status  int
		reached bool
		subject string
	}{
		{name: "accepted", path: "/", key: testKey, ua: "app/1", status: 200, reached: true, subject: "acme"},
		{name: "no user agent", path: "/", key: testKey, status: 400},
		{name: "unknown key", path: "/", key: "$aact_prod_nope", ua: "app/1", status: 401},
		{name: "skipped", path: "/healthz", status: 200, reached: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached := false
			h := stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached = true
				p, ok := stdauth.Principal(r)
				if ok != (tt.subject != "") || (ok && p.Subject != tt.subject) {
					t.Errorf("Principal = %v, %v; want subject %q", p, ok, tt.subject)
				}
			}))
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.key != "" {
				r.Header.Set("access_token", tt.key)
			}
			if tt.ua != "" {
				r.Header.Set("User-Agent", tt.ua)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status || reached != tt.reached {
				t.Errorf("status %d, reached %v; want %d, %v", w.Code, reached, tt.status, tt.reached)
			}
		})
	}
}

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the middleware rather than a recorder.
type discard struct{ h http.Header }

func (w *discard) Header() http.Header         { return w.h }
func (w *discard) Write(p []byte) (int, error) { return len(p), nil }
func (w *discard) WriteHeader(int)             {}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

func benchServe(b *testing.B, h http.Handler) {
	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	r.Header.Set("access_token", testKey)
	r.Header.Set("User-Agent", "app/1.0")
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// BenchmarkBare is the baseline for BenchmarkAPIKeyUserAgent: the same
// handler without authentication.
func BenchmarkBare(b *testing.B) { benchServe(b, okHandler) }

// BenchmarkAPIKeyUserAgent measures API key + User-Agent through Require.
// The target is at most 0.3 µs over BenchmarkBare and no
// allocation beyond the two of r.WithContext(context.WithValue(...)).
func BenchmarkAPIKeyUserAgent(b *testing.B) {
	benchServe(b, stdauth.Require(newGuard(b, nil))(okHandler))
}

type floorKey struct{}

// BenchmarkPrincipalInContext is the floor of BenchmarkAPIKeyUserAgent: the
// two allocations (a context value and the request copy) that handing a
// Principal to the next handler costs in net/http, and nothing else.
func BenchmarkPrincipalInContext(b *testing.B) {
	p := &inbound.Principal{Subject: "acme"}
	benchServe(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		okHandler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), floorKey{}, p)))
	}))
}
