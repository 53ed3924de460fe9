package inbound

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/hex"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// smallOrderEd25519 are the encodings of every Ed25519 point of order 1, 2,
// 4 or 8, canonical and not (y = p and y = p+1), with either sign bit.
func smallOrderEd25519(t testing.TB) map[string]ed25519.PublicKey {
	t.Helper()
	out := map[string]ed25519.PublicKey{}
	for name, h := range map[string]string{
		"all zero (order 4)":        "0000000000000000000000000000000000000000000000000000000000000000",
		"identity 01 00..00":        "0100000000000000000000000000000000000000000000000000000000000000",
		"order 8, first":            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"order 8, second":           "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"order 2 (y = p-1)":         "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"non-canonical 0 (y = p)":   "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"non-canonical 1 (y = p+1)": "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
		neg := append([]byte(nil), b...)
		neg[31] |= 0x80
		out[name+", sign bit set"] = neg
	}
	return out
}

// TestStaticKeysRefusesWeakKeys: every weak key is a construction error, and
// none panics.
func TestStaticKeysRefusesWeakKeys(t *testing.T) {
	k := fixtures()
	weak := map[string]any{
		"ECDSA nil X":                  &ecdsa.PublicKey{Curve: elliptic.P256(), Y: k.ec.Y},
		"ECDSA nil Y":                  &ecdsa.PublicKey{Curve: elliptic.P256(), X: k.ec.X},
		"ECDSA nil coordinates":        &ecdsa.PublicKey{Curve: elliptic.P256()},
		"ECDSA nil curve":              &ecdsa.PublicKey{X: k.ec.X, Y: k.ec.Y},
		"ECDSA look-alike curve":       &ecdsa.PublicKey{Curve: lookAlike{elliptic.P256()}, X: k.ec.X, Y: k.ec.Y},
		"ECDSA point off the curve":    &ecdsa.PublicKey{Curve: elliptic.P256(), X: k.ec.X, Y: new(big.Int).Add(k.ec.Y, big.NewInt(1))},
		"ECDSA negative X":             &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).Neg(k.ec.X), Y: k.ec.Y},
		"ECDSA point on another curve": &ecdsa.PublicKey{Curve: elliptic.P384(), X: k.ec.X, Y: k.ec.Y},
		"RSA exponent 3":               rsaPub{k.rsa.N, 3}.key(),
		"RSA exponent 65535":           rsaPub{k.rsa.N, 65535}.key(),
		"RSA even exponent":            rsaPub{k.rsa.N, 65538}.key(),
		"RSA nil modulus":              rsaPub{nil, 65537}.key(),
	}
	for name, key := range smallOrderEd25519(t) {
		weak["Ed25519 "+name] = key
	}
	for name, key := range weak {
		t.Run(name, func(t *testing.T) {
			ks, err := StaticKeys(map[string]any{"k": key})
			if err == nil || ks != nil {
				t.Fatal("accepted")
			}
		})
	}
}

type rsaPub struct {
	n *big.Int
	e int
}

func (r rsaPub) key() any {
	k := fixtures().rsa.PublicKey
	k.N, k.E = r.n, r.e
	return &k
}

// lookAlike is a Curve that is not the standard library's own.
type lookAlike struct{ elliptic.Curve }

// TestStaticKeysCopiesKeys: changing a key after StaticKeys checked it
// changes nothing in the set (a zeroed Ed25519 key would be of small order).
func TestStaticKeysCopiesKeys(t *testing.T) {
	k := fixtures()
	ed := append(ed25519.PublicKey(nil), k.ed.Public().(ed25519.PublicKey)...)
	ks, err := StaticKeys(map[string]any{"ed": ed})
	if err != nil {
		t.Fatal(err)
	}
	clear(ed)
	got, err := ks.Key(context.Background(), "ed", "EdDSA")
	if err != nil || func() error { _, err := checkKey(got); return err }() != nil {
		t.Fatalf("the set follows the caller's slice: %v", err)
	}
}

// TestSmallOrderEd25519Forgery shows why: with the identity as public key, a
// signature of R = identity and S = 0 verifies for any message.
func TestSmallOrderEd25519Forgery(t *testing.T) {
	identity := smallOrderEd25519(t)["identity 01 00..00"]
	sig := append(append([]byte(nil), identity...), make([]byte, 32)...)
	if !ed25519.Verify(identity, []byte("any claims at all"), sig) {
		t.Skip("this crypto/ed25519 refuses the forgery itself")
	}
	if _, err := StaticKeys(map[string]any{"k": identity}); err == nil {
		t.Fatal("the forging key was accepted")
	}
}

// TestJWKSSkipsWeakKeys: a weak key in a JWKS, at the first fetch or a
// refresh, is skipped and reported to OnError; the rest of the set works.
func TestJWKSSkipsWeakKeys(t *testing.T) {
	k := fixtures()
	good := jwk(k.ed.Public(), map[string]any{"kid": "good"})
	identity := jwk(smallOrderEd25519(t)["identity 01 00..00"], map[string]any{"kid": "identity"})
	zero := jwk(smallOrderEd25519(t)["all zero (order 4)"], map[string]any{"kid": "zero"})
	rsa3 := jwk(rsaPub{k.rsa.N, 3}.key(), map[string]any{"kid": "rsa3"})
	srv := newJWKSServer(t, jwksDoc(good, identity))
	var mu sync.Mutex
	var reported []string
	ks := newJWKS(t, srv.URL, &JWKSOptions{OnError: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err.Error())
	}})
	check := func(stage string, weakKIDs ...string) {
		t.Helper()
		if _, err := ks.Key(context.Background(), "good", "EdDSA"); err != nil {
			t.Fatalf("%s: good key: %v", stage, err)
		}
		for _, kid := range weakKIDs {
			if _, held := ks.keys.Load().byKID[kid]; held {
				t.Fatalf("%s: weak key %q kept", stage, kid)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(reported) != len(weakKIDs) {
			t.Fatalf("%s: reported %q, want %d skips", stage, reported, len(weakKIDs))
		}
		for _, r := range reported {
			if !strings.Contains(r, "skipped") {
				t.Fatalf("%s: report %q", stage, r)
			}
		}
		reported = nil
	}
	check("first fetch", "identity")
	srv.set(jwksDoc(good, zero, rsa3), http.StatusOK)
	if err := ks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("refresh", "zero", "rsa3")
	// And a token signed with the forged identity signature is refused.
	v := newTestValidator(t, func(o *JWTOptions) { o.Keys = ks; o.Algorithms = []string{"EdDSA"} })
	forged := b64([]byte(`{"alg":"EdDSA","kid":"identity"}`)) + "." + b64([]byte(mustJSON(t, claims(nil)))) + "." +
		b64(append(smallOrderEd25519(t)["identity 01 00..00"], make([]byte, 32)...))
	if _, err := v.Validate(bearerRequest(forged)); code(err) != CodeUnknownKey {
		t.Fatalf("forged token: %v", err)
	}
}

// TestHMACThroughValidator: the pooled HMAC (tested against crypto/hmac in
// internal/jose) through the validator, against golang-jwt's signer.
func TestHMACThroughValidator(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil))
	if _, err := v.Validate(bearerRequest(tok)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Validate(bearerRequest(flipSignatureBit(t, tok, 0))); !errors.Is(err, errBadSignature) {
		t.Fatalf("bad HS256 signature: %v", err)
	}
}
