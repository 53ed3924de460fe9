package providertest

import (
	"net/http"
	"time"
)

// divipayTime is the ISO 8601 layout of DiviPay's expireOn
// ("2024-11-05T15:00:00.000Z").
const divipayTime = "2006-01-02T15:04:05.000Z07:00"

// NewDiviPay starts a fake DiviPay server.
//
// Token endpoint: POST /api/auth, JSON body {"client_id","client_secret"}.
// Success is 201 Created (not 200) {"token","expireIn" (seconds, default
// 86400),"expireOn" (ISO 8601),"type":"Bearer"}. Errors use DiviPay's body
// {"statusCode","message","error"}: 401 {"statusCode":401,"message":
// "Unauthorized","error":"Invalid credentials"}, 403 {"statusCode":403,
// "message":"Forbidden","error":"API access not enabled for this account"}
// after DisableAPIAccess, and 400 for a malformed body. API calls with an
// unknown, revoked or expired token get 401 of the same shape.
func NewDiviPay(opts *Options) (*Server, error) {
	p := &provider{
		name:            "divipay",
		tokenPath:       "/api/auth",
		defaultLifetime: 86400 * time.Second,
		successStatus:   http.StatusCreated,
		writeError:      divipayError,
		token:           divipayToken,
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.ClientID == "" {
			c.ClientID = randomString("", 12)
		}
		if c.ClientSecret == "" {
			c.ClientSecret = randomString("", 24)
		}
	})
	return newServer(p, o)
}

// divipayError writes the NestJS-style body DiviPay documents, where
// "message" is the status text and "error" the detail.
func divipayError(w http.ResponseWriter, status int, _, desc string) {
	writeJSON(w, status, struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
		Error      string `json:"error"`
	}{status, http.StatusText(status), desc})
}

func divipayToken(s *Server, w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := decodeJSON(w, r, &body); err != nil || body.ClientID == "" || body.ClientSecret == "" {
		divipayError(w, http.StatusBadRequest, "", "client_id and client_secret are required")
		return
	}
	idOK, secretOK := equal(body.ClientID, s.creds.ClientID), equal(body.ClientSecret, s.creds.ClientSecret)
	if !idOK || !secretOK {
		divipayError(w, http.StatusUnauthorized, "", "Invalid credentials")
		return
	}
	if s.apiDisabled() {
		divipayError(w, http.StatusForbidden, "", "API access not enabled for this account")
		return
	}
	tok, _, expiry := s.issueToken()
	writeJSON(w, http.StatusCreated, struct {
		Token    string `json:"token"`
		ExpireIn int64  `json:"expireIn"`
		ExpireOn string `json:"expireOn"`
		Type     string `json:"type"`
	}{tok, int64(s.lifetime / time.Second), expiry.UTC().Format(divipayTime), "Bearer"})
}
