package providertest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// Client authentication methods of the generic OAuth2 fake (the names of
// RFC 8414's token_endpoint_auth_methods_supported).
const (
	ClientSecretBasic = "client_secret_basic"
	ClientSecretPost  = "client_secret_post"
	PrivateKeyJWT     = "private_key_jwt"
	TLSClientAuth     = "tls_client_auth"
)

// OAuth2Audience is the aud claim of the access tokens NewOAuth2 issues.
const OAuth2Audience = "providertest-api"

// OAuth2Config says what the generic OAuth2 fake enforces.
type OAuth2Config struct {
	// ClientAuth is the one client authentication method the token endpoint
	// accepts: ClientSecretBasic (the default), ClientSecretPost,
	// PrivateKeyJWT or TLSClientAuth.
	ClientAuth string
	// ClientKey is the client's public key, for PrivateKeyJWT: assertions
	// must be signed by it (RS256, PS256 or ES256).
	ClientKey crypto.PublicKey
	// RequireDPoP refuses token requests without a DPoP proof. With or
	// without it, a token request that carries a valid proof gets a token
	// bound to the proof's key (token_type DPoP, cnf.jkt).
	RequireDPoP bool
	// DPoPNonce, when set, is the nonce every DPoP proof (token and API
	// requests) must carry; a proof without it is answered use_dpop_nonce
	// with a DPoP-Nonce header, as RFC 9449 §8 and §9 describe.
	DPoPNonce string
}

// oauth2State is what the generic OAuth2 fake keeps beside a Server's.
type oauth2State struct {
	cfg    OAuth2Config
	key    *ecdsa.PrivateKey // signs the access tokens
	kid    string
	mu     sync.Mutex
	bound  map[string]tokenBinding // access token -> its cnf
	usedID map[string]time.Time    // assertion and proof jti -> expiry
}

type tokenBinding struct{ jkt, x5t string }

// NewOAuth2 starts a generic OAuth2 authorization and resource server: the
// client credentials grant at /oauth2/token (form-encoded, RFC 6749 §4.4),
// with the client authentication method cfg names, and DPoP (RFC 9449).
// Clients may present a TLS certificate of the fake's CA
// (IssueClientCertificate); TLSClientAuth requires a bound one.
//
// Access tokens are JWTs (RFC 9068) signed with the fake's ES256 key
// (IssuerKey, and the JWK Set at JWKSURL), with iss = URL, aud =
// OAuth2Audience, sub = the client id, and cnf.jkt when the token request
// carried a DPoP proof, cnf.x5t#S256 when the client presented a
// certificate, so that inbound.BearerJWT with DPoP and CertificateBound can
// validate them. The fake's own API paths enforce the same bindings: a
// DPoP-bound token needs the DPoP scheme and a valid proof for each request,
// a certificate-bound one the same certificate.
//
// Errors are OAuth2's {"error","error_description"}: 401 invalid_client for
// failed client authentication (a reused assertion jti included), 400
// invalid_dpop_proof or use_dpop_nonce on the token endpoint, 401 with a
// DPoP or Bearer challenge on API paths.
func NewOAuth2(cfg OAuth2Config, opts *Options) (*Server, error) {
	switch cfg.ClientAuth {
	case "":
		cfg.ClientAuth = ClientSecretBasic
	case ClientSecretBasic, ClientSecretPost, TLSClientAuth:
	case PrivateKeyJWT:
		if jose.DefaultAlg(cfg.ClientKey) == "" {
			return nil, fmt.Errorf("providertest: oauth2: private_key_jwt needs a ClientKey (RSA or ECDSA public key)")
		}
	default:
		return nil, fmt.Errorf("providertest: oauth2: unknown ClientAuth %q", cfg.ClientAuth)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("providertest: oauth2: %w", err)
	}
	st := &oauth2State{cfg: cfg, key: key, kid: rand.Text()[:8], bound: map[string]tokenBinding{}, usedID: map[string]time.Time{}}
	p := &provider{
		name:            "oauth2",
		tokenPath:       "/oauth2/token",
		defaultLifetime: time.Hour,
		mtls:            mtlsOptional,
		successStatus:   http.StatusOK,
		writeError:      oauthError,
		token:           func(s *Server, w http.ResponseWriter, r *http.Request) { st.token(s, w, r) },
		apiAuth:         func(s *Server, w http.ResponseWriter, r *http.Request) bool { return st.apiAuth(s, w, r) },
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.ClientID == "" {
			c.ClientID = randomString("", 16)
		}
		if c.ClientSecret == "" && (cfg.ClientAuth == ClientSecretBasic || cfg.ClientAuth == ClientSecretPost) {
			c.ClientSecret = randomString("", 32)
		}
	})
	s, err := newServer(p, o)
	if err != nil {
		return nil, err
	}
	s.oauth = st
	if cfg.ClientAuth == TLSClientAuth {
		if s.clientCert, err = s.IssueClientCertificate(nil); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// IssuerKey returns the public key that signs the OAuth2 fake's access
// tokens, or nil for the other fakes.
func (s *Server) IssuerKey() crypto.PublicKey {
	if s.oauth == nil {
		return nil
	}
	return &s.oauth.key.PublicKey
}

// IssuerKeyID is the kid of the OAuth2 fake's access tokens.
func (s *Server) IssuerKeyID() string {
	if s.oauth == nil {
		return ""
	}
	return s.oauth.kid
}

// JWKSURL is the URL of the OAuth2 fake's JWK Set, or "" for the other
// fakes.
func (s *Server) JWKSURL() string {
	if s.oauth == nil {
		return ""
	}
	return s.URL + "/oauth2/jwks"
}

func (st *oauth2State) jwks(w http.ResponseWriter) {
	jwk, _ := jose.JWK(&st.key.PublicKey)
	var m map[string]any
	_ = json.Unmarshal(jwk, &m)
	m["kid"], m["alg"], m["use"] = st.kid, "ES256", "sig"
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{m}})
}

// once records a single-use identifier until exp; false if already used.
func (st *oauth2State) once(id string, exp, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, e := range st.usedID {
		if !now.Before(e) {
			delete(st.usedID, k)
		}
	}
	if _, used := st.usedID[id]; used {
		return false
	}
	st.usedID[id] = exp
	return true
}

func (st *oauth2State) token(s *Server, w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	if desc := st.authenticate(s, r); desc != "" {
		oauthError(w, http.StatusUnauthorized, "invalid_client", desc)
		return
	}
	var b tokenBinding
	if len(r.Header.Values("DPoP")) > 0 || st.cfg.RequireDPoP {
		jkt, code, desc := st.checkProof(s, r, "")
		if code != "" {
			if code == "use_dpop_nonce" {
				w.Header().Set("DPoP-Nonce", st.cfg.DPoPNonce)
			}
			oauthError(w, http.StatusBadRequest, code, desc)
			return
		}
		b.jkt = jkt
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		b.x5t = jose.CertThumbprint(r.TLS.PeerCertificates[0].Raw)
	}
	tok, typ, err := st.issue(s, s.creds.ClientID, b)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "signing the token failed")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{tok, typ, int64(s.lifetime / time.Second)})
}

// issue signs and records an access token.
func (st *oauth2State) issue(s *Server, clientID string, b tokenBinding) (string, string, error) {
	now := s.now()
	claims := map[string]any{
		"iss": s.URL, "aud": OAuth2Audience, "sub": clientID, "client_id": clientID,
		"iat": now.Unix(), "exp": now.Add(s.lifetime).Unix(), "jti": rand.Text(),
	}
	cnf := map[string]any{}
	if b.jkt != "" {
		cnf["jkt"] = b.jkt
	}
	if b.x5t != "" {
		cnf["x5t#S256"] = b.x5t
	}
	if len(cnf) > 0 {
		claims["cnf"] = cnf
	}
	hb, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "at+jwt", "kid": st.kid})
	cb, _ := json.Marshal(claims)
	tok, err := jose.Sign(st.key, "ES256", hb, cb)
	if err != nil {
		return "", "", err
	}
	s.mu.Lock()
	s.tokens[tok] = now.Add(s.lifetime)
	s.mu.Unlock()
	st.mu.Lock()
	st.bound[tok] = b
	st.mu.Unlock()
	typ := "Bearer"
	if b.jkt != "" {
		typ = "DPoP"
	}
	return tok, typ, nil
}

// authenticate checks the client by cfg.ClientAuth and returns why it
// failed, or "".
func (st *oauth2State) authenticate(s *Server, r *http.Request) string {
	f := r.PostForm
	switch st.cfg.ClientAuth {
	case ClientSecretBasic:
		id, secret, ok := r.BasicAuth()
		if !ok || !equal(id, s.creds.ClientID) || !equal(secret, s.creds.ClientSecret) {
			return "client_secret_basic authentication failed"
		}
	case ClientSecretPost:
		if !equal(f.Get("client_id"), s.creds.ClientID) || !equal(f.Get("client_secret"), s.creds.ClientSecret) {
			return "client_secret_post authentication failed"
		}
	case TLSClientAuth:
		if f.Get("client_id") != s.creds.ClientID || f.Has("client_secret") || r.Header.Get("Authorization") != "" {
			return "tls_client_auth: client_id only, and no secret"
		}
		if !s.clientCertOK(r) {
			return "tls_client_auth: no bound client certificate"
		}
	case PrivateKeyJWT:
		return st.checkAssertion(s, r)
	}
	return ""
}

// checkAssertion verifies a private_key_jwt assertion (RFC 7523 §3).
func (st *oauth2State) checkAssertion(s *Server, r *http.Request) string {
	f := r.PostForm
	if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Has("client_secret") {
		return "private_key_jwt: wrong client_assertion_type, or a client secret"
	}
	a := f.Get("client_assertion")
	var h struct{ Alg string }
	if i := strings.IndexByte(a, '.'); i > 0 {
		if raw, err := jose.B64Decode(a[:i]); err == nil {
			_ = json.Unmarshal(raw, &h)
		}
	}
	if h.Alg != "RS256" && h.Alg != "PS256" && h.Alg != "ES256" {
		return "private_key_jwt: algorithm not accepted"
	}
	_, payload, err := jose.Verify(a, h.Alg, st.cfg.ClientKey)
	if err != nil {
		return "private_key_jwt: bad signature"
	}
	var c struct {
		Iss, Sub, Jti string
		Aud           any
		Exp, Iat      int64
	}
	if json.Unmarshal(payload, &c) != nil {
		return "private_key_jwt: malformed claims"
	}
	now := s.now()
	aud, _ := c.Aud.(string)
	switch {
	case c.Iss != s.creds.ClientID || c.Sub != s.creds.ClientID:
		return "private_key_jwt: iss and sub must be the client id"
	case aud != s.URL+s.p.tokenPath && aud != s.URL:
		return "private_key_jwt: aud must be the token endpoint"
	case c.Exp <= now.Unix() || c.Exp > now.Add(5*time.Minute+time.Second).Unix():
		return "private_key_jwt: exp missing, past, or more than 5 minutes away"
	case c.Jti == "" || !st.once("assertion:"+c.Jti, time.Unix(c.Exp, 0), now):
		return "private_key_jwt: jti missing or reused"
	}
	if id := f.Get("client_id"); id != "" && id != s.creds.ClientID {
		return "private_key_jwt: client_id does not match the assertion"
	}
	return ""
}

// checkProof verifies the request's DPoP proof (RFC 9449 §4.3), with ath
// when token is set, and returns its key's thumbprint, or an OAuth2 error
// code and description.
func (st *oauth2State) checkProof(s *Server, r *http.Request, token string) (jkt, code, desc string) {
	vals := r.Header.Values("DPoP")
	if len(vals) != 1 {
		return "", "invalid_dpop_proof", "exactly one DPoP proof is required"
	}
	proof := vals[0]
	var h struct {
		Typ, Alg string
		JWK      json.RawMessage
	}
	if i := strings.IndexByte(proof, '.'); i > 0 {
		if raw, err := jose.B64Decode(proof[:i]); err == nil {
			_ = json.Unmarshal(raw, &h)
		}
	}
	if h.Typ != "dpop+jwt" || h.Alg == "" || strings.HasPrefix(h.Alg, "HS") || h.Alg == "none" {
		return "", "invalid_dpop_proof", "typ must be dpop+jwt with an asymmetric alg"
	}
	pub, err := jose.PublicKeyFromJWK(h.JWK)
	if err != nil {
		return "", "invalid_dpop_proof", "jwk must be a public key"
	}
	_, payload, err := jose.Verify(proof, h.Alg, pub)
	if err != nil {
		return "", "invalid_dpop_proof", "bad proof signature"
	}
	var c struct {
		Jti, Htm, Htu, Ath, Nonce string
		Iat                       int64
	}
	if json.Unmarshal(payload, &c) != nil {
		return "", "invalid_dpop_proof", "malformed proof claims"
	}
	now := s.now()
	iat := time.Unix(c.Iat, 0)
	wantATH := ""
	if token != "" {
		wantATH = jose.TokenHash(token)
	}
	switch {
	case c.Htm != r.Method || c.Htu != s.URL+r.URL.Path:
		return "", "invalid_dpop_proof", "htm or htu does not match the request"
	case iat.Before(now.Add(-time.Minute)) || iat.After(now.Add(5*time.Second)):
		return "", "invalid_dpop_proof", "iat outside the window"
	case c.Ath != wantATH:
		return "", "invalid_dpop_proof", "ath does not match the access token"
	case st.cfg.DPoPNonce != "" && c.Nonce != st.cfg.DPoPNonce:
		return "", "use_dpop_nonce", "the proof must carry the server's nonce"
	}
	jkt, _ = jose.Thumbprint(pub)
	if c.Jti == "" || !st.once("proof:"+jkt+":"+c.Jti, iat.Add(time.Minute), now) {
		return "", "invalid_dpop_proof", "jti missing or reused"
	}
	return jkt, "", ""
}

// apiAuth checks an API call's token and its bindings.
func (st *oauth2State) apiAuth(s *Server, w http.ResponseWriter, r *http.Request) bool {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	fail := func(sch, code, desc string) bool {
		w.Header().Set("WWW-Authenticate", sch+` realm="api", error="`+code+`"`)
		if code == "use_dpop_nonce" {
			w.Header().Set("DPoP-Nonce", st.cfg.DPoPNonce)
		}
		oauthError(w, http.StatusUnauthorized, code, desc)
		return false
	}
	if tok == "" || !s.validToken(tok) {
		return fail("Bearer", "invalid_token", "unknown, revoked or expired token")
	}
	st.mu.Lock()
	b := st.bound[tok]
	st.mu.Unlock()
	if b.jkt != "" {
		if !strings.EqualFold(scheme, "DPoP") {
			return fail("DPoP", "invalid_token", "a DPoP-bound token needs the DPoP scheme")
		}
		jkt, code, desc := st.checkProof(s, r, tok)
		if code != "" {
			return fail("DPoP", code, desc)
		}
		if jkt != b.jkt {
			return fail("DPoP", "invalid_token", "the proof's key is not the token's")
		}
	} else if !strings.EqualFold(scheme, "Bearer") {
		return fail("Bearer", "invalid_token", "use the Bearer scheme")
	}
	if b.x5t != "" && (r.TLS == nil || len(r.TLS.PeerCertificates) == 0 ||
		jose.CertThumbprint(r.TLS.PeerCertificates[0].Raw) != b.x5t) {
		return fail("Bearer", "invalid_token", "the token is bound to another certificate")
	}
	return true
}
