package providertest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// IssuerAudience is the "aud" claim of an Issuer's tokens unless the test
// asks for another one.
const IssuerAudience = "providertest-api"

// IssuerSubject is the "sub" claim of an Issuer's tokens unless the test
// asks for another one.
const IssuerSubject = "providertest-user"

// IssuerTokenLifetime is how long an Issuer's tokens live unless the test
// sets "exp" itself.
const IssuerTokenLifetime = time.Hour

// Issuer is a token issuer for tests: it mints signed JWTs carrying the
// claims a test asks for, and serves its key as a JWK Set over HTTPS on the
// loopback interface, so that code guarded by inbound.BearerJWT can be
// tested with inbound.JWKS (or inbound.StaticKeys over Keys) exactly as in
// production. It is safe for concurrent use.
type Issuer struct {
	alg    string
	kid    string
	signer crypto.Signer // nil for HS256
	secret []byte        // HS256 only
	jwk    map[string]any
	srv    *httptest.Server
	once   sync.Once
}

// NewIssuer starts an Issuer that signs with alg, a fresh random key of its
// own: "HS256" (a 32-byte secret), "RS256" (RSA 2048), "ES256" (P-256) or
// "EdDSA" (Ed25519). Close stops it.
//
// Its JWK Set, at JWKSURL, holds the one key with its "kid", "alg" and
// "use":"sig". For HS256 that key is the secret itself, as an "oct" JWK:
// inbound.JWKS reads it only with JWKSOptions.AllowSymmetric, which a
// production key set of a third party must never need.
func NewIssuer(alg string) (*Issuer, error) {
	iss := &Issuer{alg: alg, kid: rand.Text()[:8]}
	var err error
	switch alg {
	case "HS256":
		iss.secret = make([]byte, 32)
		_, _ = rand.Read(iss.secret) // never fails (crypto/rand)
		iss.jwk = map[string]any{"kty": "oct", "k": base64.RawURLEncoding.EncodeToString(iss.secret)}
	case "RS256":
		iss.signer, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		iss.signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, iss.signer, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("providertest: issuer: unsupported algorithm %q (want HS256, RS256, ES256 or EdDSA)", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("providertest: issuer: %w", err)
	}
	if iss.signer != nil {
		raw, err := jose.JWK(iss.signer.Public())
		if err != nil {
			return nil, fmt.Errorf("providertest: issuer: %w", err)
		}
		if err := json.Unmarshal(raw, &iss.jwk); err != nil {
			return nil, fmt.Errorf("providertest: issuer: %w", err)
		}
	}
	iss.jwk["kid"], iss.jwk["alg"], iss.jwk["use"] = iss.kid, alg, "sig"
	iss.srv = httptest.NewUnstartedServer(http.HandlerFunc(iss.serveHTTP))
	iss.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	iss.srv.StartTLS()
	return iss, nil
}

func (iss *Issuer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/.well-known/jwks.json" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{iss.jwk}})
}

// URL is the issuer's HTTPS base URL on 127.0.0.1, and the default "iss"
// claim of its tokens.
func (iss *Issuer) URL() string { return iss.srv.URL }

// JWKSURL is the URL of the issuer's JWK Set, for inbound.JWKS.
func (iss *Issuer) JWKSURL() string { return iss.srv.URL + "/.well-known/jwks.json" }

// Client returns an HTTP client that trusts the issuer's certificate, for
// JWKSOptions.Client.
func (iss *Issuer) Client() *http.Client { return iss.srv.Client() }

// Alg is the algorithm the issuer signs with.
func (iss *Issuer) Alg() string { return iss.alg }

// KeyID is the "kid" of the issuer's tokens and of its key in the JWK Set.
func (iss *Issuer) KeyID() string { return iss.kid }

// Keys returns the issuer's verification key under its kid, as
// inbound.StaticKeys takes it: the public key, or for HS256 a copy of the
// secret.
func (iss *Issuer) Keys() map[string]any {
	if iss.signer == nil {
		return map[string]any{iss.kid: append([]byte(nil), iss.secret...)}
	}
	return map[string]any{iss.kid: iss.signer.Public()}
}

// Token mints a signed JWT (header "alg", "kid" and "typ":"JWT") whose
// claims are the defaults overlaid with claims: "iss" URL, "aud"
// IssuerAudience, "sub" IssuerSubject, "iat" now and "exp" now plus
// IssuerTokenLifetime (both in whole seconds). A claim set to nil is left
// out, so {"exp": nil} mints a token without expiry. Any other value is
// encoded as encoding/json encodes it, e.g. "scope": "payments:read" or a
// proof-of-possession binding, "cnf": CertificateConfirmation(cert).
func (iss *Issuer) Token(claims map[string]any) (string, error) {
	now := time.Now()
	c := map[string]any{
		"iss": iss.URL(),
		"aud": IssuerAudience,
		"sub": IssuerSubject,
		"iat": now.Unix(),
		"exp": now.Add(IssuerTokenLifetime).Unix(),
	}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("providertest: issuer: claims: %w", err)
	}
	header, _ := json.Marshal(map[string]string{"alg": iss.alg, "kid": iss.kid, "typ": "JWT"}) // strings only
	if iss.signer == nil {
		return signHS256(iss.secret, header, payload), nil
	}
	tok, err := jose.Sign(iss.signer, iss.alg, header, payload)
	if err != nil {
		return "", fmt.Errorf("providertest: issuer: %w", err)
	}
	return tok, nil
}

// signHS256 is the compact JWS of header and payload with HMAC-SHA256 (the
// one algorithm internal/jose does not sign: it signs with crypto.Signers).
func signHS256(secret, header, payload []byte) string {
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + b64.EncodeToString(mac.Sum(nil))
}

// Close stops the issuer's server. It is safe to call more than once.
func (iss *Issuer) Close() {
	iss.once.Do(func() {
		iss.srv.Close()
		iss.srv.Client().CloseIdleConnections()
	})
}

// String describes the issuer without its key.
func (iss *Issuer) String() string {
	if iss == nil || iss.srv == nil {
		return "providertest.Issuer{}"
	}
	return fmt.Sprintf("providertest.Issuer{Alg: %s, KeyID: %s, URL: %s}", iss.alg, iss.kid, iss.srv.URL)
}

// Format makes every fmt verb print String, so that printing an Issuer
// never shows its key.
func (iss *Issuer) Format(f fmt.State, verb rune) { formatRedacted(f, verb, iss.String()) }

// LogValue makes slog log String.
func (iss *Issuer) LogValue() slog.Value { return slog.StringValue(iss.String()) }

// CertificateConfirmation returns the "cnf" claim that binds a token to
// cert (RFC 8705 §3.1: "x5t#S256", the certificate's SHA-256 thumbprint),
// for Token; inbound.BearerJWT with CertificateBound then accepts the token
// only from a client that presents cert.
func CertificateConfirmation(cert *x509.Certificate) map[string]any {
	return map[string]any{"x5t#S256": jose.CertThumbprint(cert.Raw)}
}

// KeyConfirmation returns the "cnf" claim that binds a token to the DPoP
// key pub (RFC 9449 §6.1: "jkt", the key's RFC 7638 thumbprint), for Token;
// inbound.BearerJWT with DPoP then accepts the token only with a proof
// signed by that key. pub is an *ecdsa.PublicKey, *rsa.PublicKey or
// ed25519.PublicKey.
func KeyConfirmation(pub crypto.PublicKey) (map[string]any, error) {
	jkt, err := jose.Thumbprint(pub)
	if err != nil {
		return nil, fmt.Errorf("providertest: %w", err)
	}
	return map[string]any{"jkt": jkt}, nil
}
