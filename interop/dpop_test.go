package interop

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound"
)

var proofAlgs = []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.RS256, jose.PS256, jose.EdDSA}

// proverKeys are a DPoP key per algorithm that both sides support.
func proverKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	return map[string]crypto.Signer{"ES256": p256, "ES384": p384, "RS256": rsaKey, "PS256": rsaKey, "EdDSA": edKey}
}

type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath"`
	Nonce string `json:"nonce"`
}

// verifyProof checks a DPoP proof as a server written with go-jose would
// (RFC 9449 §4.3): typ, an allowed algorithm, a public embedded jwk that
// verifies the signature. It returns the claims and the jwk's RFC 7638
// thumbprint.
func verifyProof(proof, wantAlg string) (proofClaims, string, error) {
	var c proofClaims
	jws, err := jose.ParseSignedCompact(proof, proofAlgs)
	if err != nil {
		return c, "", err
	}
	if len(jws.Signatures) != 1 {
		return c, "", fmt.Errorf("%d signatures", len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	if h.ExtraHeaders["typ"] != "dpop+jwt" || h.Algorithm != wantAlg {
		return c, "", fmt.Errorf("header typ %v, alg %s", h.ExtraHeaders["typ"], h.Algorithm)
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() || !h.JSONWebKey.Valid() {
		return c, "", fmt.Errorf("jwk missing, private or invalid")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		return c, "", err
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, "", err
	}
	tp, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return c, "", err
	}
	return c, base64.RawURLEncoding.EncodeToString(tp), nil
}

func ath(token string) string {
	s := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// TestDPoPProofsVerifyWithGoJose checks outbound's proofs with go-jose for
// every key type: signature over the embedded key, header, claims, and the
// thumbprint that outbound reports as the tokens' cnf.jkt.
func TestDPoPProofsVerifyWithGoJose(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for alg, key := range proverKeys(t) {
		t.Run(alg, func(t *testing.T) {
			p, err := outbound.NewDPoPProver(key, &outbound.DPoPProverOptions{Algorithm: alg, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse("https://api.example/v1/payments?id=7#f")
			for _, tok := range []string{"", "access-token-1"} {
				proof, err := p.Proof(http.MethodPost, u, tok)
				if err != nil {
					t.Fatal(err)
				}
				c, jkt, err := verifyProof(proof, alg)
				if err != nil {
					t.Fatalf("go-jose refuses the proof: %v", err)
				}
				wantATH := ""
				if tok != "" {
					wantATH = ath(tok)
				}
				if c.HTM != "POST" || c.HTU != "https://api.example/v1/payments" || c.IAT != now.Unix() ||
					c.JTI == "" || c.ATH != wantATH {
					t.Fatalf("claims %+v", c)
				}
				if jkt != p.Thumbprint() {
					t.Fatalf("go-jose thumbprint %s, outbound's %s", jkt, p.Thumbprint())
				}
			}
		})
	}
}

// TestDPoPDecoratorAgainstGoJoseServer sends requests through the DPoP
// decorator to a resource server that checks proofs with go-jose and asks
// for a nonce first (RFC 9449 §9).
func TestDPoPDecoratorAgainstGoJoseServer(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p, err := outbound.NewDPoPProver(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	const token = "bound-access-token"
	var mu sync.Mutex
	jtis := map[string]bool{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, jkt, err := verifyProof(r.Header.Get("DPoP"), "ES256")
		mu.Lock()
		replayed := jtis[c.JTI]
		jtis[c.JTI] = true
		mu.Unlock()
		want := "https://" + r.Host + r.URL.Path
		switch {
		case err != nil || jkt != p.Thumbprint() || replayed || c.HTM != r.Method || c.HTU != want ||
			r.Header.Get("Authorization") != "DPoP "+token || c.ATH != ath(token):
			http.Error(w, "bad proof", http.StatusBadRequest)
		case c.Nonce != "n-1":
			w.Header().Set("DPoP-Nonce", "n-1")
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			_, _ = io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: token, Type: "DPoP", Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
	client := &http.Client{Transport: outbound.Chain(srv.Client().Transport, outbound.DPoP(src, p))}
	for _, path := range []string{"/v1/payments", "/v1/balance", "/v1/payments"} {
		resp, err := client.Get(srv.URL + path + "?page=2")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	if len(jtis) != 4 { // the first request is retried once with the nonce
		t.Fatalf("%d proofs, want 4", len(jtis))
	}
}

// joseSign signs claims as a compact JWS with go-jose; opts set the
// header.
func joseSign(t *testing.T, alg jose.SignatureAlgorithm, key crypto.Signer, opts *jose.SignerOptions, claims any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goJoseThumbprint is the RFC 7638 thumbprint of pub as go-jose computes it.
func goJoseThumbprint(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// TestInboundAcceptsGoJoseProofs serves an API behind inbound's DPoP check
// (std adapter, real TLS) and presents access tokens and proofs that go-jose
// signed, with the token bound by go-jose's thumbprint: each proof key type
// is accepted, and a proof that does not match is refused.
func TestInboundAcceptsGoJoseProofs(t *testing.T) {
	asKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys, err := inbound.StaticKeys(map[string]any{"as-1": asKey.Public()})
	if err != nil {
		t.Fatal(err)
	}
	dpop := &inbound.DPoPOptions{Required: true, Algorithms: []string{"ES256", "ES384", "RS256", "PS256", "EdDSA"}}
	v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"},
		Issuer: "https://as.example", DPoP: dpop})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(stdauth.Require(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		_, _ = io.WriteString(w, p.Subject)
	})))
	defer srv.Close()

	token := func(jkt string) string {
		return joseSign(t, jose.ES256, asKey, (&jose.SignerOptions{}).WithType("at+jwt").WithHeader("kid", "as-1"),
			map[string]any{"iss": "https://as.example", "sub": "client-7", "exp": time.Now().Add(time.Hour).Unix(),
				"cnf": map[string]string{"jkt": jkt}})
	}
	proof := func(alg jose.SignatureAlgorithm, key crypto.Signer, method, htu, tok string) string {
		return joseSign(t, alg, key, (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"),
			map[string]any{"jti": rand.Text(), "htm": method, "htu": htu, "iat": time.Now().Unix(), "ath": ath(tok)})
	}
	call := func(tok, proof string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/payments?id=7", nil)
		req.Header.Set("Authorization", "DPoP "+tok)
		req.Header.Set("DPoP", proof)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate") + string(b)
	}
	htu := srv.URL + "/v1/payments"
	for alg, key := range proverKeys(t) {
		t.Run(alg, func(t *testing.T) {
			ja := jose.SignatureAlgorithm(alg)
			tok := token(goJoseThumbprint(t, key.Public()))
			if code, body := call(tok, proof(ja, key, http.MethodGet, htu, tok)); code != http.StatusOK || body != "client-7" {
				t.Fatalf("valid proof: %d %s", code, body)
			}
			other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			// A proof by a key the token is not bound to fails the token's
			// key binding, which RFC 9449 §7.1 answers with invalid_token;
			// the others are the proof's failures.
			for name, bad := range map[string]struct{ proof, code string }{
				"another key": {proof(jose.ES256, other, http.MethodGet, htu, tok), `error="invalid_token"`},
				"another htm": {proof(ja, key, http.MethodPost, htu, tok), `error="invalid_dpop_proof"`},
				"another htu": {proof(ja, key, http.MethodGet, srv.URL+"/v1/refunds", tok), `error="invalid_dpop_proof"`},
				"another ath": {proof(ja, key, http.MethodGet, htu, tok+"x"), `error="invalid_dpop_proof"`},
			} {
				if code, body := call(tok, bad.proof); code != http.StatusUnauthorized || !strings.HasPrefix(body, "DPoP ") ||
					!strings.Contains(body, bad.code) {
					t.Errorf("%s: %d %s", name, code, body)
				}
			}
		})
	}
}
