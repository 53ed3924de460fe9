package providertest

import (
	"net/http"
	"time"
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
	_, c, _, err := verifyJWS(f.Get("client_assertion"), st.cfg.ClientKey, "RS256", "PS256", "ES256")
	if err != nil {
		return "private_key_jwt: bad assertion: algorithm not accepted, bad signature or malformed"
	}
	if id := f.Get("client_id"); id != "" && id != s.creds.ClientID {
		return "private_key_jwt: client_id does not match the assertion"
	}
	return st.checkAssertionClaims(s, c)
}

// checkAssertionClaims checks iss, sub, aud, exp and jti.
func (st *oauth2State) checkAssertionClaims(s *Server, c map[string]any) string {
	now := s.now()
	exp, jti := claimInt(c, "exp"), claimString(c, "jti")
	switch aud := claimString(c, "aud"); {
	case claimString(c, "iss") != s.creds.ClientID || claimString(c, "sub") != s.creds.ClientID:
		return "private_key_jwt: iss and sub must be the client id"
	case aud != s.URL+s.p.tokenPath && aud != s.URL:
		return "private_key_jwt: aud must be the token endpoint"
	case exp <= now.Unix() || exp > now.Add(5*time.Minute+time.Second).Unix():
		return "private_key_jwt: exp missing, past, or more than 5 minutes away"
	case jti == "" || !st.once("assertion:"+jti, time.Unix(exp, 0), now):
		return "private_key_jwt: jti missing or reused"
	}
	return ""
}
