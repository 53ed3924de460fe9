package outbound

import (
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// DPoPProver signs DPoP proofs (RFC 9449) with one key: the proof of
// possession that makes a DPoP-bound token useless to whoever steals it.
// Give the same DPoPProver to ClientCredentials.DPoP, so that the token
// endpoint binds the token to the key, and to the DPoP decorator, which signs
// a proof for each API request.
//
// It remembers the latest nonce each server sent in a DPoP-Nonce header and
// puts it in later proofs to that server (RFC 9449 §8, §9).
//
// A DPoPProver is safe for concurrent use. Printing it never shows the key.
type DPoPProver struct {
	key crypto.Signer
	alg string
	jwk json.RawMessage
	now func() time.Time

	nonces sync.Map // origin -> string
}

// DPoPProverOptions configures NewDPoPProver. Nil means the defaults.
type DPoPProverOptions struct {
	// Algorithm is the proof's JWS algorithm. Empty means ES256 for P-256
	// keys (ES384, ES512 for the other curves), RS256 for RSA keys, EdDSA
	// for Ed25519 keys; PS256 is possible with an RSA key.
	Algorithm string
	// Now is the clock of the proofs' iat. Nil means time.Now.
	Now func() time.Time
}

// NewDPoPProver returns a prover that signs with key: an ECDSA, RSA (2048
// bits or more) or Ed25519 private key, typically generated per client
// instance and kept in memory (ecdsa.GenerateKey with elliptic.P256()).
func NewDPoPProver(key crypto.Signer, opts *DPoPProverOptions) (*DPoPProver, error) {
	if key == nil {
		return nil, errors.New("outbound: NewDPoPProver: nil key")
	}
	var o DPoPProverOptions
	if opts != nil {
		o = *opts
	}
	p := &DPoPProver{key: key, alg: o.Algorithm, now: o.Now}
	if p.alg == "" {
		p.alg = jose.DefaultAlg(key.Public())
	}
	if err := jose.CheckAlg(key.Public(), p.alg); err != nil {
		return nil, fmt.Errorf("outbound: NewDPoPProver: %w", err)
	}
	jwk, err := jose.JWK(key.Public())
	if err != nil {
		return nil, fmt.Errorf("outbound: NewDPoPProver: %w", err)
	}
	p.jwk = jwk
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// Thumbprint returns the RFC 7638 thumbprint of the prover's public key: the
// cnf.jkt of the tokens bound to it.
func (p *DPoPProver) Thumbprint() string {
	t, _ := jose.Thumbprint(p.key.Public()) // the key was checked in NewDPoPProver
	return t
}

// Proof returns a proof for one request: method, the target URI u (its
// query and fragment are left out of htu) and, for a resource request, the
// access token it carries (whose hash becomes ath; "" for a token request).
// It carries the latest nonce the server of u has sent, if any.
func (p *DPoPProver) Proof(method string, u *url.URL, accessToken string) (string, error) {
	htu := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	claims := struct {
		JTI   string `json:"jti"`
		HTM   string `json:"htm"`
		HTU   string `json:"htu"`
		IAT   int64  `json:"iat"`
		ATH   string `json:"ath,omitempty"`
		Nonce string `json:"nonce,omitempty"`
	}{JTI: rand.Text(), HTM: method, HTU: htu.String(), IAT: p.now().Unix(), Nonce: p.nonce(u)}
	if accessToken != "" {
		claims.ATH = jose.TokenHash(accessToken)
	}
	hb, _ := json.Marshal(struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}{"dpop+jwt", p.alg, p.jwk})
	cb, _ := json.Marshal(claims)
	return jose.Sign(p.key, p.alg, hb, cb)
}

func (p *DPoPProver) nonce(u *url.URL) string {
	n, _ := p.nonces.Load(originOf(u))
	s, _ := n.(string)
	return s
}

// noteNonce remembers the DPoP-Nonce the server of u answered with. It
// reports whether the response carried a new one.
func (p *DPoPProver) noteNonce(u *url.URL, h http.Header) bool {
	n := h.Get("DPoP-Nonce")
	if n == "" || !validNonce(n) {
		return false
	}
	old, loaded := p.nonces.Swap(originOf(u), n)
	return !loaded || old.(string) != n
}

// validNonce: RFC 9449 §8.1's NQCHAR, so that a nonce is safe in JSON and
// headers.
func validNonce(n string) bool {
	if len(n) > 1024 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// String describes the prover without its key.
func (p *DPoPProver) String() string {
	if p == nil {
		return "outbound.DPoPProver(nil)"
	}
	return "outbound.DPoPProver{Algorithm: " + p.alg + ", Thumbprint: " + p.Thumbprint() + "}"
}

// Format prints String for every verb.
func (p *DPoPProver) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue makes slog log String.
func (p *DPoPProver) LogValue() slog.Value { return slog.StringValue(p.String()) }

// DPoP returns a decorator that authorizes each request with a DPoP-bound
// token from src (fetch it with ClientCredentials.DPoP set to the same
// prover): `Authorization: DPoP <token>` and a `DPoP` header with a proof
// signed for this request (htm, htu, iat, a random jti, ath). A token the
// server issued as a plain Bearer token (token_type Bearer) is sent as
// Bearer, without a proof.
//
// Like Bearer, it deliberately handles authentication: when the API answers
// 401 with error="use_dpop_nonce" and a DPoP-Nonce header, it retries once
// with a proof carrying that nonce; on another 401 it invalidates the token
// and retries once with a new one. Either retry needs a replayable body
// (Body nil or http.NoBody, or GetBody set). It never modifies the caller's
// request, closes the request body on every path, and sends no credential
// on a redirect to another host. A nil next means http.DefaultTransport.
func DPoP(src *Source, p *DPoPProver) func(http.RoundTripper) http.RoundTripper {
	if src == nil || p == nil {
		panic("outbound: DPoP with nil Source or DPoPProver")
	}
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &dpopTransport{src: src, p: p, next: next}
	}
}

type dpopTransport struct {
	src  *Source
	p    *DPoPProver
	next http.RoundTripper
}

// CloseIdleConnections forwards to the wrapped transport.
func (t *dpopTransport) CloseIdleConnections() { CloseIdleConnections(t.next) }

// RoundTrip implements http.RoundTripper.
func (t *dpopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !firstHop(req) {
		return t.next.RoundTrip(req)
	}
	tok, err := t.src.Token(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	r1, err := t.authorize(req, tok)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(r1)
	if err != nil {
		return nil, err
	}
	fresh := t.p.noteNonce(req.URL, resp.Header)
	if resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, nil
	}
	nonceRetry := fresh && strings.Contains(resp.Header.Get("WWW-Authenticate"), "use_dpop_nonce")
	if !nonceRetry {
		t.src.Invalidate(tok)
		tok2, err := t.src.Token(req.Context())
		if err != nil || tok2.Value == tok.Value {
			return resp, nil
		}
		tok = tok2
	}
	r2, err := t.authorize(req, tok)
	if err != nil {
		return resp, nil
	}
	return retry(t.next, req, r2, resp)
}

// authorize returns a copy of req with the token and, for a DPoP token, a
// new proof.
func (t *dpopTransport) authorize(req *http.Request, tok Token) (*http.Request, error) {
	if !strings.EqualFold(tok.Scheme(), "DPoP") {
		return withHeader(req, "Authorization", []string{tok.Scheme() + " " + tok.Value}), nil
	}
	proof, err := t.p.Proof(req.Method, req.URL, tok.Value)
	if err != nil {
		return nil, &Error{Op: "sign DPoP proof", URL: redactURL(req.URL.String()), Err: err}
	}
	r2 := withHeader(req, "Authorization", []string{"DPoP " + tok.Value})
	r2.Header["Dpop"] = []string{proof}
	return r2, nil
}
