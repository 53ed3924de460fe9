package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// issuerKeys is the other service's key set, published as a JWK Set on
// loopback the way an OpenID provider publishes its jwks_uri, and read
// through inbound.JWKS.
type issuerKeys struct {
	srv      *httptest.Server
	requests atomic.Int64 // what the JWKS endpoint served, for the summary
	set      *inbound.JWKSet
}

// publishKeys serves pub as kid and opens it with inbound.JWKS.
func publishKeys(kid string, pub *ecdsa.PublicKey, tel *telemetry) (*issuerKeys, error) {
	raw, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	body, err := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
		"x": b64(raw[1:33]), "y": b64(raw[33:]),
	}}})
	if err != nil {
		return nil, err
	}
	k := &issuerKeys{}
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.requests.Add(1)
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(body)
	}))
	// Plain HTTP is allowed only because the URL is loopback.
	k.set, err = inbound.JWKS(k.srv.URL+"/.well-known/jwks.json", tel.jwks())
	if err != nil {
		k.srv.Close()
		return nil, err
	}
	return k, nil
}

func (k *issuerKeys) close() {
	_ = k.set.Close()
	k.srv.Close()
}

// byKID sends each kid to the key set that holds it: "es-" kids to the
// other service's published keys, the others to our own secret.
type byKID struct{ own, issuer inbound.KeySet }

func (b byKID) Key(ctx context.Context, kid, alg string) (any, error) {
	if strings.HasPrefix(kid, "es-") {
		return b.issuer.Key(ctx, kid, alg)
	}
	return b.own.Key(ctx, kid, alg)
}
