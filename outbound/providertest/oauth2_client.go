package providertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

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
