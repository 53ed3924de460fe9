package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// The example of RFC 7638 §3.1.
func TestThumbprintRFC7638(t *testing.T) {
	n, _ := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	k := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	got, err := Thumbprint(k)
	if err != nil || got != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
		t.Fatalf("Thumbprint = %q, %v", got, err)
	}
}

func TestJWKShapes(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ed, _, _ := ed25519.GenerateKey(rand.Reader)
	for _, tt := range []struct {
		pub    crypto.PublicKey
		prefix string
	}{
		{&ec.PublicKey, `{"crv":"P-384","kty":"EC","x":"`},
		{ed, `{"crv":"Ed25519","kty":"OKP","x":"`},
	} {
		j, err := JWK(tt.pub)
		if err != nil || !strings.HasPrefix(string(j), tt.prefix) {
			t.Errorf("JWK = %s, %v", j, err)
		}
	}
	if _, err := JWK([]byte("secret")); err == nil {
		t.Error("JWK of an HMAC secret succeeded")
	}
}

func TestSignVerifiesWithGolangJWT(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, tt := range []struct {
		alg string
		key crypto.Signer
	}{
		{"RS256", rsaKey}, {"PS256", rsaKey}, {"PS512", rsaKey}, {"ES256", ec256}, {"ES512", ec521}, {"EdDSA", ed},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			tok, err := Sign(tt.key, tt.alg, []byte(`{"alg":"`+tt.alg+`"}`), []byte(`{"a":1}`))
			if err != nil {
				t.Fatal(err)
			}
			i := strings.LastIndexByte(tok, '.')
			sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
			if err := jwt.GetSigningMethod(tt.alg).Verify(tok[:i], sig, tt.key.Public()); err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
	if _, err := Sign(ec256, "RS256", []byte(`{}`), []byte(`{}`)); err == nil {
		t.Error("an EC key signed RS256")
	}
	if _, err := Sign(ec256, "ES384", []byte(`{}`), []byte(`{}`)); err == nil {
		t.Error("a P-256 key signed ES384")
	}
	if _, err := Sign(ec256, "HS256", []byte(`{}`), []byte(`{}`)); err == nil {
		t.Error("HS256 signed")
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p8, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, data := range map[string][]byte{
		"pkcs8":          pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		"sec1":           pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}),
		"pkcs1":          pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}),
		"after cert PEM": append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})...),
	} {
		if _, err := ParsePrivateKeyPEM(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"encrypted": pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}),
		"garbage":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a key")}),
	} {
		if _, err := ParsePrivateKeyPEM(data); err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "not a key") {
			t.Errorf("%s: error quotes the input: %v", name, err)
		}
	}
}

func TestCertThumbprintAndTokenHash(t *testing.T) {
	// RFC 9449 §7.1's example: ath of the token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU".
	if got := TokenHash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"); got != "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo" {
		t.Errorf("TokenHash = %s", got)
	}
	if got := CertThumbprint([]byte("x")); len(got) != 43 {
		t.Errorf("CertThumbprint length %d", len(got))
	}
}

func TestVerifyAndJWKRoundTrip(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, tt := range []struct {
		alg string
		key crypto.Signer
	}{{"RS256", rsaKey}, {"PS256", rsaKey}, {"ES256", ec}, {"EdDSA", ed}} {
		t.Run(tt.alg, func(t *testing.T) {
			jwk, _ := JWK(tt.key.Public())
			pub, err := PublicKeyFromJWK(jwk)
			if err != nil {
				t.Fatal(err)
			}
			tok, _ := Sign(tt.key, tt.alg, []byte(`{"alg":"x"}`), []byte(`{"a":1}`))
			if _, p, err := Verify(tok, tt.alg, pub); err != nil || string(p) != `{"a":1}` {
				t.Fatalf("Verify = %s, %v", p, err)
			}
			bad := tok[:len(tok)-2] + "AA"
			if tok[len(tok)-2:] == "AA" {
				bad = tok[:len(tok)-2] + "BA"
			}
			if _, _, err := Verify(bad, tt.alg, pub); err == nil {
				t.Fatal("tampered signature verified")
			}
		})
	}
	if _, err := PublicKeyFromJWK([]byte(`{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}`)); err == nil {
		t.Fatal("private JWK accepted")
	}
}
