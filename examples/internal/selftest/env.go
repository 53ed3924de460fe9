package selftest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// Env is what the framework examples share: a local token issuer standing
// in for an identity provider (a providertest.Issuer, whose JWK Set the JWT
// guard fetches over HTTPS as it would a real one's), the API key the key
// guard accepts, and the two guards.
type Env struct {
	JWTGuard, KeyGuard *middleware.Guard

	issuer    *providertest.Issuer
	keys      *inbound.JWKSet
	apiKey    string
	apiKeyEnv bool // apiKey came from API_KEY: never printed
}

// NewEnv starts the issuer and builds the guards. The API key is API_KEY
// from the environment (a sandbox key, "$aact_hmlg_…"), or a random one.
// Close stops the issuer.
func NewEnv() (*Env, error) {
	iss, err := providertest.NewIssuer("ES256")
	if err != nil {
		return nil, err
	}
	// In production: inbound.JWKS("https://your-idp/.well-known/jwks.json", nil).
	keys, err := inbound.JWKS(iss.JWKSURL(), &inbound.JWKSOptions{Client: iss.Client()})
	if err != nil {
		iss.Close()
		return nil, err
	}
	e := &Env{issuer: iss, keys: keys, apiKey: os.Getenv("API_KEY"), apiKeyEnv: true}
	if e.apiKey == "" {
		e.apiKey, e.apiKeyEnv = "$aact_hmlg_"+rand.Text(), false
	}
	if e.JWTGuard, e.KeyGuard, err = Guards(keys, iss.URL(), e.apiKey); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close stops the key set's refresh and the issuer.
func (e *Env) Close() {
	e.keys.Close()
	e.issuer.Close()
}

// Serve serves h on ln. With test, it sends the self-test requests (Run),
// writes the answers to w and returns. Otherwise it writes the address and
// ready-to-paste curl lines (a valid token of the local issuer, and the API
// key: its value only when random, "$API_KEY" when it came from the
// environment) to w, and serves until ctx ends.
func (e *Env) Serve(ctx context.Context, ln net.Listener, h http.Handler, test bool, w io.Writer) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	var err error
	if test {
		err = e.Run(ctx, base, w)
	} else if err = e.printCurl(w, base); err == nil {
		select {
		case <-ctx.Done():
		case err = <-served:
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// printCurl writes the server's address and one curl line per protected
// route.
func (e *Env) printCurl(w io.Writer, base string) error {
	tok, err := e.token(nil)
	if err != nil {
		return err
	}
	key := e.apiKey
	quoted := "'access_token: " + key + "'"
	if e.apiKeyEnv {
		quoted = `"access_token: $API_KEY"`
	}
	_, err = fmt.Fprintf(w, "listening on %s\n"+
		"try it (a token of the local test issuer, valid for %d minutes, and the API key):\n"+
		"curl -H 'Authorization: Bearer %s' %s/v1/payments\n"+
		"curl -H %s %s/keys/payments\n",
		base, int(providertest.IssuerTokenLifetime.Minutes()), tok, base, quoted, base)
	return err
}

// token mints a token for the subject "alice" with the claims the JWT guard
// requires, overlaid with claims.
func (e *Env) token(claims map[string]any) (string, error) {
	c := map[string]any{"sub": "alice", "aud": Audience}
	for k, v := range claims {
		c[k] = v
	}
	return e.issuer.Token(c)
}
