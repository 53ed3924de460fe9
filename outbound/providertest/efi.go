package providertest

import (
	"fmt"
	"mime"
	"net/http"
	"time"
)

// EfiAPI selects which of Efí's APIs a fake serves.
type EfiAPI int

const (
	// EfiPix is the Pix API: token at POST /oauth/token, mTLS required.
	EfiPix EfiAPI = iota
	// EfiCharges is the Cobranças (charges, boletos) API: token at
	// POST /v1/authorize over plain TLS.
	EfiCharges
)

// efiPixScope is the scope string the fake grants on Pix, in the style of
// Efí's own (space-separated permissions of the application).
const efiPixScope = "cob.read cob.write pix.read pix.write webhook.read webhook.write"

// NewEfi starts a fake Efí (formerly Gerencianet) server for api.
//
// Token endpoint: POST /oauth/token (Pix) or POST /v1/authorize (Charges),
// credentials in HTTP Basic (client_id:client_secret), body
// {"grant_type":"client_credentials"} as JSON (what Efí's SDKs send) or
// form-encoded. Success is 200 {"access_token","token_type":"Bearer",
// "expires_in":3600,"scope"} (scope on Pix only). Errors use OAuth2's body,
// {"error","error_description"}: 401 invalid_client for wrong or missing
// credentials, 400 invalid_request or unsupported_grant_type for a bad
// body.
//
// Pix requires mTLS: the TLS handshake demands a certificate signed by the
// fake's CA (ClientCertificate), and one of that CA that is not bound to the
// credential gets 401 invalid_client. API calls take the Bearer token (and,
// on Pix, a bound certificate); an unknown, revoked or expired token gets
// 401 {"error":"invalid_token",...} with a WWW-Authenticate challenge.
func NewEfi(api EfiAPI, opts *Options) (*Server, error) {
	p := &provider{
		defaultLifetime: 3600 * time.Second,
		successStatus:   http.StatusOK,
		writeError:      oauthError,
		token:           efiToken,
	}
	switch api {
	case EfiPix:
		p.name, p.tokenPath, p.mtls = "efi-pix", "/oauth/token", mtlsHandshake
	case EfiCharges:
		// Like the real Charges API, its base URL ends in /v1.
		p.name, p.tokenPath, p.basePath = "efi-charges", "/v1/authorize", "/v1"
	default:
		return nil, fmt.Errorf("providertest: unknown EfiAPI %d", int(api))
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.ClientID == "" {
			c.ClientID = randomString("Client_Id_", 20)
		}
		if c.ClientSecret == "" {
			c.ClientSecret = randomString("Client_Secret_", 20)
		}
	})
	return newServer(p, o)
}

func efiToken(s *Server, w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Credenciais ausentes: use HTTP Basic com Client_Id e Client_Secret")
		return
	}
	var body struct {
		GrantType string `json:"grant_type"`
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
		if err := r.ParseForm(); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "corpo da requisição inválido")
			return
		}
		body.GrantType = r.PostForm.Get("grant_type")
	} else if err := decodeJSON(w, r, &body); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "corpo da requisição inválido: esperado JSON com grant_type")
		return
	}
	switch body.GrantType {
	case "client_credentials":
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "grant_type é obrigatório")
		return
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type não suportado")
		return
	}
	// Both compared, so timing reveals neither.
	idOK, secretOK := equal(id, s.creds.ClientID), equal(secret, s.creds.ClientSecret)
	if !idOK || !secretOK {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Credenciais inválidas")
		return
	}
	tok, _, _ := s.issueToken()
	resp := struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Scope       string `json:"scope,omitempty"`
	}{tok, "Bearer", int64(s.lifetime / time.Second), ""}
	if s.p.mtls != mtlsNone {
		resp.Scope = efiPixScope
	}
	writeJSON(w, http.StatusOK, resp)
}

// withDefaultCredentials copies opts and fills its empty credentials.
func withDefaultCredentials(opts *Options, fill func(*Credentials)) *Options {
	var o Options
	if opts != nil {
		o = *opts
	}
	fill(&o.Credentials)
	return &o
}
