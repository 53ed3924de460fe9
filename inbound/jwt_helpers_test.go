package inbound

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testKeys are generated once per test binary: RSA generation is slow.
type testKeys struct {
	rsa     *rsa.PrivateKey
	rsa2    *rsa.PrivateKey
	ec      *ecdsa.PrivateKey
	ec384   *ecdsa.PrivateKey
	ed      ed25519.PrivateKey
	hmac    []byte
	rsaPubB []byte // the RSA public key as PEM-ish bytes, for the HS/RS confusion attack
}

var fixtures = sync.OnceValue(func() *testKeys {
	k := &testKeys{}
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if k.rsa2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	if k.ec384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
		panic(err)
	}
	if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		panic(err)
	}
	k.hmac = []byte("0123456789abcdef0123456789abcdef-hmac-secret")
	k.rsaPubB = k.rsa.PublicKey.N.Bytes()
	return k
})

// testNow is the fixed clock of the tests.
var testNow = time.Unix(1_700_000_000, 0)

func fixedClock() time.Time { return testNow }

// staticTestKeys is the key set most tests use.
func staticTestKeys(t testing.TB) KeySet {
	t.Helper()
	k := fixtures()
	ks, err := StaticKeys(map[string]any{
		"rsa":  &k.rsa.PublicKey,
		"ec":   &k.ec.PublicKey,
		"ed":   k.ed.Public().(ed25519.PublicKey),
		"hmac": k.hmac,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// claims returns standard valid claims for testNow.
func claims(extra map[string]any) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": "https://issuer.example",
		"aud": "api",
		"sub": "user-1",
		"exp": testNow.Add(time.Hour).Unix(),
		"iat": testNow.Add(-time.Minute).Unix(),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// sign signs c with method and key, with the given header fields.
func sign(t testing.TB, method jwt.SigningMethod, key any, kid string, c jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signRaw builds a token from a raw header and claims, signed with method.
func signRaw(t testing.TB, method jwt.SigningMethod, key any, header map[string]any, c any) string {
	t.Helper()
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(c)
	input := b64(h) + "." + b64(p)
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newTestValidator(t testing.TB, mod func(*JWTOptions)) *jwtValidator {
	t.Helper()
	o := JWTOptions{
		Keys:       staticTestKeys(t),
		Algorithms: []string{"RS256", "ES256", "EdDSA", "HS256"},
		Issuer:     "https://issuer.example",
		Audience:   "api",
		Now:        fixedClock,
	}
	if mod != nil {
		mod(&o)
	}
	v, err := BearerJWT(o)
	if err != nil {
		t.Fatal(err)
	}
	return v.(*jwtValidator)
}

func bearerRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// mutableKeys is a KeySet whose keys a test can change.
type mutableKeys struct {
	mu sync.Mutex
	m  map[string]any
}

func (k *mutableKeys) Key(_ context.Context, kid, alg string) (any, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.m[kid]
	if !ok {
		return nil, ErrUnknownKey
	}
	if !keyFitsAlg(key, alg) {
		return nil, ErrWrongKeyType
	}
	return key, nil
}

func (k *mutableKeys) set(kid string, key any) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key == nil {
		delete(k.m, kid)
		return
	}
	k.m[kid] = key
}

// code returns the *Error's code, or "" for nil, or "not *Error".
func code(err error) string {
	if err == nil {
		return ""
	}
	e, ok := AsError(err)
	if !ok {
		return "not *Error: " + err.Error()
	}
	return e.Code
}

// flipSignatureBit flips bit i of the decoded signature of tok and encodes it
// again, so that the token still passes every check before the signature's.
func flipSignatureBit(t testing.TB, tok string, i int) string {
	t.Helper()
	dot := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	if err != nil || len(sig)*8 <= i {
		t.Fatalf("signature of %d bytes: %v", len(sig), err)
	}
	sig[i/8] ^= 1 << (i % 8)
	return tok[:dot+1] + b64(sig)
}
