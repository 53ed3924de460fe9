package inbound_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"math/big"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// checksumRef is NewAPIKey's checksum written another way: the
// CRC-32 as a big integer in base 62, left-padded to six digits.
func checksumRef(s string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	n := new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(s))))
	var out []byte
	for n.Sign() > 0 {
		m := new(big.Int)
		n.DivMod(n, big.NewInt(62), m)
		out = append([]byte{alphabet[m.Int64()]}, out...)
	}
	return strings.Repeat("0", 6-len(out)) + string(out)
}

func TestNewAPIKeyFormat(t *testing.T) {
	for _, prefix := range []string{"$aact_prod_", "ghp_", "", "sk-live-"} {
		t.Run(prefix, func(t *testing.T) {
			seen := map[string]bool{}
			for range 200 {
				key, sum, err := inbound.NewAPIKey(prefix)
				if err != nil {
					t.Fatal(err)
				}
				if seen[key] {
					t.Fatal("the same key twice")
				}
				seen[key] = true
				if len(key) != len(prefix)+36 || !strings.HasPrefix(key, prefix) {
					t.Fatalf("key of length %d", len(key))
				}
				body := key[len(prefix):]
				if strings.Trim(body, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
					t.Fatal("a character outside base62")
				}
				if got, want := key[len(key)-6:], checksumRef(key[:len(key)-6]); got != want {
					t.Fatalf("checksum %s, want %s", got, want)
				}
				if sum != sha256.Sum256([]byte(key)) {
					t.Fatal("sum is not the key's SHA-256")
				}
			}
		})
	}
	// The check value of CRC-32 (IEEE): "123456789" -> 0xCBF43926, which
	// is "3jZRME" in base62.
	if got := checksumRef("123456789"); got != "3jZRME" {
		t.Fatalf("reference checksum %q", got)
	}
}

func TestNewAPIKeyUniform(t *testing.T) {
	// Every base62 character appears, none far more often than the others.
	counts := map[rune]int{}
	for range 2000 {
		key, _, _ := inbound.NewAPIKey("")
		for _, c := range key[:30] {
			counts[c]++
		}
	}
	if len(counts) != 62 {
		t.Fatalf("%d distinct characters, want 62", len(counts))
	}
	for c, n := range counts { // mean 60000/62 ≈ 968, σ ≈ 31
		if n < 800 || n > 1150 {
			t.Errorf("%q appears %d times", c, n)
		}
	}
}

func TestNewAPIKeyBadPrefix(t *testing.T) {
	for _, prefix := range []string{"a b", "key\n", "é_", strings.Repeat("p", 477)} {
		key, _, err := inbound.NewAPIKey(prefix)
		if err == nil || key != "" || !errors.Is(err, inbound.ErrInvalidConfig) || !strings.HasPrefix(err.Error(), "inbound: NewAPIKey: ") {
			t.Errorf("NewAPIKey(%q) = %q, %v", prefix, key, err)
		}
	}
	if _, _, err := inbound.NewAPIKey(strings.Repeat("p", 476)); err != nil {
		t.Errorf("a 476-byte prefix: %v", err)
	}
}

// countingStore is a KeyStore of NewAPIKey keys that counts its lookups.
type countingStore struct {
	inbound.KeyStore
	calls int
}

func (s *countingStore) Lookup(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
	s.calls++
	return s.KeyStore.Lookup(ctx, sum)
}

func issue(t testing.TB, prefix string) string {
	t.Helper()
	key, _, err := inbound.NewAPIKey(prefix)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// flip changes the character at i to another base62 one.
func flip(key string, i int) string {
	b := []byte(key)
	if b[i] == 'a' {
		b[i] = 'b'
	} else {
		b[i] = 'a'
	}
	return string(b)
}

// TestAPIKeyChecksum: with Checksum, a key whose checksum does not match, a
// key of another shape or a key of the other environment is refused without
// asking the store; a good key passes.
func TestAPIKeyChecksum(t *testing.T) {
	prod, sandbox := issue(t, "$aact_prod_"), issue(t, "$aact_hmlg_")
	bare := issue(t, "")
	store := &countingStore{KeyStore: inbound.HashedKeys(map[string]*inbound.Principal{
		prod: {Subject: "p"}, sandbox: {Subject: "s"}, bare: {Subject: "b"},
	})}
	withEnv := mustAPIKey(t, store, &inbound.APIKeyOptions{Checksum: true, Environments: asaasEnvironments, Environment: "production"})
	noEnv := mustAPIKey(t, store, &inbound.APIKeyOptions{Checksum: true})
	tests := []struct {
		name string
		v    inbound.Validator
		key  string
		code string // "" = accepted
	}{
		{"good key", withEnv, prod, ""},
		{"good key, no environments", noEnv, bare, ""},
		{"good prefixed key, no environments", noEnv, prod, ""},
		{"random part changed", withEnv, flip(prod, 15), inbound.CodeInvalidAccessTokenFormat},
		{"checksum changed", withEnv, flip(prod, len(prod)-1), inbound.CodeInvalidAccessTokenFormat},
		{"checksum changed, no environments", noEnv, flip(bare, 35), inbound.CodeInvalidAccessTokenFormat},
		{"other environment", withEnv, sandbox, inbound.CodeInvalidEnvironment},
		{"prefix of another environment, checksum of this one", withEnv, "$aact_hmlg_" + prod[len("$aact_prod_"):], inbound.CodeInvalidAccessTokenFormat},
		{"non-base62 character", withEnv, prod[:20] + "-" + prod[21:], inbound.CodeInvalidAccessTokenFormat},
		{"one character more", withEnv, prod + "0", inbound.CodeInvalidAccessTokenFormat},
		{"one character less", withEnv, prod[:len(prod)-1], inbound.CodeInvalidAccessTokenFormat},
		{"overlong", withEnv, prod + strings.Repeat("A", 600), inbound.CodeInvalidAccessTokenFormat},
		{"too short, no environments", noEnv, bare[1:], inbound.CodeInvalidAccessTokenFormat},
		{"legacy key", withEnv, prodKey, inbound.CodeInvalidAccessTokenFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store.calls = 0
			_, err := tt.v.Validate(akRequest("access_token", tt.key))
			if tt.code == "" {
				if err != nil || store.calls != 1 {
					t.Fatalf("err %v after %d lookups", err, store.calls)
				}
				return
			}
			if !errors.Is(err, &inbound.Error{Code: tt.code}) {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if store.calls != 0 {
				t.Errorf("the store was asked %d times", store.calls)
			}
		})
	}
}

// TestAPIKeyChecksumFlood: 100,000 random keys with a valid prefix make no
// store lookup with Checksum on (a random key passes with odds of 2^-32).
func TestAPIKeyChecksumFlood(t *testing.T) {
	store := &countingStore{KeyStore: akStore()}
	v := mustAPIKey(t, store, &inbound.APIKeyOptions{Checksum: true, Environments: asaasEnvironments, Environment: "production"})
	r := akRequest("access_token", "x")
	for range 100_000 {
		r.Header["Access_token"][0] = "$aact_prod_" + rand.Text()[:26] + rand.Text()[:10]
		if _, err := v.Validate(r); !errors.Is(err, &inbound.Error{Code: inbound.CodeInvalidAccessTokenFormat}) {
			t.Fatalf("err = %v", err)
		}
	}
	if store.calls != 0 {
		t.Fatalf("%d store lookups, want 0", store.calls)
	}
}

func TestAPIKeyChecksumConfig(t *testing.T) {
	_, err := inbound.APIKey(akStore(), &inbound.APIKeyOptions{Checksum: true, MaxKeyLength: 40, Environments: map[string]string{"$aact_prod_": "p"}})
	if !errors.Is(err, inbound.ErrInvalidConfig) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a prefix whose keys exceed MaxKeyLength: %v", err)
	}
}
