package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"
	"go.uber.org/goleak"
	"google.golang.org/grpc"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	echov5auth "github.com/gatehouse-go/gatehouse/adapters/echov5"
	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// adapter builds a server over a Guard with one framework. Every server's
// handler answers 200 "ok <subject>", reading the Principal with that
// framework's accessor, so the accessors are compared too.
type adapter struct {
	name  string
	serve func(g *middleware.Guard) http.Handler
}

func writeOK(w http.ResponseWriter, p *inbound.Principal, ok bool) {
	subject := "-"
	if ok {
		subject = p.Subject
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok " + subject))
}

var adapters = []adapter{
	{"std", func(g *middleware.Guard) http.Handler {
		return stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := stdauth.Principal(r)
			writeOK(w, p, ok)
		}))
	}},
	{"gin", func(g *middleware.Guard) http.Handler {
		e := gin.New()
		e.Use(ginauth.Require(g))
		e.Any("/*path", func(c *gin.Context) {
			p, ok := ginauth.Principal(c)
			writeOK(c.Writer, p, ok)
		})
		return e
	}},
	{"echo", func(g *middleware.Guard) http.Handler {
		e := echo.New()
		e.Use(echoauth.Require(g))
		e.Any("/*", func(c echo.Context) error {
			p, ok := echoauth.Principal(c)
			writeOK(c.Response(), p, ok)
			return nil
		})
		return e
	}},
	{"echo v5", func(g *middleware.Guard) http.Handler {
		e := echov5.New()
		e.Use(echov5auth.Require(g))
		e.Any("/*", func(c *echov5.Context) error {
			p, ok := echov5auth.Principal(c)
			writeOK(c.Response(), p, ok)
			return nil
		})
		return e
	}},
}

// response is what must be identical across adapters.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func serve(h http.Handler, r *http.Request) response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	return response{res.StatusCode, res.Header, w.Body.String()}
}

// testCase is one request and the answer every adapter must give.
type testCase struct {
	name   string
	guard  string // key into the guards map
	method string // default GET
	path   string // default /v3/payments
	header []string
	status int
	// code is the stable code expected in the body, "" for 200.
	code string
	// challenge is the expected WWW-Authenticate: "" for none, the exact
	// value for a bare challenge, or its beginning up to error="…" when an
	// error_description follows.
	challenge string
	// body is the exact expected body of a 200.
	body string
}

// runTable runs every case through every adapter and checks that the
// answers are identical and as expected.
func runTable(t *testing.T, guards map[string]*middleware.Guard, cases []testCase) {
	t.Helper()
	servers := map[string][]http.Handler{}
	conns := map[string]*grpc.ClientConn{}
	for name, g := range guards {
		for _, a := range adapters {
			servers[name] = append(servers[name], a.serve(g))
		}
		conns[name] = grpcServer(t, g)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs, ok := servers[tc.guard]
			if !ok {
				t.Fatalf("no guard %q", tc.guard)
			}
			var first response
			for i, h := range hs {
				r := newRequest(tc)
				got := serve(h, r)
				if i == 0 {
					first = got
					checkExpected(t, tc, got)
					continue
				}
				if !reflect.DeepEqual(got, first) {
					t.Errorf("%s answered differently from %s:\n%s: %+v\n%s: %+v",
						adapters[i].name, adapters[0].name, adapters[i].name, got, adapters[0].name, first)
				}
			}
			if tc.method == "" && tc.path == "" {
				checkGRPC(t, conns[tc.guard], func(string) *http.Request { return newRequest(tc) }, false, first)
			}
		})
	}
}

func newRequest(tc testCase) *http.Request {
	method, path := tc.method, tc.path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/v3/payments"
	}
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(tc.header); i += 2 {
		r.Header.Add(tc.header[i], tc.header[i+1])
	}
	return r
}

func checkExpected(t *testing.T, tc testCase, got response) {
	t.Helper()
	if got.Status != tc.status {
		t.Errorf("status = %d, want %d (body %s)", got.Status, tc.status, got.Body)
	}
	challenge := got.Header.Values("WWW-Authenticate")
	switch {
	case tc.challenge == "" && len(challenge) != 0:
		t.Errorf("WWW-Authenticate = %q, want none", challenge)
	case tc.challenge != "" && (len(challenge) != 1 ||
		(challenge[0] != tc.challenge && !strings.HasPrefix(challenge[0], tc.challenge+`, error_description="`))):
		t.Errorf("WWW-Authenticate = %q, want %q", challenge, tc.challenge)
	}
	if tc.status == http.StatusOK {
		if got.Body != tc.body {
			t.Errorf("body = %q, want %q", got.Body, tc.body)
		}
		return
	}
	if cc := got.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var body struct {
		Errors []struct{ Code, Description string }
		Code   string // problem+json
	}
	if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
		t.Fatalf("body %q: %v", got.Body, err)
	}
	code := body.Code
	if len(body.Errors) == 1 {
		code = body.Errors[0].Code
	}
	if code != tc.code {
		t.Errorf("code = %q, want %q (body %s)", code, tc.code, got.Body)
	}
}

const (
	prodKey    = "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmFjY291bnQ"
	sandboxKey = "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OnNhbmRib3g"
	unknownKey = "$aact_prod_000unknownunknownunknownunknownunknownunknownunknown"
)

type downStore struct{}

func (downStore) Lookup(context.Context, [32]byte) (*inbound.Principal, error) {
	return nil, errors.New("db: dial tcp 10.0.0.5:5432: connection refused")
}

func apiKeyGuards(t *testing.T) map[string]*middleware.Guard {
	t.Helper()
	keyOpts := &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	}
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		prodKey:    {Subject: "acme"},
		sandboxKey: {Subject: "acme-sandbox"},
	}), keyOpts)
	if err != nil {
		t.Fatal(err)
	}
	down, err := inbound.APIKey(downStore{}, keyOpts)
	if err != nil {
		t.Fatal(err)
	}
	skip := func(r *http.Request) bool { return r.URL.Path == "/healthz" || r.Method == http.MethodOptions }
	must := func(v inbound.Validator, o *middleware.Options) *middleware.Guard {
		g, err := middleware.New(v, o)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	return map[string]*middleware.Guard{
		"apikey":    must(inbound.All(inbound.UserAgent(), keys), &middleware.Options{Skip: skip}),
		"problem":   must(inbound.All(inbound.UserAgent(), keys), &middleware.Options{ProblemJSON: true}),
		"down":      must(inbound.All(inbound.UserAgent(), down), nil),
		"useragent": must(inbound.UserAgent(), nil),
		"internal": must(inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) {
			return nil, errors.New("pq: password authentication failed for user admin, password hunter2")
		}), nil),
		"zero-guard": {}, // not made by New: refuses everything, never panics
	}
}

func TestAPIKeyConformance(t *testing.T) {
	const ua = "User-Agent"
	cases := []testCase{
		{name: "valid key", guard: "apikey", header: []string{"access_token", prodKey, ua, "app/1.0"}, status: 200, body: "ok acme"},
		{name: "missing access_token", guard: "apikey", header: []string{ua, "app/1.0"}, status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "empty access_token", guard: "apikey", header: []string{"access_token", "", ua, "app/1.0"}, status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "wrong format", guard: "apikey", header: []string{"access_token", "sk_live_123", ua, "app/1.0"}, status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "sandbox key in production", guard: "apikey", header: []string{"access_token", sandboxKey, ua, "app/1.0"}, status: 401, code: inbound.CodeInvalidEnvironment},
		{name: "unknown key", guard: "apikey", header: []string{"access_token", unknownKey, ua, "app/1.0"}, status: 401, code: inbound.CodeInvalidAccessToken},
		{name: "several access_token headers", guard: "apikey", header: []string{"access_token", prodKey, "access_token", prodKey, ua, "app/1.0"}, status: 400, code: inbound.CodeInvalidRequest},
		{name: "missing User-Agent", guard: "apikey", header: []string{"access_token", prodKey}, status: 400, code: inbound.CodeUserAgentRequired},
		{name: "blank User-Agent", guard: "apikey", header: []string{"access_token", prodKey, ua, "  "}, status: 400, code: inbound.CodeUserAgentRequired},
		{name: "User-Agent is checked first", guard: "apikey", header: []string{"access_token", "bad"}, status: 400, code: inbound.CodeUserAgentRequired},
		{name: "skipped path", guard: "apikey", path: "/healthz", status: 200, body: "ok -"},
		{name: "skipped preflight", guard: "apikey", method: http.MethodOptions, status: 200, body: "ok -"},
		{name: "skip does not cover other paths", guard: "apikey", path: "/healthz/x", status: 400, code: inbound.CodeUserAgentRequired},
		{name: "problem JSON", guard: "problem", header: []string{"access_token", sandboxKey, ua, "app/1.0"}, status: 401, code: inbound.CodeInvalidEnvironment},
		{name: "key store down", guard: "down", header: []string{"access_token", prodKey, ua, "app/1.0"}, status: 503, code: inbound.CodeKeyStoreUnavailable},
		{name: "User-Agent alone, no principal", guard: "useragent", header: []string{ua, "app/1.0"}, status: 200, body: "ok -"},
		{name: "non-inbound error is a generic 500", guard: "internal", status: 500, code: middleware.CodeInternalError},
		{name: "a zero Guard fails closed", guard: "zero-guard", status: 500, code: middleware.CodeInternalError},
	}
	runTable(t, apiKeyGuards(t), cases)
}

func TestNoSecretInAnyAnswer(t *testing.T) {
	guards := apiKeyGuards(t)
	conns := map[string]*grpc.ClientConn{}
	for name, g := range guards {
		conns[name] = grpcServer(t, g)
	}
	for _, tc := range []testCase{
		{guard: "apikey", header: []string{"access_token", unknownKey, "User-Agent", "a"}},
		{guard: "apikey", header: []string{"access_token", sandboxKey, "User-Agent", "a"}},
		{guard: "apikey", header: []string{"access_token", unknownKey + " x", "User-Agent", "a"}},
		{guard: "down", header: []string{"access_token", prodKey, "User-Agent", "a"}},
		{guard: "internal"},
	} {
		for _, a := range adapters {
			got := serve(a.serve(guards[tc.guard]), newRequest(tc))
			all := got.Body + strings.Join(got.Header.Values("WWW-Authenticate"), "")
			for _, secret := range []string{unknownKey, sandboxKey, prodKey, "hunter2", "10.0.0.5"} {
				if strings.Contains(all, secret) {
					t.Errorf("%s: %q leaked in %q", a.name, secret, all)
				}
			}
		}
		for _, method := range grpcLegs {
			got := callGRPC(t.Context(), conns[tc.guard], method, newRequest(tc))
			all := got.Message + strings.Join(got.Challenges, "")
			for _, secret := range []string{unknownKey, sandboxKey, prodKey, "hunter2", "10.0.0.5"} {
				if strings.Contains(all, secret) {
					t.Errorf("gRPC %s: %q leaked in %q", method, secret, all)
				}
			}
		}
	}
}
