package providertest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
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
