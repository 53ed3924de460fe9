package inbound

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

func TestStaticKeysRejects(t *testing.T) {
	k := fixtures()
	weakRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: big.NewInt(1), Y: big.NewInt(1)}
	tests := []struct {
		name string
		key  any
	}{
		{"1024-bit RSA", &weakRSA.PublicKey},
		{"RSA exponent 1", &rsa.PublicKey{N: k.rsa.N, E: 1}},
		{"RSA private key", k.rsa},
		{"EC private key", k.ec},
		{"Ed25519 private key", k.ed},
		{"P-224", &p224.PublicKey},
		{"point off the curve", offCurve},
		{"short Ed25519", ed25519.PublicKey(make([]byte, 31))},
		{"31-byte HMAC secret", []byte(strings.Repeat("s", 31))},
		{"string secret", strings.Repeat("s", 40)},
		{"nil", nil},
		{"nil RSA pointer", (*rsa.PublicKey)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks, err := StaticKeys(map[string]any{"k": tt.key})
			if err == nil || ks != nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), "inbound: StaticKeys") {
				t.Fatalf("error %q", err)
			}
			if s, ok := tt.key.([]byte); ok && strings.Contains(err.Error(), string(s)) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
	if _, err := StaticKeys(nil); err == nil {
		t.Fatal("empty set accepted")
	}
}

func TestStaticKeysLookup(t *testing.T) {
	k := fixtures()
	secret := []byte(strings.Repeat("k", 48))
	ks, err := StaticKeys(map[string]any{
		"rsa":   &k.rsa.PublicKey,
		"ec":    &k.ec.PublicKey,
		"ec384": &k.ec384.PublicKey,
		"ed":    k.ed.Public(),
		"hmac":  secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	secret[0] = 'X' // the set holds a copy
	tests := []struct {
		kid, alg string
		want     error
	}{
		{"rsa", "RS256", nil},
		{"rsa", "PS512", nil},
		{"rsa", "HS256", ErrWrongKeyType},
		{"rsa", "ES256", ErrWrongKeyType},
		{"ec", "ES256", nil},
		{"ec", "ES384", ErrWrongKeyType},
		{"ec384", "ES384", nil},
		{"ec384", "ES256", ErrWrongKeyType},
		{"ed", "EdDSA", nil},
		{"ed", "HS256", ErrWrongKeyType},
		{"hmac", "HS256", nil},
		{"hmac", "HS384", nil},
		{"hmac", "HS512", ErrWrongKeyType}, // 48 bytes < 64: too short for HS512
		{"hmac", "RS256", ErrWrongKeyType},
		{"missing", "RS256", ErrUnknownKey},
		{"", "RS256", nil}, // the only RSA key
		{"", "ES256", nil},
		{"", "HS512", ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.kid+"/"+tt.alg, func(t *testing.T) {
			key, err := ks.Key(context.Background(), tt.kid, tt.alg)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if err == nil && !keyFitsAlg(key, tt.alg) {
				t.Fatalf("key %T for %s", key, tt.alg)
			}
			if b, ok := key.([]byte); ok && b[0] == 'X' {
				t.Fatal("the set shares the caller's secret slice")
			}
		})
	}
	// The same key object comes back each time: the cache relies on it.
	a, _ := ks.Key(context.Background(), "hmac", "HS256")
	b, _ := ks.Key(context.Background(), "hmac", "HS256")
	if !sameKey(a, b) {
		t.Fatal("not the same key object")
	}
}

func TestStaticKeysRedaction(t *testing.T) {
	secret := "super-secret-hmac-key-material-0123456789"
	ks, err := StaticKeys(map[string]any{"h": []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	opts := JWTOptions{Keys: ks, Algorithms: []string{"HS256"}}
	hexSecret := fmt.Sprintf("%x", secret)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, val := range []any{ks, opts, &opts} {
			out := fmt.Sprintf(format, val)
			if strings.Contains(out, secret) || strings.Contains(out, hexSecret) || strings.Contains(out, "115 117 112") {
				t.Errorf("%s of %T leaks the secret: %s", format, val, out)
			}
		}
	}
	if got := fmt.Sprint(ks); got != `inbound.StaticKeys("h":oct)` {
		t.Errorf("String() = %s", got)
	}
}

func TestSameKey(t *testing.T) {
	k := fixtures()
	pub := k.ed.Public().(ed25519.PublicKey)
	cp := append(ed25519.PublicKey(nil), pub...)
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"same RSA pointer", &k.rsa.PublicKey, &k.rsa.PublicKey, true},
		{"equal RSA, other pointer", &k.rsa.PublicKey, &rsa.PublicKey{N: k.rsa.N, E: k.rsa.E}, false},
		{"same Ed25519 slice", pub, pub, true},
		{"copied Ed25519 slice", pub, cp, false},
		{"bytes vs Ed25519", []byte(pub), pub, false},
		{"nil", nil, nil, false},
		{"empty bytes", []byte{}, []byte{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameKey(tt.a, tt.b); got != tt.want {
				t.Fatalf("sameKey = %v", got)
			}
		})
	}
}
