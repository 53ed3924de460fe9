package middleware_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// fixed returns a Validator that always answers p, err.
func fixed(p *inbound.Principal, err error) inbound.Validator {
	return inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return p, err })
}

func mustGuard(t testing.TB, v inbound.Validator, opts *middleware.Options) *middleware.Guard {
	t.Helper()
	g, err := middleware.New(v, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

func TestNewRejectsBadConfig(t *testing.T) {
	ok := fixed(nil, nil)
	tests := []struct {
		name string
		v    inbound.Validator
		opts *middleware.Options
	}{
		{"nil validator", nil, nil},
		{"quote in realm", ok, &middleware.Options{Realm: `a"b`}},
		{"backslash in realm", ok, &middleware.Options{Realm: `a\b`}},
		{"newline in realm", ok, &middleware.Options{Realm: "a\r\nX-Evil: 1"}},
		{"non-ASCII realm", ok, &middleware.Options{Realm: "área"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g, err := middleware.New(tt.v, tt.opts); err == nil {
				t.Fatalf("New accepted the config: %v", g)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	alice := &inbound.Principal{Subject: "alice", Scheme: "Bearer"}
	refused := &inbound.Error{Status: 401, Code: inbound.CodeInvalidToken, Description: "bad", Challenge: inbound.ChallengeBearerError}
	tests := []struct {
		name      string
		v         inbound.Validator
		skip      bool
		wantP     *inbound.Principal
		wantErr   error
		wantSame  bool // the request itself is returned
		accepts   int
		rejects   int
		rejectErr string
	}{
		{name: "accepted", v: fixed(alice, nil), wantP: alice, accepts: 1},
		{name: "accepted with nil principal", v: fixed(nil, nil), wantSame: true, accepts: 1},
		{name: "refused", v: fixed(nil, refused), wantErr: refused, rejects: 1, rejectErr: inbound.CodeInvalidToken},
		{name: "internal error", v: fixed(nil, errors.New("boom")), wantErr: errors.New("boom"), rejects: 1, rejectErr: middleware.CodeInternalError},
		{name: "skipped", v: fixed(nil, refused), skip: true, wantSame: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var accepts, rejects int
			var rejectErr *inbound.Error
			g := mustGuard(t, tt.v, &middleware.Options{
				Skip:     func(*http.Request) bool { return tt.skip },
				OnAccept: func(_ *http.Request, p *inbound.Principal) { accepts++ },
				OnReject: func(_ *http.Request, e *inbound.Error) { rejects++; rejectErr = e },
			})
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			got, err := g.Check(r)
			if (err == nil) != (tt.wantErr == nil) || (err != nil && err.Error() != tt.wantErr.Error()) {
				t.Fatalf("Check error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && got != nil {
				t.Error("Check returned a request with an error")
			}
			if tt.wantSame && got != r {
				t.Error("Check did not return the request itself")
			}
			if err == nil {
				p, ok := inbound.FromContext(got.Context())
				if p != tt.wantP || ok != (tt.wantP != nil) {
					t.Errorf("FromContext = %v, %v; want %v", p, ok, tt.wantP)
				}
			}
			if accepts != tt.accepts || rejects != tt.rejects {
				t.Errorf("hooks: %d accepts, %d rejects; want %d, %d", accepts, rejects, tt.accepts, tt.rejects)
			}
			if tt.rejectErr != "" && (rejectErr == nil || rejectErr.Code != tt.rejectErr) {
				t.Errorf("OnReject got %v, want code %s", rejectErr, tt.rejectErr)
			}
			if tt.rejectErr == middleware.CodeInternalError && (rejectErr.Err == nil || rejectErr.Err.Error() != "boom") {
				t.Errorf("OnReject lost the cause: %v", rejectErr.Err)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		problem   bool
		realm     string
		status    int
		challenge string
		body      string
	}{
		{
			name:      "no token: bare challenge",
			err:       &inbound.Error{Status: 401, Code: "missing_token", Description: "a Bearer token is required", Challenge: inbound.ChallengeBearer},
			status:    401,
			challenge: `Bearer realm="api"`,
			body:      `{"errors":[{"code":"missing_token","description":"a Bearer token is required"}]}`,
		},
		{
			name:      "bad token: error attributes",
			err:       &inbound.Error{Status: 401, Code: "token_expired", Description: "the token has expired", Challenge: inbound.ChallengeBearerError},
			status:    401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="the token has expired"`,
			body:      `{"errors":[{"code":"token_expired","description":"the token has expired"}]}`,
		},
		{
			name:      "malformed request",
			err:       &inbound.Error{Status: 400, Code: "invalid_request", Description: "several Authorization headers", Challenge: inbound.ChallengeBearerError},
			status:    400,
			challenge: `Bearer realm="api", error="invalid_request", error_description="several Authorization headers"`,
			body:      `{"errors":[{"code":"invalid_request","description":"several Authorization headers"}]}`,
		},
		{
			name:      "scope, custom realm",
			realm:     "payments",
			err:       &inbound.Error{Status: 403, Code: "insufficient_scope", Description: "missing scope", Challenge: inbound.ChallengeBearerError},
			status:    403,
			challenge: `Bearer realm="payments", error="insufficient_scope", error_description="missing scope"`,
			body:      `{"errors":[{"code":"insufficient_scope","description":"missing scope"}]}`,
		},
		{
			name:      "no description: no error_description",
			err:       &inbound.Error{Status: 401, Code: "invalid_token", Challenge: inbound.ChallengeBearerError},
			status:    401,
			challenge: `Bearer realm="api", error="invalid_token"`,
			body:      `{"errors":[{"code":"invalid_token","description":""}]}`,
		},
		{
			name:      "hostile description is sanitised",
			err:       &inbound.Error{Status: 401, Code: "invalid_token", Description: "a \"quoted\" \\ é\r\nX: y", Challenge: inbound.ChallengeBearerError},
			status:    401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="a 'quoted' / ???X: y"`,
			body:      `{"errors":[{"code":"invalid_token","description":"a \"quoted\" \\ é\r\nX: y"}]}`,
		},
		{
			name:   "API key: no challenge",
			err:    &inbound.Error{Status: 401, Code: "invalid_environment", Description: "wrong environment"},
			status: 401,
			body:   `{"errors":[{"code":"invalid_environment","description":"wrong environment"}]}`,
		},
		{
			name:   "wrapped inbound error",
			err:    fmt.Errorf("context: %w", &inbound.Error{Status: 503, Code: "key_store_unavailable", Description: "try later"}),
			status: 503,
			body:   `{"errors":[{"code":"key_store_unavailable","description":"try later"}]}`,
		},
		{
			name:   "plain error is a generic 500",
			err:    errors.New("pq: password authentication failed for user admin:hunter2"),
			status: 500,
			body:   `{"errors":[{"code":"internal_error","description":"internal server error"}]}`,
		},
		{
			name:   "nil error is a generic 500",
			err:    nil,
			status: 500,
			body:   `{"errors":[{"code":"internal_error","description":"internal server error"}]}`,
		},
		{
			name:   "typed nil inbound error is a generic 500",
			err:    (*inbound.Error)(nil),
			status: 500,
			body:   `{"errors":[{"code":"internal_error","description":"internal server error"}]}`,
		},
		{
			name:   "invalid status is a generic 500",
			err:    &inbound.Error{Code: "custom", Description: "no status", Challenge: inbound.ChallengeBearer},
			status: 500,
			body:   `{"errors":[{"code":"internal_error","description":"internal server error"}]}`,
		},
		{
			name:      "problem JSON",
			problem:   true,
			err:       &inbound.Error{Status: 401, Code: "token_expired", Description: "the token has expired", Challenge: inbound.ChallengeBearerError},
			status:    401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="the token has expired"`,
			body:      `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"the token has expired","code":"token_expired"}`,
		},
		{
			name:    "problem JSON, internal",
			problem: true,
			err:     errors.New("secret stuff"),
			status:  500,
			body:    `{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"internal server error","code":"internal_error"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustGuard(t, fixed(nil, nil), &middleware.Options{ProblemJSON: tt.problem, Realm: tt.realm})
			w := httptest.NewRecorder()
			w.Header().Set("Content-Length", "999")
			g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			res := w.Result()
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Values("WWW-Authenticate"); strings.Join(got, "|") != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q", got)
			}
			wantType := "application/json"
			if tt.problem {
				wantType = "application/problem+json"
			}
			if got := res.Header.Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type = %q, want %q", got, wantType)
			}
			if res.Header.Get("Content-Length") == "999" {
				t.Error("a stale Content-Length survived")
			}
			if got := w.Body.String(); got != tt.body {
				t.Errorf("body = %s\nwant   %s", got, tt.body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Error("body is not JSON")
			}
		})
	}
}

// checkQuotedString reports whether v is an RFC 9110 quoted-string body
// without escapes (qdtext only): no '"', '\', controls or non-ASCII.
func checkQuotedString(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("byte %q at %d", c, i)
		}
	}
	return nil
}

func FuzzChallenge(f *testing.F) {
	for _, s := range []string{"", "plain", `"`, `\`, "\r\n", "é", "\xff", strings.Repeat("x", 500)} {
		f.Add(s)
	}
	g := mustGuard(f, fixed(nil, nil), nil)
	const prefix = `Bearer realm="api", error="invalid_token", error_description="`
	f.Fuzz(func(t *testing.T, desc string) {
		w := httptest.NewRecorder()
		g.WriteError(w, nil, &inbound.Error{Status: 401, Code: "invalid_token", Description: desc, Challenge: inbound.ChallengeBearerError})
		h := w.Header().Get("WWW-Authenticate")
		if desc == "" {
			if h != `Bearer realm="api", error="invalid_token"` {
				t.Fatalf("challenge = %q", h)
			}
			return
		}
		if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, `"`) {
			t.Fatalf("challenge = %q", h)
		}
		quoted := h[len(prefix) : len(h)-1]
		if err := checkQuotedString(quoted); err != nil {
			t.Fatalf("error_description %q: %v", quoted, err)
		}
		if len(quoted) > 200 {
			t.Fatalf("error_description is %d bytes", len(quoted))
		}
		var body struct {
			Errors []struct{ Code, Description string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
			t.Fatalf("body %q: %v", w.Body.String(), err)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	g := mustGuard(b, fixed(&inbound.Principal{Subject: "alice"}, nil), nil)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmark measures WriteError alone.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

func BenchmarkWriteError(b *testing.B) {
	g := mustGuard(b, fixed(nil, nil), nil)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	err := &inbound.Error{Status: 401, Code: "token_expired", Description: "the token has expired", Challenge: inbound.ChallengeBearerError}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		g.WriteError(w, r, err)
	}
}

func TestHooksNeverSeeTheKey(t *testing.T) {
	const key = "$aact_prod_0123456789abcdefghijklmnopqrstuvwxyz"
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{key: {Subject: "acme", KeyID: "k1"}}),
		&inbound.APIKeyOptions{Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"}, Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	g := mustGuard(t, keys, &middleware.Options{
		OnAccept: func(_ *http.Request, p *inbound.Principal) { seen = append(seen, fmt.Sprintf("%v %+v %#v", p, p, p)) },
		OnReject: func(_ *http.Request, e *inbound.Error) {
			seen = append(seen, fmt.Sprintf("%v %+v %#v %v", e, e, e, e.Err))
		},
	})
	for _, k := range []string{key, key + "x", "$aact_hmlg_" + key[11:], key + " ", key + key} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("access_token", k)
		_, _ = g.Check(r)
	}
	if len(seen) != 5 {
		t.Fatalf("hooks called %d times, want 5", len(seen))
	}
	for _, s := range seen {
		if strings.Contains(s, key[11:]) {
			t.Errorf("a hook saw the key: %s", s)
		}
	}
}

// TestNewRefusesMisconfiguredValidator: an All of nothing is found at
// construction, not by answering 500 to every request.
func TestNewRefusesMisconfiguredValidator(t *testing.T) {
	for name, v := range map[string]inbound.Validator{
		"All of nothing":        inbound.All(),
		"All with nil":          inbound.All(inbound.UserAgent(), nil),
		"nested All of nothing": inbound.All(inbound.UserAgent(), inbound.All()),
	} {
		t.Run(name, func(t *testing.T) {
			g, err := middleware.New(v, nil)
			if err == nil || g != nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, middleware.ErrInvalidConfig) || !errors.Is(err, inbound.ErrInvalidConfig) {
				t.Fatalf("%v wraps neither sentinel", err)
			}
		})
	}
}

// TestNewJoinsErrors: every mistake at once.
func TestNewJoinsErrors(t *testing.T) {
	_, err := middleware.New(nil, &middleware.Options{Realm: `a"b`})
	if !errors.Is(err, middleware.ErrInvalidConfig) {
		t.Fatalf("%v does not wrap ErrInvalidConfig", err)
	}
	for _, want := range []string{"nil Validator", "invalid Realm"} {
		if !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("%q missing from %v", want, err)
		}
	}
}

// TestZeroGuard: a Guard not made by New refuses every request with a 500,
// never panics, never lets a request through.
func TestZeroGuard(t *testing.T) {
	for name, g := range map[string]*middleware.Guard{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			out, err := g.Check(r)
			if out != nil || !errors.Is(err, middleware.ErrInvalidConfig) {
				t.Fatalf("Check: %v, %v", out, err)
			}
			w := httptest.NewRecorder()
			g.WriteError(w, r, err)
			if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "New") {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			w = httptest.NewRecorder()
			g.WriteError(w, r, &inbound.Error{Status: 401, Code: inbound.CodeMissingToken, Challenge: inbound.ChallengeBearer})
			if got := w.Header().Get("WWW-Authenticate"); got != `Bearer realm="api"` {
				t.Fatalf("challenge %q", got)
			}
		})
	}
}

// TestInsufficientScopeChallenge: a 403 insufficient_scope challenge names
// the scopes needed (RFC 6750 §3), sanitised like the description.
func TestInsufficientScopeChallenge(t *testing.T) {
	for _, tt := range []struct{ scope, want string }{
		{"payments:write read", `Bearer realm="api", error="insufficient_scope", error_description="needs more", scope="payments:write read"`},
		{`a"b\c`, `Bearer realm="api", error="insufficient_scope", error_description="needs more", scope="a'b/c"`},
		{"", `Bearer realm="api", error="insufficient_scope", error_description="needs more"`},
	} {
		g := mustGuard(t, fixed(nil, nil), nil)
		w := httptest.NewRecorder()
		g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), &inbound.Error{
			Status: http.StatusForbidden, Code: inbound.CodeInsufficientScope, Description: "needs more",
			Scope: tt.scope, Challenge: inbound.ChallengeBearerError,
		})
		if got := w.Header().Get("WWW-Authenticate"); got != tt.want {
			t.Errorf("scope %q: challenge %q, want %q", tt.scope, got, tt.want)
		}
	}
}
