package harness

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Algorithms returns the JWS algorithms the inbound comparison covers.
func Algorithms() []string { return []string{"HS256", "RS256", "ES256"} }

// kid is the key id every token carries and every key set holds.
const kid = "k1"

// poolSize is how many distinct tokens the first-sight benchmarks cycle
// through for alg: signing RS256 costs about a millisecond, so its pool is
// smaller.
func poolSize(alg string) int {
	switch alg {
	case "RS256":
		return 256
	case "ES256":
		return 1024
	}
	return 2048
}

// algKeys are one algorithm's signing and verifying keys, and a second key
// of the same type whose signatures must be refused.
type algKeys struct {
	method         jwt.SigningMethod
	sign, verify   any
	other          any // signs tokens that verify must refuse
	once           sync.Once
	pool           []string // distinct valid tokens, made on first use
	poolErr        error
	repeated, bad  string
	expired, unsig string
}

// Fixture holds the keys and tokens of the inbound comparison. Making one
// generates an RSA key, so make it once and share it.
type Fixture struct {
	keys   map[string]*algKeys
	APIKey string // a valid production API key, "$aact_prod_…"
	// OtherAPIKey is well formed but unknown to the store.
	OtherAPIKey string
}

// NewFixture generates the keys and the tokens the benchmarks reuse.
func NewFixture() (*Fixture, error) {
	f := &Fixture{keys: make(map[string]*algKeys)}
	hs, hsOther := make([]byte, 32), make([]byte, 32)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	rsaOther, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ecOther, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	_, _ = rand.Read(hs)
	_, _ = rand.Read(hsOther)
	f.keys["HS256"] = &algKeys{method: jwt.SigningMethodHS256, sign: hs, verify: hs, other: hsOther}
	f.keys["RS256"] = &algKeys{method: jwt.SigningMethodRS256, sign: rsaKey, verify: &rsaKey.PublicKey, other: rsaOther}
	f.keys["ES256"] = &algKeys{method: jwt.SigningMethodES256, sign: ecKey, verify: &ecKey.PublicKey, other: ecOther}

	now := time.Now()
	for _, k := range f.keys {
		if k.repeated, err = signToken(k.method, k.sign, now, "repeated"); err != nil {
			return nil, err
		}
		if k.bad, err = signToken(k.method, k.other, now, "bad"); err != nil {
			return nil, err
		}
		if k.expired, err = signToken(k.method, k.sign, now.Add(-2*time.Hour), "expired"); err != nil {
			return nil, err
		}
		if k.unsig, err = signToken(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, now, "none"); err != nil {
			return nil, err
		}
	}
	key := make([]byte, 24)
	_, _ = rand.Read(key)
	f.APIKey = "$aact_prod_" + hex.EncodeToString(key)
	_, _ = rand.Read(key)
	f.OtherAPIKey = "$aact_prod_" + hex.EncodeToString(key)
	return f, nil
}

// signToken signs the claims of a token issued at iat, valid for an hour.
func signToken(m jwt.SigningMethod, key any, iat time.Time, jti string) (string, error) {
	t := jwt.NewWithClaims(m, jwt.MapClaims{
		"sub": "user-42", "scope": "charges:read charges:write", "jti": jti,
		"iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(),
	})
	t.Header["kid"] = kid
	return t.SignedString(key)
}

func (f *Fixture) alg(alg string) (*algKeys, error) {
	k, ok := f.keys[alg]
	if !ok {
		return nil, fmt.Errorf("harness: no keys for %s", alg)
	}
	return k, nil
}

// pool returns alg's distinct tokens, signing them on first use.
func (f *Fixture) pool(alg string) ([]string, error) {
	k, err := f.alg(alg)
	if err != nil {
		return nil, err
	}
	k.once.Do(func() {
		now := time.Now()
		k.pool = make([]string, poolSize(alg))
		for i := range k.pool {
			if k.pool[i], k.poolErr = signToken(k.method, k.sign, now, strconv.Itoa(i)); k.poolErr != nil {
				return
			}
		}
	})
	return k.pool, k.poolErr
}
