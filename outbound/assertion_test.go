package outbound

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// formServer answers every POST with a token and hands the parsed forms to
// the test.
func formServer(t *testing.T, forms chan<- url.Values) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Header.Get("Authorization") != "" {
			r.PostForm.Set("_authorization", r.Header.Get("Authorization"))
		}
		forms <- r.PostForm
		_, _ = io.WriteString(w, `{"access_token":"at","token_type":"Bearer","expires_in":60}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPrivateKeyJWTAssertion(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	forms := make(chan url.Values, 2)
	srv := formServer(t, forms)
	now := time.Unix(1_800_000_000, 0)
	cc := &ClientCredentials{TokenURL: srv.URL + "/token", ClientID: "client-1", AuthStyle: AuthPrivateKeyJWT,
		Assertion: &ClientAssertion{Key: key, KeyID: "k1", Lifetime: 2 * time.Minute}, Now: func() time.Time { return now }}
	var jtis []string
	for range 2 {
		if _, err := cc.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		f := <-forms
		if f.Get("client_assertion_type") != ClientAssertionType || f.Get("client_id") != "client-1" ||
			f.Has("client_secret") || f.Get("_authorization") != "" {
			t.Fatalf("form %v", f)
		}
		h, p, err := jose.Verify(f.Get("client_assertion"), "ES256", key.Public())
		if err != nil {
			t.Fatal(err)
		}
		var hdr struct{ Alg, Kid, Typ string }
		var c struct {
			Iss, Sub, Aud, Jti string
			Iat, Exp           int64
		}
		if json.Unmarshal(h, &hdr) != nil || json.Unmarshal(p, &c) != nil {
			t.Fatal("malformed assertion")
		}
		if hdr.Alg != "ES256" || hdr.Kid != "k1" || c.Iss != "client-1" || c.Sub != "client-1" || c.Aud != cc.TokenURL ||
			c.Iat != now.Unix() || c.Exp != now.Add(2*time.Minute).Unix() || c.Jti == "" {
			t.Fatalf("header %+v, claims %+v", hdr, c)
		}
		jtis = append(jtis, c.Jti)
	}
	if jtis[0] == jtis[1] {
		t.Fatal("jti reused")
	}
}

func TestTLSClientAuthBody(t *testing.T) {
	forms := make(chan url.Values, 1)
	srv := formServer(t, forms)
	cc := &ClientCredentials{TokenURL: srv.URL, ClientID: "client-1", AuthStyle: AuthTLSClient}
	if _, err := cc.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := <-forms
	if f.Get("client_id") != "client-1" || f.Has("client_secret") || f.Has("client_assertion") || f.Get("_authorization") != "" {
		t.Fatalf("form %v", f)
	}
}

func TestClientAssertionErrors(t *testing.T) {
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	for name, a := range map[string]*ClientAssertion{
		"nil":           nil,
		"no key":        {},
		"P-384":         {Key: ec384},
		"RS256 with EC": {Key: ec, Algorithm: "RS256"},
		"small RSA":     {Key: small},
		"EdDSA":         {Key: ec, Algorithm: "EdDSA"},
		"long lifetime": {Key: ec, Lifetime: 6 * time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			cc := &ClientCredentials{TokenURL: "http://127.0.0.1:1/token", ClientID: "c", AuthStyle: AuthPrivateKeyJWT, Assertion: a}
			if _, err := cc.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "outbound") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestClientAssertionRedacted(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := ClientAssertion{Key: key, KeyID: "k1"}
	d := fmt.Sprint(key.D)
	nested, _ := json.Marshal(struct{ CC ClientCredentials }{ClientCredentials{Assertion: &a}})
	direct, _ := json.Marshal(struct{ A *ClientAssertion }{&a})
	for _, s := range []string{fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", &a), a.LogValue().String(), string(direct)} {
		if strings.Contains(s, d) || !strings.Contains(s, "REDACTED") {
			t.Errorf("printed %q", s)
		}
	}
	if strings.Contains(string(nested), d) {
		t.Errorf("nested JSON %s holds the key", nested)
	}
}

func TestValidateClientAuth(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, tt := range map[string]struct {
		c  ClientCredentials
		ok bool
	}{
		"private_key_jwt":             {ClientCredentials{AuthStyle: AuthPrivateKeyJWT, Assertion: &ClientAssertion{Key: ec}}, true},
		"private_key_jwt without key": {ClientCredentials{AuthStyle: AuthPrivateKeyJWT}, false},
		"private_key_jwt, bad alg":    {ClientCredentials{AuthStyle: AuthPrivateKeyJWT, Assertion: &ClientAssertion{Key: ec, Algorithm: "PS256"}}, false},
		"tls_client_auth":             {ClientCredentials{AuthStyle: AuthTLSClient}, true},
		"tls_client_auth with secret": {ClientCredentials{AuthStyle: AuthTLSClient, ClientSecret: "x"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			tt.c.TokenURL, tt.c.ClientID = "https://as.example/token", "c"
			err := tt.c.Validate()
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidConfig)) {
				t.Fatalf("Validate = %v", err)
			}
		})
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	k, err := ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil || !k.Public().(*ecdsa.PublicKey).Equal(key.Public()) {
		t.Fatalf("ParsePrivateKeyPEM = %v, %v", k, err)
	}
	if _, err := ParsePrivateKeyPEM([]byte("nothing")); err == nil || !strings.HasPrefix(err.Error(), "outbound: ") {
		t.Fatalf("err = %v", err)
	}
	var _ crypto.Signer = k
}
