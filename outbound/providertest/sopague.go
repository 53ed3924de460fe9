package providertest

import (
	"fmt"
	"net/http"
	"time"
)

// SoPagueAPI selects which of SoPague's APIs a fake serves.
type SoPagueAPI int

const (
	// SoPagueGateway is the Gateway API: token at POST /api/auth/token.
	SoPagueGateway SoPagueAPI = iota
	// SoPagueIntegration is the "Other APIs" (integration) API: token at
	// POST /api/authentication/login.
	SoPagueIntegration
)

// sopagueTime is the ISO 8601 layout of SoPague's examples
// ("2023-01-01T14:25:28.913Z").
const sopagueTime = "2006-01-02T15:04:05.000Z07:00"

// NewSoPague starts a fake SoPague server for api.
//
// Token endpoint: POST /api/auth/token (Gateway) or
// POST /api/authentication/login (Integration), JSON body
// {"userName","password"}. Success is 200 {"authenticated":true,
// "created","expiration" (ISO 8601, UTC with milliseconds),"accessToken",
// "message"}; the lifetime defaults to one hour.
//
// SoPague does not document its failure body. The fake answers wrong
// credentials with 401 {"authenticated":false,"message":"..."} (the success
// shape with the flag false and no token), a malformed body with 400 of the
// same shape, and API calls with an unknown, revoked or expired token with
// 401 of that shape too.
func NewSoPague(api SoPagueAPI, opts *Options) (*Server, error) {
	p := &provider{
		defaultLifetime: time.Hour,
		successStatus:   http.StatusOK,
		writeError:      sopagueError,
		token:           sopagueToken,
	}
	switch api {
	case SoPagueGateway:
		p.name, p.tokenPath = "sopague-gateway", "/api/auth/token"
	case SoPagueIntegration:
		p.name, p.tokenPath = "sopague-integration", "/api/authentication/login"
	default:
		return nil, fmt.Errorf("providertest: unknown SoPagueAPI %d", int(api))
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.UserName == "" {
			c.UserName = randomString("user", 8)
		}
		if c.Password == "" {
			c.Password = randomString("", 24)
		}
	})
	return newServer(p, o)
}

func sopagueError(w http.ResponseWriter, status int, _, desc string) {
	writeJSON(w, status, struct {
		Authenticated bool   `json:"authenticated"`
		Message       string `json:"message"`
	}{false, desc})
}

func sopagueToken(s *Server, w http.ResponseWriter, r *http.Request) {
	var body struct {
		UserName string `json:"userName"`
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &body); err != nil || body.UserName == "" || body.Password == "" {
		sopagueError(w, http.StatusBadRequest, "", "userName e password são obrigatórios")
		return
	}
	userOK, passOK := equal(body.UserName, s.creds.UserName), equal(body.Password, s.creds.Password)
	if !userOK || !passOK {
		sopagueError(w, http.StatusUnauthorized, "", "Usuário ou senha inválidos")
		return
	}
	tok, issued, expiry := s.issueToken()
	writeJSON(w, http.StatusOK, struct {
		Authenticated bool   `json:"authenticated"`
		Created       string `json:"created"`
		Expiration    string `json:"expiration"`
		AccessToken   string `json:"accessToken"`
		Message       string `json:"message"`
	}{true, issued.UTC().Format(sopagueTime), expiry.UTC().Format(sopagueTime), tok, "OK"})
}
