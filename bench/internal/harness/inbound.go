package harness

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	echojwt "github.com/labstack/echo-jwt/v4"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"
)

// The frameworks and authentication schemes of the inbound cases.
const (
	Std  = "std"
	Gin  = "gin"
	Echo = "echo"

	AuthNone       = "none"             // no authentication: the framework's own cost
	AuthGatehouse  = "gatehouse"        // BearerJWT through middleware.New and the adapter
	AuthGolangJWT  = "golang-jwt"       // golang-jwt's Parser in a hand-written std middleware
	AuthEchoJWT    = "echo-jwt"         // labstack/echo-jwt
	AuthAPIKey     = "gatehouse-apikey" // inbound.All(UserAgent(), APIKey(...))
	AuthEchoKey    = "echo-keyauth"     // echo's middleware.KeyAuth
	AuthKeyByHand  = "by-hand-apikey"   // the same checks written by hand as std middleware
	AuthContext    = "context-only"     // no check: only the Principal put into the request's context
	ModeRepeated   = "repeated"         // the same token every time
	ModeFirstSight = "first"            // a token the validator has never seen
)

// InboundCase is one inbound benchmark: a request served by Framework with
// Auth, for JWT cases with Alg and Mode.
type InboundCase struct {
	Case
	// Framework is Std, Gin, Echo or Raw; Auth one of the Auth constants;
	// Alg the JWS algorithm and Mode ModeRepeated or ModeFirstSight, where
	// they apply (empty otherwise).
	Framework, Auth, Alg, Mode string

	// build returns the handler; good the requests it must accept (in the
	// order the benchmark sends them), bad requests it must refuse.
	build func() (http.Handler, error)
	good  []*http.Request
	bad   map[string]*http.Request
	// rebuild says that the handler is rebuilt (outside the timer) each
	// time the good requests have all been sent once, so that every timed
	// request carries a token its validator has not seen.
	rebuild bool
	// verifier, set for the Framework "raw" cases instead of build, checks
	// a request without any HTTP serving: the cost of verification alone.
	verifier func() (func(*http.Request) bool, error)
}

// Raw is the Framework of the cases that verify a request's token without
// serving it.
const Raw = "raw"

const resourcePath = "/v1/resource"

// final is the protected handler: it answers 204 and nothing else.
func final(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

// InboundCases returns the inbound benchmarks over f: each framework's own
// cost, the JWT cases of every algorithm, and the API-key cases.
func InboundCases(f *Fixture) ([]InboundCase, error) {
	cases := frameworkBaselines()
	for _, alg := range Algorithms() {
		jwt, err := jwtCases(f, alg)
		if err != nil {
			return nil, err
		}
		cases = append(cases, jwt...)
	}
	cases = append(cases, apiKeyCases(f)...)
	for i := range cases {
		cases[i].finish()
	}
	return cases, nil
}

// finish names the case, points it at its framework's baseline and picks
// the benchmark function that runs it.
func (c *InboundCase) finish() {
	parts := []string{"inbound", c.Framework, c.Auth}
	if c.Alg != "" {
		parts = append(parts, c.Alg)
	}
	if c.Mode != "" {
		parts = append(parts, c.Mode)
	}
	if IsAPIKeyAuth(c.Auth) {
		parts[0] = "apikey"
	}
	c.Name = strings.Join(parts, "/")
	if c.Framework != Raw && c.Auth != AuthNone {
		c.Case.Baseline = "inbound/" + c.Framework + "/" + AuthNone
	}
	cc := *c
	c.Case.Run = func(b *testing.B) { benchServe(b, cc) }
	if c.verifier != nil {
		c.Case.Run = func(b *testing.B) { benchVerify(b, cc) }
	}
}

// frameworkBaselines are the frameworks serving the protected handler with
// no authentication: what every other case's overhead is measured over.
func frameworkBaselines() []InboundCase {
	var cases []InboundCase
	for _, fw := range []string{Std, Gin, Echo} {
		cases = append(cases, InboundCase{Framework: fw, Auth: AuthNone, build: frameworkHandler(fw, nil),
			good: []*http.Request{jwtRequest("")}})
	}
	return cases
}

// jwtCases are the Bearer JWT cases of alg: gatehouse through each framework
// with a repeated token and with first sights, golang-jwt and echo-jwt, and
// verification alone without serving.
func jwtCases(f *Fixture, alg string) ([]InboundCase, error) {
	k, err := f.alg(alg)
	if err != nil {
		return nil, err
	}
	pool, err := f.pool(alg)
	if err != nil {
		return nil, err
	}
	bad := map[string]*http.Request{
		"wrong key":    jwtRequest(k.bad),
		"expired":      jwtRequest(k.expired),
		"alg none":     jwtRequest(k.unsig),
		"no token":     jwtRequest(""),
		"garbage":      jwtRequest("not.a.jwt"),
		"other scheme": basicRequest(),
	}
	var firstReqs []*http.Request
	for _, t := range pool {
		firstReqs = append(firstReqs, jwtRequest(t))
	}
	var cases []InboundCase
	gh := gatehouseJWT(k.verify, alg)
	for _, fw := range []string{Std, Gin, Echo} {
		cases = append(cases,
			InboundCase{Framework: fw, Auth: AuthGatehouse, Alg: alg, Mode: ModeRepeated,
				build: frameworkHandler(fw, gh), good: []*http.Request{jwtRequest(k.repeated)}, bad: bad},
			InboundCase{Framework: fw, Auth: AuthGatehouse, Alg: alg, Mode: ModeFirstSight,
				build: frameworkHandler(fw, gh), good: firstReqs, bad: bad, rebuild: true})
	}
	return append(cases,
		InboundCase{Framework: Std, Auth: AuthGolangJWT, Alg: alg,
			build: stdHandler(golangJWT(k.verify, alg)), good: firstReqs, bad: bad},
		InboundCase{Framework: Echo, Auth: AuthEchoJWT, Alg: alg,
			build: echoHandler(echoJWT(k.verify, alg)), good: firstReqs, bad: bad},
		InboundCase{Framework: Raw, Auth: AuthGolangJWT, Alg: alg,
			verifier: golangJWTVerifier(k.verify, alg), good: firstReqs, bad: bad},
		InboundCase{Framework: Raw, Auth: AuthGatehouse, Alg: alg, Mode: ModeFirstSight,
			verifier: gatehouseVerifier(k.verify, alg), good: firstReqs, bad: bad, rebuild: true},
	), nil
}

// apiKeyCases are the API key + User-Agent cases: gatehouse through each
// framework, echo's KeyAuth, the same checks by hand, and the floor that
// only puts a Principal into the request's context.
func apiKeyCases(f *Fixture) []InboundCase {
	bad := map[string]*http.Request{
		"unknown key":   apiKeyRequest(f.OtherAPIKey, "bench/1.0"),
		"no key":        apiKeyRequest("", "bench/1.0"),
		"no user-agent": apiKeyRequest(f.APIKey, ""),
	}
	good := []*http.Request{apiKeyRequest(f.APIKey, "bench/1.0")}
	var cases []InboundCase
	gk := gatehouseAPIKey(f.APIKey)
	for _, fw := range []string{Std, Gin, Echo} {
		cases = append(cases, InboundCase{Framework: fw, Auth: AuthAPIKey, build: frameworkHandler(fw, gk), good: good, bad: bad})
	}
	return append(cases,
		InboundCase{Framework: Echo, Auth: AuthEchoKey, build: echoHandler(echoKeyAuth(f.APIKey)), good: good, bad: bad},
		InboundCase{Framework: Std, Auth: AuthKeyByHand, build: stdHandler(keyByHand(f.APIKey)), good: good, bad: bad},
		InboundCase{Framework: Std, Auth: AuthContext, build: stdHandler(contextOnly()), good: good},
	)
}

// IsAPIKeyAuth reports whether auth is one of the API-key schemes (or their
// floor), which the report shows in a table of their own.
func IsAPIKeyAuth(auth string) bool {
	switch auth {
	case AuthAPIKey, AuthEchoKey, AuthKeyByHand, AuthContext:
		return true
	}
	return false
}

func benchServe(b *testing.B, c InboundCase) {
	h, err := c.build()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(b)
	for i := 0; i < b.N; i++ {
		j := i % len(c.good)
		if c.rebuild && j == 0 && i > 0 {
			b.StopTimer()
			cpu.pause()
			if h, err = c.build(); err != nil {
				b.Fatal(err)
			}
			cpu.resume()
			b.StartTimer()
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, c.good[j])
		if rec.Code != http.StatusNoContent {
			b.Fatalf("%s: status %d: %s", c.Name, rec.Code, rec.Body)
		}
	}
	cpu.done()
}

func benchVerify(b *testing.B, c InboundCase) {
	verify, err := c.verifier()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(b)
	for i := 0; i < b.N; i++ {
		j := i % len(c.good)
		if c.rebuild && j == 0 && i > 0 {
			b.StopTimer()
			cpu.pause()
			if verify, err = c.verifier(); err != nil {
				b.Fatal(err)
			}
			cpu.resume()
			b.StartTimer()
		}
		if !verify(c.good[j]) {
			b.Fatalf("%s: refused a valid token", c.Name)
		}
	}
	cpu.done()
}

// golangJWTVerifier is golangJWT's verification without the middleware.
func golangJWTVerifier(key any, alg string) func() (func(*http.Request) bool, error) {
	return func() (func(*http.Request) bool, error) {
		parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithExpirationRequired())
		keyFunc := func(*jwt.Token) (any, error) { return key, nil }
		return func(r *http.Request) bool {
			raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || raw == "" {
				return false
			}
			t, err := parser.Parse(raw, keyFunc)
			return err == nil && t.Valid
		}, nil
	}
}

// gatehouseVerifier is BearerJWT's Validate alone, without a Guard, an
// adapter or a router: what golang-jwt's Parse is to its middleware.
func gatehouseVerifier(key any, alg string) func() (func(*http.Request) bool, error) {
	return func() (func(*http.Request) bool, error) {
		v, err := gatehouseValidator(key, alg)
		if err != nil {
			return nil, err
		}
		return func(r *http.Request) bool {
			p, err := v.Validate(r)
			return err == nil && p != nil
		}, nil
	}
}

func jwtRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, resourcePath, nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "bench/1.0")
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

func basicRequest() *http.Request {
	r := jwtRequest("")
	r.SetBasicAuth("user", "password")
	return r
}

func apiKeyRequest(key, ua string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, resourcePath, nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Del("User-Agent")
	if ua != "" {
		r.Header.Set("User-Agent", ua)
	}
	if key != "" {
		r.Header.Set("access_token", key)
	}
	return r
}

// A guardFactory builds a fresh Guard (a fresh validator, so a fresh
// verified-token cache).
type guardFactory func() (*middleware.Guard, error)

func gatehouseJWT(key any, alg string) guardFactory {
	return func() (*middleware.Guard, error) {
		v, err := gatehouseValidator(key, alg)
		if err != nil {
			return nil, err
		}
		return middleware.New(v, nil)
	}
}

// gatehouseValidator is a fresh BearerJWT validator (so a fresh
// verified-token cache) for one key and algorithm.
func gatehouseValidator(key any, alg string) (inbound.Validator, error) {
	keys, err := inbound.StaticKeys(map[string]any{kid: key})
	if err != nil {
		return nil, err
	}
	return inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{alg}})
}

func gatehouseAPIKey(key string) guardFactory {
	return func() (*middleware.Guard, error) {
		v, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{key: {Subject: "acme"}}),
			&inbound.APIKeyOptions{
				Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
				Environment:  "production",
			})
		if err != nil {
			return nil, err
		}
		return middleware.New(inbound.All(inbound.UserAgent(), v), nil)
	}
}

// frameworkHandler serves resourcePath with fw, behind gatehouse's adapter
// for fw when g is not nil.
func frameworkHandler(fw string, g guardFactory) func() (http.Handler, error) {
	return func() (http.Handler, error) {
		var guard *middleware.Guard
		if g != nil {
			var err error
			if guard, err = g(); err != nil {
				return nil, err
			}
		}
		switch fw {
		case Std:
			var mw func(http.Handler) http.Handler
			if guard != nil {
				mw = stdauth.Require(guard)
			}
			return stdHandler(mw)()
		case Gin:
			e := gin.New()
			hs := []gin.HandlerFunc{func(c *gin.Context) { c.Status(http.StatusNoContent) }}
			if guard != nil {
				hs = append([]gin.HandlerFunc{ginauth.Require(guard)}, hs...)
			}
			e.GET(resourcePath, hs...)
			return e, nil
		case Echo:
			var mw echo.MiddlewareFunc
			if guard != nil {
				mw = echoauth.Require(guard)
			}
			return echoHandler(mw)()
		}
		return nil, errors.New("harness: unknown framework " + fw)
	}
}

// stdHandler serves resourcePath with an http.ServeMux, behind mw if set.
func stdHandler(mw func(http.Handler) http.Handler) func() (http.Handler, error) {
	return func() (http.Handler, error) {
		var h http.Handler = http.HandlerFunc(final)
		if mw != nil {
			h = mw(h)
		}
		mux := http.NewServeMux()
		mux.Handle("GET "+resourcePath, h)
		return mux, nil
	}
}

// echoHandler serves resourcePath with echo, behind mw if set.
func echoHandler(mw echo.MiddlewareFunc) func() (http.Handler, error) {
	return func() (http.Handler, error) {
		e := echo.New()
		var mws []echo.MiddlewareFunc
		if mw != nil {
			mws = append(mws, mw)
		}
		e.GET(resourcePath, func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }, mws...)
		return e, nil
	}
}

type claimsKey struct{}

// golangJWT is JWT authentication written by hand with golang-jwt, as a
// careful user would: an algorithm allowlist, exp required, the claims put
// into the request's context.
func golangJWT(key any, alg string) func(http.Handler) http.Handler {
	parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithExpirationRequired())
	keyFunc := func(*jwt.Token) (any, error) { return key, nil }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || raw == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			t, err := parser.Parse(raw, keyFunc)
			if err != nil || !t.Valid {
				w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, t.Claims)))
		})
	}
}

// echoJWT is labstack/echo-jwt configured for one key and algorithm.
func echoJWT(key any, alg string) echo.MiddlewareFunc {
	mw, err := echojwt.Config{SigningKey: key, SigningMethod: alg}.ToMiddleware()
	if err != nil {
		// Only reachable with a bad literal configuration above.
		return func(echo.HandlerFunc) echo.HandlerFunc {
			return func(echo.Context) error { return err }
		}
	}
	return mw
}

// echoKeyAuth is echo's KeyAuth doing the same work as gatehouse's API-key
// validator: a User-Agent check, then a lookup of the key's SHA-256 in a map
// that holds hashes only.
func echoKeyAuth(key string) echo.MiddlewareFunc {
	store := map[[32]byte]string{sha256.Sum256([]byte(key)): "acme"}
	return echomw.KeyAuthWithConfig(echomw.KeyAuthConfig{
		KeyLookup: "header:access_token",
		Validator: func(k string, c echo.Context) (bool, error) {
			if c.Request().UserAgent() == "" {
				return false, nil
			}
			who, ok := store[sha256.Sum256([]byte(k))]
			if ok {
				c.Set("principal", who)
			}
			return ok, nil
		},
	})
}

type keyPrincipalKey struct{}

// keyByHand is API key + User-Agent written by hand as std middleware, as a
// careful user would: a User-Agent check, the key's SHA-256 looked up in a
// map that holds hashes only, the owner put into the request's context.
func keyByHand(key string) func(http.Handler) http.Handler {
	store := map[[32]byte]*inbound.Principal{sha256.Sum256([]byte(key)): {Subject: "acme"}}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("User-Agent") == "" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			k := r.Header.Get("access_token")
			p, ok := store[sha256.Sum256([]byte(k))]
			if k == "" || !ok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyPrincipalKey{}, p)))
		})
	}
}

// contextOnly checks nothing and only hands a Principal to the next handler
// in the request's context: the two allocations (a context value and the
// request's copy) that any net/http middleware carrying a Principal pays.
// It is the floor of the API-key cases.
func contextOnly() func(http.Handler) http.Handler {
	p := &inbound.Principal{Subject: "acme"}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyPrincipalKey{}, p)))
		})
	}
}
