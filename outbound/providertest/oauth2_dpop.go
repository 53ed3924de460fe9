package providertest

import (
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// checkProof verifies the request's DPoP proof (RFC 9449 §4.3), with ath
// when token is set, and returns its key's thumbprint, or an OAuth2 error
// code and description.
func (st *oauth2State) checkProof(s *Server, r *http.Request, token string) (jkt, code, desc string) {
	vals := r.Header.Values("DPoP")
	if len(vals) != 1 {
		return "", "invalid_dpop_proof", "exactly one DPoP proof is required"
	}
	hdr, c, pub, err := verifyJWS(vals[0], nil, "ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA")
	if err != nil {
		return "", "invalid_dpop_proof", "a proof with an asymmetric alg, a public jwk and a valid signature is required"
	}
	if typ, _ := hdr["typ"].(string); !jose.TypeIs(typ, "dpop+jwt") {
		return "", "invalid_dpop_proof", "typ must be dpop+jwt"
	}
	if code, desc := st.checkProofClaims(s, r, token, c); code != "" {
		return "", code, desc
	}
	jkt, _ = jose.Thumbprint(pub)
	iat := time.Unix(claimInt(c, "iat"), 0)
	if jti := claimString(c, "jti"); jti == "" || !st.once("proof:"+jkt+":"+jti, iat.Add(time.Minute), s.now()) {
		return "", "invalid_dpop_proof", "jti missing or reused"
	}
	return jkt, "", ""
}

// checkProofClaims checks htm, htu, iat, ath and the nonce.
func (st *oauth2State) checkProofClaims(s *Server, r *http.Request, token string, c map[string]any) (code, desc string) {
	now := s.now()
	iat := time.Unix(claimInt(c, "iat"), 0)
	wantATH := ""
	if token != "" {
		wantATH = jose.TokenHash(token)
	}
	switch {
	case claimString(c, "htm") != r.Method || claimString(c, "htu") != s.URL+r.URL.Path:
		return "invalid_dpop_proof", "htm or htu does not match the request"
	case iat.Before(now.Add(-time.Minute)) || iat.After(now.Add(5*time.Second)):
		return "invalid_dpop_proof", "iat outside the window"
	case claimString(c, "ath") != wantATH:
		return "invalid_dpop_proof", "ath does not match the access token"
	case st.cfg.DPoPNonce != "" && claimString(c, "nonce") != st.cfg.DPoPNonce:
		return "use_dpop_nonce", "the proof must carry the server's nonce"
	}
	return "", ""
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
