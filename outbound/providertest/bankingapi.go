package providertest

import (
	"net/http"
	"time"
)

// NewBankingAPI starts a fake Banking API server.
//
// Token endpoint: POST /public/gw_banking/v1/auth/token-v2 over mTLS, JSON
// body {"client_id","client_secret","grant_type":"client_credentials"}.
// Success is 200 {"access_token","token_type":"Bearer","expires_in":3600}.
//
// The TLS handshake demands a client certificate (none: the handshake
// fails, as the provider's troubleshooting guide says). The certificate is
// then checked by the handler, so each failure has its documented answer.
// The provider documents the statuses but not the bodies; the fake uses
// OAuth2's shape {"error","error_description"}:
//
//	401 {"error":"invalid_client_certificate","error_description":"Invalid Client Certificate"}
//	    the certificate is not of the fake's CA, has expired, or is not bound to the credential
//	403 {"error":"forbidden","error_description":"IP de origem não permitido"}
//	    the source IP is not on the allowlist (see AllowIPs; loopback by default)
//	401 {"error":"invalid_client","error_description":"Invalid Credentials"}
//	    wrong client_id or client_secret
//	400 {"error":"invalid_request"|"unsupported_grant_type",...}
//	    a malformed body, missing fields, or another grant_type
//
// checked in that order. API calls need a bound certificate, an allowed IP
// and the Bearer token; an unknown, revoked or expired token gets 401
// {"error":"invalid_token",...}. Any bound certificate is accepted on API
// calls, not only the one the token was fetched with, since the provider
// allows two active certificates per credential for rotation.
func NewBankingAPI(opts *Options) (*Server, error) {
	p := &provider{
		name:            "bankingapi",
		tokenPath:       "/public/gw_banking/v1/auth/token-v2",
		defaultLifetime: 3600 * time.Second,
		mtls:            mtlsHandler,
		ipAllowlist:     true,
		successStatus:   http.StatusOK,
		writeError:      oauthError,
		token:           bankingToken,
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.ClientID == "" {
			c.ClientID = randomString("", 16)
		}
		if c.ClientSecret == "" {
			c.ClientSecret = randomString("", 32)
		}
	})
	return newServer(p, o)
}

func bankingToken(s *Server, w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		GrantType    string `json:"grant_type"`
	}
	if err := decodeJSON(w, r, &body); err != nil || body.ClientID == "" || body.ClientSecret == "" || body.GrantType == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "client_id, client_secret e grant_type são obrigatórios")
		return
	}
	if body.GrantType != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type deve ser client_credentials")
		return
	}
	idOK, secretOK := equal(body.ClientID, s.creds.ClientID), equal(body.ClientSecret, s.creds.ClientSecret)
	if !idOK || !secretOK {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid Credentials")
		return
	}
	tok, _, _ := s.issueToken()
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{tok, "Bearer", int64(s.lifetime / time.Second)})
}
