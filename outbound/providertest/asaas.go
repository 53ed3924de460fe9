package providertest

import (
	"fmt"
	"net/http"
	"strings"
)

// Environment is an Asaas environment; each Asaas fake serves one.
type Environment int

const (
	// Sandbox accepts keys starting with "$aact_hmlg_".
	Sandbox Environment = iota
	// Production accepts keys starting with "$aact_prod_".
	Production
)

// Asaas API key prefixes per environment.
const (
	AsaasSandboxPrefix    = "$aact_hmlg_"
	AsaasProductionPrefix = "$aact_prod_"
)

// Asaas's documented 401 descriptions, verbatim.
const (
	asaasNotFound     = "O cabeçalho de autenticação 'access_token' é obrigatório e não foi encontrado na requisição"
	asaasBadFormat    = "O valor fornecido não parece ser uma chave de API válida do Asaas. Verifique o formato da sua chave"
	asaasWrongEnv     = "A chave de API informada não pertence a este ambiente"
	asaasInvalidKey   = "A chave de API fornecida é inválida"
	asaasNoUserAgent  = "O cabeçalho 'User-Agent' é obrigatório em todas as requisições"
	asaasUACode       = "user_agent_required"
	asaasHeaderAPIKey = "access_token"
)

// NewAsaas starts a fake Asaas server for one environment.
//
// Asaas has no token endpoint: every call carries the API key in the
// access_token header and a User-Agent, and lives under /v3 (use BaseURL).
// Errors use Asaas's body {"errors":[{"code","description"}]} with the
// documented codes and Portuguese descriptions, checked in this order:
//
//	401 access_token_not_found       no access_token header (or an empty one)
//	401 invalid_access_token_format  a value starting with neither $aact_prod_ nor $aact_hmlg_
//	401 invalid_environment          the other environment's key
//	401 invalid_access_token         any other key, or the key after RevokeTokens
//	400 user_agent_required          no or empty User-Agent
//
// The User-Agent rule is documented (mandatory for accounts created from
// 2024-06-13) but its error body is not; the fake uses the same shape with
// code user_agent_required, the code gatehouse's inbound side uses. Failure
// knobs (FailNext, GarbageNext, HangNext, latency) apply to API calls.
func NewAsaas(env Environment, opts *Options) (*Server, error) {
	p := &provider{
		basePath:      "/v3",
		successStatus: http.StatusOK,
		writeError:    asaasError,
		apiAuth:       asaasAuth,
	}
	switch env {
	case Sandbox:
		p.name, p.keyPrefix, p.otherPrefix = "asaas-sandbox", AsaasSandboxPrefix, AsaasProductionPrefix
	case Production:
		p.name, p.keyPrefix, p.otherPrefix = "asaas-production", AsaasProductionPrefix, AsaasSandboxPrefix
	default:
		return nil, fmt.Errorf("providertest: unknown Asaas Environment %d", int(env))
	}
	prefix := p.keyPrefix
	if opts != nil && opts.Credentials.APIKey != "" && !strings.HasPrefix(opts.Credentials.APIKey, prefix) {
		return nil, fmt.Errorf("providertest: %s: Credentials.APIKey must start with %q", p.name, prefix)
	}
	o := withDefaultCredentials(opts, func(c *Credentials) {
		if c.APIKey == "" {
			c.APIKey = randomString(prefix, 32)
		}
	})
	return newServer(p, o)
}

func asaasError(w http.ResponseWriter, status int, code, desc string) {
	type item struct {
		Code        string `json:"code"`
		Description string `json:"description"`
	}
	writeJSON(w, status, struct {
		Errors []item `json:"errors"`
	}{[]item{{code, desc}}})
}

func asaasAuth(s *Server, w http.ResponseWriter, r *http.Request) bool {
	key := r.Header.Get(asaasHeaderAPIKey)
	own, other := s.p.keyPrefix, s.p.otherPrefix
	s.mu.Lock()
	revoked := s.keyRevoked
	s.mu.Unlock()
	switch {
	case key == "":
		asaasError(w, http.StatusUnauthorized, "access_token_not_found", asaasNotFound)
	case strings.HasPrefix(key, other):
		asaasError(w, http.StatusUnauthorized, "invalid_environment", asaasWrongEnv)
	case !strings.HasPrefix(key, own) || len(key) == len(own):
		asaasError(w, http.StatusUnauthorized, "invalid_access_token_format", asaasBadFormat)
	case !equal(key, s.creds.APIKey) || revoked:
		asaasError(w, http.StatusUnauthorized, "invalid_access_token", asaasInvalidKey)
	case r.UserAgent() == "":
		asaasError(w, http.StatusBadRequest, asaasUACode, asaasNoUserAgent)
	default:
		return true
	}
	return false
}
