package gatehouseotel_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
)

var hsSecret = []byte("0123456789abcdef0123456789abcdef-test-key")

func signHS(t testing.TB, exp time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "alice", "exp": exp.Unix()})
	tok.Header["kid"] = "hs-1"
	s, err := tok.SignedString(hsSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// guards returns a Bearer JWT guard and an API-key guard, both counted by
// tel (nil: not counted), as one net/http handler (/v1/ and /keys/).
func guards(t testing.TB, tel *gatehouseotel.Telemetry, onReject func(*http.Request, *inbound.Error)) (http.Handler, string) {
	wrap := func(o *middleware.Options) *middleware.Options { return o }
	if tel != nil {
		wrap = tel.Guard
	}
	t.Helper()
	keys, err := inbound.StaticKeys(map[string]any{"hs-1": hsSecret})
	if err != nil {
		t.Fatal(err)
	}
	jo := inbound.JWTOptions{Keys: keys, Algorithms: []string{"HS256"}}
	if tel != nil {
		jo = tel.JWT(jo)
	}
	jv, err := inbound.BearerJWT(jo)
	if err != nil {
		t.Fatal(err)
	}
	jg, err := middleware.New(jv, wrap(&middleware.Options{OnReject: onReject}))
	if err != nil {
		t.Fatal(err)
	}
	const apiKey = "$aact_hmlg_0123456789abcdef0123456789abcdef"
	kv, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}),
		&inbound.APIKeyOptions{Environments: map[string]string{"$aact_hmlg_": "sandbox"}, Environment: "sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	kg, err := middleware.New(kv, wrap(nil))
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	mux := http.NewServeMux()
	mux.Handle("/v1/", stdauth.Require(jg)(ok))
	mux.Handle("/keys/", stdauth.Require(kg)(ok))
	return mux, apiKey
}

// TestGuard sends accepted and refused requests of several codes and
// schemes through two Guards and checks gatehouse.inbound.decisions and
// gatehouse.jwt.cache, and that the user's own OnReject still runs.
func TestGuard(t *testing.T) {
	h := newHarness(t)
	var userRejects atomic.Int64
	handler, apiKey := guards(t, h.tel, func(*http.Request, *inbound.Error) { userRejects.Add(1) })
	valid, expired := signHS(t, time.Now().Add(time.Hour)), signHS(t, time.Now().Add(-time.Hour))
	requests := []struct {
		path, header, value string
		status, times       int
	}{
		{"/v1/x", "Authorization", "Bearer " + valid, 200, 3},
		{"/v1/x", "Authorization", "Bearer " + expired, 401, 1},
		{"/v1/x", "", "", 401, 2},
		{"/v1/x", "Authorization", "Basic YWxpY2U6c2VjcmV0", 401, 1},
		{"/v1/x", "Authorization", "dpop " + valid, 401, 1}, // no DPoP configured
		{"/keys/x", "Access_token", apiKey, 200, 1},
		{"/keys/x", "Access_token", "sk_live_123", 401, 2},
	}
	for _, rq := range requests {
		for range rq.times {
			r := httptest.NewRequest(http.MethodGet, rq.path, nil)
			if rq.header != "" {
				r.Header.Set(rq.header, rq.value)
			}
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			if w.Code != rq.status {
				t.Fatalf("%s %s: status %d, want %d", rq.path, rq.header, w.Code, rq.status)
			}
		}
	}
	ms := h.collect(t)
	equalMaps(t, gatehouseotel.InboundDecisions, counter(t, ms, gatehouseotel.InboundDecisions), map[string]int64{
		"outcome=accepted,scheme=Bearer":                                  3,
		"outcome=accepted,scheme=APIKey":                                  1,
		"code=token_expired,outcome=rejected,scheme=Bearer":               1,
		"code=missing_token,outcome=rejected,scheme=":                     2,
		"code=missing_token,outcome=rejected,scheme=other":                1,
		"code=missing_token,outcome=rejected,scheme=DPoP":                 1,
		"code=invalid_access_token_format,outcome=rejected,scheme=APIKey": 2,
	})
	// The valid token is verified once and then found in the cache twice;
	// the expired one reaches the cache too, and misses. Requests without a
	// token never get that far.
	equalMaps(t, gatehouseotel.JWTCache, counter(t, ms, gatehouseotel.JWTCache), map[string]int64{
		"result=miss": 2,
		"result=hit":  2,
	})
	if n := userRejects.Load(); n != 5 {
		t.Errorf("the user's OnReject ran %d times, want 5", n)
	}
}
