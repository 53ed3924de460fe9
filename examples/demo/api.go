package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// The protected API: the same two route groups, guarded by the same two
// Guards, served through net/http, gin and echo.
//
//	/v1/*    Bearer JWT, HS256 (tokens we mint) or ES256 (another service's,
//	         whose key is read from its JWK Set), issuer and audience
//	         checked, scope payments:read required
//	/keys/*  Asaas-style API key in access_token, sandbox keys only, plus a
//	         mandatory User-Agent
const (
	issuer   = "https://auth.demo.local"
	audience = "payments-api"
	scope    = "payments:read"
)

// adapter is the API served through one framework, with what its clients saw.
type adapter struct {
	name string
	srv  *httptest.Server

	requests, accepted, unexpected atomic.Int64
	rejected                       map[string]*atomic.Int64 // by code; the keys are fixed at start
}

// credential is one kind of request the inbound clients send, and the answer
// every adapter must give it.
type credential struct {
	name    string
	path    string
	header  http.Header
	status  int
	code    string // the error code when refused
	subject string // the Principal's subject when accepted
}

// api is the protected API and the traffic it is sent.
type api struct {
	issuer      *issuerKeys // the ES256 issuer's published key set
	adapters    []*adapter
	credentials []credential
	client      *http.Client
}

// newAPI builds the validators and Guards, starts one server per framework
// and prepares the credentials, valid and invalid, that clients will present.
func newAPI(now time.Time, tel *telemetry) (*api, error) {
	hsSecret, err := randomBytes(32)
	if err != nil {
		return nil, err
	}
	esKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	own, err := inbound.StaticKeys(map[string]any{"hs-1": hsSecret})
	if err != nil {
		return nil, err
	}
	published, err := publishKeys("es-1", &esKey.PublicKey, tel)
	if err != nil {
		return nil, err
	}
	a := &api{issuer: published}
	defer func() {
		if a.adapters == nil { // failed before the servers started
			published.close()
		}
	}()
	jwtValidator, err := inbound.BearerJWT(tel.jwt(inbound.JWTOptions{
		Keys:           byKID{own: own, issuer: published.set},
		Algorithms:     []string{"HS256", "ES256"}, // each key is only ever used with its own algorithm
		Issuer:         issuer,
		Audience:       audience,
		RequiredScopes: []string{scope},
	}))
	if err != nil {
		return nil, err
	}
	jwtGuard, err := middleware.New(jwtValidator, tel.guard())
	if err != nil {
		return nil, err
	}

	sandboxKey, err := randomKey("$aact_hmlg_")
	if err != nil {
		return nil, err
	}
	apiKeys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		sandboxKey: {Subject: "acme-store", KeyID: "key-1"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "sandbox",
	})
	if err != nil {
		return nil, err
	}
	// The key first, then the User-Agent: the order Asaas checks them in.
	keyGuard, err := middleware.New(inbound.All(apiKeys, inbound.UserAgent()), tel.guard())
	if err != nil {
		return nil, err
	}

	creds, err := credentials(now, hsSecret, esKey, sandboxKey)
	if err != nil {
		return nil, err
	}
	a.credentials = creds
	a.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, s := range []struct {
		name    string
		handler http.Handler
	}{
		{"std", stdHandler(jwtGuard, keyGuard)},
		{"gin", ginHandler(jwtGuard, keyGuard)},
		{"echo", echoHandler(jwtGuard, keyGuard)},
	} {
		ad := &adapter{name: s.name, srv: httptest.NewServer(s.handler), rejected: map[string]*atomic.Int64{}}
		for _, c := range creds {
			if c.code != "" {
				ad.rejected[c.code] = new(atomic.Int64)
			}
		}
		a.adapters = append(a.adapters, ad)
	}
	return a, nil
}

// close stops the servers and the client's connections.
func (a *api) close() {
	for _, ad := range a.adapters {
		ad.srv.Close()
	}
	a.issuer.close()
	a.client.CloseIdleConnections()
}

// whoami answers an accepted request with the Principal the Guard found.
func whoami(framework string, p *inbound.Principal) map[string]string {
	return map[string]string{"framework": framework, "subject": p.Subject, "scheme": p.Scheme}
}

func stdHandler(jwtGuard, keyGuard *middleware.Guard) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(whoami("std", p))
	})
	mux := http.NewServeMux()
	mux.Handle("/v1/", stdauth.Require(jwtGuard)(h))
	mux.Handle("/keys/", stdauth.Require(keyGuard)(h))
	return mux
}

func ginHandler(jwtGuard, keyGuard *middleware.Guard) http.Handler {
	h := func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.JSON(http.StatusOK, whoami("gin", p))
	}
	r := gin.New()
	r.Group("/v1", ginauth.Require(jwtGuard)).GET("/payments", h)
	r.Group("/keys", ginauth.Require(keyGuard)).GET("/payments", h)
	return r
}

func echoHandler(jwtGuard, keyGuard *middleware.Guard) http.Handler {
	h := func(c echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.JSON(http.StatusOK, whoami("echo", p))
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Group("/v1", echoauth.Require(jwtGuard)).GET("/payments", h)
	e.Group("/keys", echoauth.Require(keyGuard)).GET("/payments", h)
	return e
}

// credentials returns the requests the inbound clients send: valid ones and
// one of each common mistake or attack, with the answer each must get.
func credentials(now time.Time, hsSecret []byte, esKey *ecdsa.PrivateKey, sandboxKey string) ([]credential, error) {
	otherSecret, err := randomBytes(32)
	if err != nil {
		return nil, err
	}
	prodKey, err := randomKey("$aact_prod_")
	if err != nil {
		return nil, err
	}
	unknownKey, err := randomKey("$aact_hmlg_")
	if err != nil {
		return nil, err
	}
	claims := func(sub string, exp time.Time, mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": issuer, "aud": audience, "sub": sub, "scope": scope,
			"iat": now.Unix(), "exp": exp.Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	later := now.Add(24 * time.Hour)
	type signed struct {
		method jwt.SigningMethod
		kid    string
		key    any
		claims jwt.MapClaims
	}
	sign := func(s signed) (string, error) {
		t := jwt.NewWithClaims(s.method, s.claims)
		t.Header["kid"] = s.kid
		return t.SignedString(s.key)
	}
	hs := func(c jwt.MapClaims) signed { return signed{jwt.SigningMethodHS256, "hs-1", hsSecret, c} }
	tokens := []struct {
		name    string
		token   signed
		status  int
		code    string
		subject string
	}{
		{"valid HS256 JWT", hs(claims("alice", later, nil)), 200, "", "alice"},
		{"valid ES256 JWT", signed{jwt.SigningMethodES256, "es-1", esKey, claims("billing-service", later, nil)}, 200, "", "billing-service"},
		{"expired JWT", hs(claims("alice", now.Add(-time.Hour), nil)), 401, inbound.CodeTokenExpired, ""},
		{"JWT with a wrong signature", signed{jwt.SigningMethodHS256, "hs-1", otherSecret, claims("mallory", later, nil)}, 401, inbound.CodeInvalidToken, ""},
		{"JWT for another audience", hs(claims("alice", later, func(c jwt.MapClaims) { c["aud"] = "other-api" })), 401, inbound.CodeInvalidAudience, ""},
		{"JWT without the scope", hs(claims("alice", later, func(c jwt.MapClaims) { delete(c, "scope") })), 403, inbound.CodeInsufficientScope, ""},
		{"JWT with an unknown kid", signed{jwt.SigningMethodHS256, "hs-9", hsSecret, claims("alice", later, nil)}, 401, inbound.CodeUnknownKey, ""},
	}
	var creds []credential
	for _, t := range tokens {
		s, err := sign(t.token)
		if err != nil {
			return nil, fmt.Errorf("signing %s: %w", t.name, err)
		}
		creds = append(creds, credential{name: t.name, path: "/v1/payments", status: t.status, code: t.code, subject: t.subject,
			header: http.Header{"Authorization": {"Bearer " + s}}})
	}
	creds = append(creds,
		credential{name: `JWT with alg "none"`, path: "/v1/payments", status: 401, code: inbound.CodeInvalidToken,
			header: http.Header{"Authorization": {"Bearer " + unsigned(claims("mallory", later, nil))}}},
		credential{name: "no Authorization", path: "/v1/payments", status: 401, code: inbound.CodeMissingToken},
		credential{name: "Basic instead of Bearer", path: "/v1/payments", status: 401, code: inbound.CodeMissingToken,
			header: http.Header{"Authorization": {"Basic YWxpY2U6c2VjcmV0"}}},

		credential{name: "valid API key", path: "/keys/payments", status: 200, subject: "acme-store",
			header: http.Header{"Access_token": {sandboxKey}}},
		credential{name: "production key on the sandbox", path: "/keys/payments", status: 401, code: inbound.CodeInvalidEnvironment,
			header: http.Header{"Access_token": {prodKey}}},
		credential{name: "unknown API key", path: "/keys/payments", status: 401, code: inbound.CodeInvalidAccessToken,
			header: http.Header{"Access_token": {unknownKey}}},
		credential{name: "key of the wrong shape", path: "/keys/payments", status: 401, code: inbound.CodeInvalidAccessTokenFormat,
			header: http.Header{"Access_token": {"sk_live_123"}}},
		credential{name: "no API key", path: "/keys/payments", status: 401, code: inbound.CodeAccessTokenNotFound},
		// An empty User-Agent makes net/http send none at all.
		credential{name: "API key without User-Agent", path: "/keys/payments", status: 400, code: inbound.CodeUserAgentRequired,
			header: http.Header{"Access_token": {sandboxKey}, "User-Agent": {""}}},
	)
	return creds, nil
}

// unsigned returns a JWT with alg "none" and no signature, the classic attack
// on libraries that let the token choose its algorithm.
func unsigned(c jwt.MapClaims) string {
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	return head + "." + base64.RawURLEncoding.EncodeToString(body) + "."
}

// send presents credential c to adapter ad and checks the answer: the
// expected status, the expected error code in the body, a WWW-Authenticate
// challenge on every Bearer refusal, the expected Principal on success.
func (a *api) send(ctx context.Context, ad *adapter, c credential) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ad.srv.URL+c.path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "gatehouse-demo/1.0")
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return err
	}
	if resp.StatusCode != c.status {
		return fmt.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
	}
	if c.code == "" {
		var who map[string]string
		if err := json.Unmarshal(body, &who); err != nil || who["subject"] != c.subject {
			return fmt.Errorf("%s: answer %q, want subject %q", c.name, body, c.subject)
		}
		return nil
	}
	var refusal struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	if err := json.Unmarshal(body, &refusal); err != nil || len(refusal.Errors) == 0 || refusal.Errors[0].Code != c.code {
		return fmt.Errorf("%s: body %q, want code %s", c.name, body, c.code)
	}
	if strings.HasPrefix(c.path, "/v1/") && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer realm=") {
		return fmt.Errorf("%s: no Bearer challenge in WWW-Authenticate", c.name)
	}
	return nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := rand.Read(b)
	return b, err
}

// randomKey returns an Asaas-style API key with the given environment prefix.
func randomKey(prefix string) (string, error) {
	b, err := randomBytes(24)
	return prefix + hex.EncodeToString(b), err
}
