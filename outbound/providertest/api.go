package providertest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
)

// APIResponse is the JSON body every fake answers a successful API call
// with. It echoes the request so callers can check what arrived, for
// example that a replayed body is intact.
type APIResponse struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Query      string `json:"query,omitempty"`
	BodyLength int64  `json:"bodyLength"`
	BodySHA256 string `json:"bodySha256"` // hex
	UserAgent  string `json:"userAgent,omitempty"`
}

// RevokeTokens revokes every token issued so far: API calls with them get
// 401 until the client fetches a new one. On Asaas it revokes the API key
// itself (invalid_access_token) until RestoreAPIKey.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	clear(s.tokens)
	if s.p.tokenPath == "" {
		s.keyRevoked = true
	}
	s.mu.Unlock()
}

// RestoreAPIKey undoes RevokeTokens on Asaas; elsewhere it does nothing.
func (s *Server) RestoreAPIKey() {
	s.mu.Lock()
	s.keyRevoked = false
	s.mu.Unlock()
}

// DisableAPIAccess makes the DiviPay fake answer valid credentials with
// 403 "API access not enabled for this account", until EnableAPIAccess.
// Other fakes ignore it.
func (s *Server) DisableAPIAccess() { s.setAPIOff(true) }

// EnableAPIAccess undoes DisableAPIAccess.
func (s *Server) EnableAPIAccess() { s.setAPIOff(false) }

func (s *Server) setAPIOff(off bool) {
	s.mu.Lock()
	s.apiOff = off
	s.mu.Unlock()
}

func (s *Server) apiDisabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiOff
}

// issueToken records and returns a new random token.
func (s *Server) issueToken() (value string, issued, expiry time.Time) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	value = base64.RawURLEncoding.EncodeToString(b[:])
	issued = s.now()
	expiry = issued.Add(s.lifetime)
	s.mu.Lock()
	s.tokens[value] = expiry
	s.mu.Unlock()
	return value, issued, expiry
}

// validToken reports whether tok was issued here, is not revoked and has
// not expired.
func (s *Server) validToken(tok string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	if ok && !now.Before(exp) {
		delete(s.tokens, tok) // keeps the map from growing in long runs
		return false
	}
	return ok
}

func (s *Server) bearerAuth(w http.ResponseWriter, r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		s.p.writeError(w, http.StatusUnauthorized, "invalid_token", "token de acesso ausente")
		return false
	}
	if !s.validToken(tok) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		s.p.writeError(w, http.StatusUnauthorized, "invalid_token", "token de acesso inválido ou expirado")
		return false
	}
	return true
}

// maxAPIBody bounds what an API call may upload to a fake.
const maxAPIBody = 8 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !s.checkTransport(w, r) {
		return
	}
	auth := s.p.apiAuth
	if auth == nil {
		auth = (*Server).bearerAuth
	}
	if !auth(s, w, r) {
		return
	}
	h := sha256.New()
	n, err := io.Copy(h, http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		s.p.writeError(w, http.StatusBadRequest, "invalid_request", "corpo da requisição ilegível ou grande demais")
		return
	}
	writeJSON(w, http.StatusOK, APIResponse{
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		BodyLength: n,
		BodySHA256: hex.EncodeToString(h.Sum(nil)),
		UserAgent:  r.UserAgent(),
	})
}
