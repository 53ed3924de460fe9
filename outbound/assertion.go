package outbound

import (
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// ClientAssertionType is the client_assertion_type of a JWT client assertion
// (RFC 7523 §2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// MaxAssertionLifetime bounds ClientAssertion.Lifetime: an assertion is a
// credential, and the server only needs it for the one token request.
const MaxAssertionLifetime = 5 * time.Minute

// ClientAssertion signs the JWTs of private_key_jwt client authentication
// (RFC 7523 §2.2, OpenID Connect Core §9): ClientCredentials with
// AuthPrivateKeyJWT sends a fresh one with each token request instead of a
// client secret, so no shared secret exists to leak.
//
// Each assertion has iss = sub = the client id, aud = the token endpoint
// (or Audience), a random jti, iat = now and exp = now + Lifetime.
//
// Printing or logging a ClientAssertion never shows the key.
type ClientAssertion struct {
	// Key signs the assertions: an RSA key (2048 bits or more) for RS256 or
	// PS256, or an ECDSA P-256 key for ES256. Required. Read one from PEM
	// with ParsePrivateKeyPEM, or take the PrivateKey of the tls.Certificate
	// that mtls.LoadPFX or mtls.LoadPEM returns, so that the assertion key
	// and the mTLS certificate come from the same file.
	Key crypto.Signer
	// Algorithm is RS256, PS256 or ES256. Empty means RS256 for RSA keys and
	// ES256 for P-256 keys.
	Algorithm string
	// KeyID, if set, is the kid header: the id under which the server knows
	// the client's public key.
	KeyID string
	// Lifetime is how long an assertion is valid. 0 means 60 s; at most
	// MaxAssertionLifetime.
	Lifetime time.Duration
	// Audience overrides the aud claim, which is the token endpoint's URL by
	// default; some servers want their issuer identifier instead.
	Audience string
}

// ParsePrivateKeyPEM reads the first private key in PEM data: PKCS #8,
// PKCS #1 (RSA) or SEC 1 (EC). Encrypted PEM is refused. Errors never hold
// key material.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	k, err := jose.ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	return k, nil
}

// check validates a and returns its algorithm.
func (a *ClientAssertion) check() (string, error) {
	if a == nil || a.Key == nil {
		return "", errors.New("outbound: private_key_jwt needs a ClientAssertion with a Key")
	}
	alg := a.Algorithm
	if alg == "" {
		alg = jose.DefaultAlg(a.Key.Public())
	}
	switch alg {
	case "RS256", "PS256", "ES256":
	default:
		return "", fmt.Errorf("outbound: ClientAssertion: algorithm %q not supported (RS256, PS256 or ES256)", alg)
	}
	if err := jose.CheckAlg(a.Key.Public(), alg); err != nil {
		return "", fmt.Errorf("outbound: ClientAssertion: %w", err)
	}
	if a.Lifetime < 0 || a.Lifetime > MaxAssertionLifetime {
		return "", fmt.Errorf("outbound: ClientAssertion: Lifetime must be between 0 and %v", MaxAssertionLifetime)
	}
	return alg, nil
}

// sign returns a new assertion for clientID at tokenURL.
func (a *ClientAssertion) sign(clientID, tokenURL string, now time.Time) (string, error) {
	alg, err := a.check()
	if err != nil {
		return "", err
	}
	life := a.Lifetime
	if life == 0 {
		life = time.Minute
	}
	aud := a.Audience
	if aud == "" {
		aud = tokenURL
	}
	h := map[string]string{"alg": alg, "typ": "JWT"}
	if a.KeyID != "" {
		h["kid"] = a.KeyID
	}
	hb, _ := json.Marshal(h) // maps of strings always marshal
	cb, _ := json.Marshal(struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud string `json:"aud"`
		Jti string `json:"jti"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}{clientID, clientID, aud, rand.Text(), now.Unix(), now.Add(life).Unix()})
	return jose.Sign(a.Key, alg, hb, cb)
}

// String describes the assertion settings without the key.
func (a ClientAssertion) String() string {
	return fmt.Sprintf("outbound.ClientAssertion{Key: %s, Algorithm: %q, KeyID: %q, Lifetime: %v, Audience: %q}",
		keyKind(a.Key), a.Algorithm, a.KeyID, a.Lifetime, a.Audience)
}

// GoString is String.
func (a ClientAssertion) GoString() string { return a.String() }

// Format prints String for every verb.
func (a ClientAssertion) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue makes slog log String, never the key.
func (a ClientAssertion) LogValue() slog.Value { return slog.StringValue(a.String()) }

// MarshalJSON encodes String: the key never reaches JSON, also when the
// assertion is nested in a value that is marshalled.
func (a ClientAssertion) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

func keyKind(k crypto.Signer) string {
	if k == nil {
		return "nil"
	}
	if alg := jose.DefaultAlg(k.Public()); alg != "" {
		return "REDACTED(" + alg[:2] + ")"
	}
	return "REDACTED"
}
