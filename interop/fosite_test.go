package interop

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	josev3 "github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// fositeServer is an OAuth2 authorization server built with fosite: a token
// endpoint for the client credentials grant, whose clients authenticate
// with private_key_jwt, and a resource that accepts only the access tokens
// fosite itself issued (checked by fosite's introspection).
type fositeServer struct {
	*httptest.Server
	store    *storage.MemoryStore
	provider fosite.OAuth2Provider
}

func newFositeServer(t *testing.T) *fositeServer {
	t.Helper()
	s := &fositeServer{store: storage.NewMemoryStore()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("GET /v1/balance", s.resource)
	s.Server = httptest.NewTLSServer(mux)
	t.Cleanup(s.Close)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	cfg := &fosite.Config{GlobalSecret: secret, TokenURL: s.URL + "/oauth/token"}
	s.provider = compose.Compose(cfg, s.store, compose.NewOAuth2HMACStrategy(cfg),
		compose.OAuth2ClientCredentialsGrantFactory, compose.OAuth2TokenIntrospectionFactory)
	return s
}

// register adds a private_key_jwt client whose assertions must be signed
// with alg by the private key of pub.
func (s *fositeServer) register(id, alg, kid string, pub crypto.PublicKey) {
	s.store.Clients[id] = &fosite.DefaultOpenIDConnectClient{
		DefaultClient: &fosite.DefaultClient{ID: id, GrantTypes: []string{"client_credentials"},
			Scopes: []string{"payments", "balance"}},
		JSONWebKeys: &josev3.JSONWebKeySet{Keys: []josev3.JSONWebKey{
			{Key: pub, KeyID: kid, Algorithm: alg, Use: "sig"}}},
		TokenEndpointAuthMethod:           "private_key_jwt",
		TokenEndpointAuthSigningAlgorithm: alg,
	}
}

func (s *fositeServer) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, new(fosite.DefaultSession))
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// resource answers with the client id and granted scopes of the access
// token in the request, as fosite's introspection reads it.
func (s *fositeServer) resource(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		http.Error(w, "no bearer token", http.StatusUnauthorized)
		return
	}
	_, ar, err := s.provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, new(fosite.DefaultSession), "balance")
	if err != nil {
		http.Error(w, "token refused", http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, ar.GetClient().GetID()+" "+strings.Join(ar.GetGrantedScopes(), " "))
}

// assertionKeys are a key per assertion algorithm that outbound supports.
func assertionKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"RS256": rsaKey, "PS256": rsaKey, "ES256": ecKey}
}

// TestFositePrivateKeyJWT fetches tokens from fosite with private_key_jwt
// and spends them on a resource that fosite protects: each assertion
// algorithm, with and without a kid. Two fetches in a row also show that
// each assertion has a fresh jti (fosite refuses a jti it has seen).
func TestFositePrivateKeyJWT(t *testing.T) {
	srv := newFositeServer(t)
	for alg, key := range assertionKeys(t) {
		for _, kid := range []string{"", "key-" + alg} {
			t.Run(alg+"/kid="+kid, func(t *testing.T) {
				id := "client-" + alg + "-" + kid
				srv.register(id, alg, kid, key.Public())
				cc := &outbound.ClientCredentials{
					TokenURL: srv.URL + "/oauth/token", ClientID: id, Scopes: []string{"balance"},
					AuthStyle: outbound.AuthPrivateKeyJWT, Client: srv.Client(),
					Assertion: &outbound.ClientAssertion{Key: key, Algorithm: alg, KeyID: kid},
				}
				for range 2 {
					if _, err := cc.Fetch(context.Background()); err != nil {
						t.Fatalf("fetch: %v", err)
					}
				}
				src := outbound.NewSource(cc, nil)
				client := &http.Client{Transport: outbound.Chain(srv.Client().Transport, outbound.Bearer(src))}
				resp, err := client.Get(srv.URL + "/v1/balance")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK || string(body) != id+" balance" {
					t.Fatalf("resource: %d %q", resp.StatusCode, body)
				}
			})
		}
	}
}

// TestFositeRefusesBadAssertions checks that what fosite refuses comes back
// as a typed, permanent credential error that shows no assertion.
func TestFositeRefusesBadAssertions(t *testing.T) {
	srv := newFositeServer(t)
	keys := assertionKeys(t)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv.register("client-es", "ES256", "k1", keys["ES256"].Public())
	srv.register("client-rs", "RS256", "k1", keys["RS256"].Public())
	tests := []struct {
		name, client string
		a            outbound.ClientAssertion
	}{
		{"another key", "client-es", outbound.ClientAssertion{Key: other, KeyID: "k1"}},
		{"another algorithm than registered", "client-rs", outbound.ClientAssertion{Key: keys["PS256"], Algorithm: "PS256", KeyID: "k1"}},
		{"another audience", "client-es", outbound.ClientAssertion{Key: keys["ES256"], KeyID: "k1", Audience: "https://issuer.example"}},
		{"unknown client", "client-nobody", outbound.ClientAssertion{Key: keys["ES256"], KeyID: "k1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := &outbound.ClientCredentials{TokenURL: srv.URL + "/oauth/token", ClientID: tt.client,
				AuthStyle: outbound.AuthPrivateKeyJWT, Client: srv.Client(), Assertion: &tt.a}
			_, err := cc.Fetch(context.Background())
			if !errors.Is(err, outbound.ErrInvalidCredentials) {
				t.Fatalf("err = %v, want ErrInvalidCredentials", err)
			}
			if strings.Contains(err.Error(), "eyJ") {
				t.Fatalf("the error shows an assertion: %v", err)
			}
		})
	}
}
