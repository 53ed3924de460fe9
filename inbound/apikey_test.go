package inbound_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

const (
	prodKey    = "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmFjY291bnQ"
	sandboxKey = "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OnNhbmRib3g"
	revokedKey = "$aact_prod_000revokedrevokedrevokedrevokedrevokedrevokedrevoked"
)

var asaasEnvironments = map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"}

func akStore() inbound.KeyStore {
	return inbound.HashedKeys(map[string]*inbound.Principal{
		prodKey:    {Subject: "acct-prod", KeyID: "k1", Scopes: []string{"payments"}},
		sandboxKey: {Subject: "acct-sandbox", KeyID: "k2"},
	})
}

func akRequest(headers ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

func mustAPIKey(t testing.TB, store inbound.KeyStore, opts *inbound.APIKeyOptions) inbound.Validator {
	t.Helper()
	v, err := inbound.APIKey(store, opts)
	if err != nil {
		t.Fatalf("APIKey: %v", err)
	}
	return v
}

// failingStore is a KeyStore whose database is down.
type failingStore struct{ calls atomic.Int64 }

func (s *failingStore) Lookup(context.Context, [32]byte) (*inbound.Principal, error) {
	s.calls.Add(1)
	return nil, errors.New("db: connection refused")
}

// funcStore adapts a function to KeyStore.
type funcStore func(ctx context.Context, sum [32]byte) (*inbound.Principal, error)

func (f funcStore) Lookup(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
	return f(ctx, sum)
}

func TestAPIKey(t *testing.T) {
	production := &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"}
	tests := []struct {
		name    string
		opts    *inbound.APIKeyOptions
		headers []string
		status  int
		code    string
		subject string
		env     string
	}{
		{name: "valid production key", opts: production, headers: []string{"access_token", prodKey},
			subject: "acct-prod", env: "production"},
		{name: "header name case-insensitive", opts: production, headers: []string{"ACCESS_TOKEN", prodKey},
			subject: "acct-prod", env: "production"},
		{name: "missing header", opts: production, headers: nil,
			status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "empty header", opts: production, headers: []string{"access_token", ""},
			status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "key in another header", opts: production, headers: []string{"Authorization", prodKey},
			status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "several headers", opts: production, headers: []string{"access_token", prodKey, "access_token", prodKey},
			status: 400, code: inbound.CodeInvalidRequest},
		{name: "no known prefix", opts: production, headers: []string{"access_token", "sk_live_abcdef"},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "prefix only", opts: production, headers: []string{"access_token", "$aact_prod_"},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "space inside", opts: production, headers: []string{"access_token", "$aact_prod_abc def"},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "control byte", opts: production, headers: []string{"access_token", "$aact_prod_abc\x01"},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "non-ASCII", opts: production, headers: []string{"access_token", "$aact_prod_çava"},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "too long", opts: production, headers: []string{"access_token", "$aact_prod_" + strings.Repeat("a", 600)},
			status: 401, code: inbound.CodeInvalidAccessTokenFormat},
		{name: "sandbox key on production", opts: production, headers: []string{"access_token", sandboxKey},
			status: 401, code: inbound.CodeInvalidEnvironment},
		{name: "unknown key", opts: production, headers: []string{"access_token", revokedKey},
			status: 401, code: inbound.CodeInvalidAccessToken},
		{name: "any environment accepted", opts: &inbound.APIKeyOptions{Environments: asaasEnvironments},
			headers: []string{"access_token", sandboxKey}, subject: "acct-sandbox", env: "sandbox"},
		{name: "no environments", opts: nil, headers: []string{"access_token", prodKey}, subject: "acct-prod"},
		{name: "custom header", opts: &inbound.APIKeyOptions{Header: "X-Api-Key"},
			headers: []string{"x-api-key", prodKey}, subject: "acct-prod"},
		{name: "custom header, default one ignored", opts: &inbound.APIKeyOptions{Header: "X-Api-Key"},
			headers: []string{"access_token", prodKey}, status: 401, code: inbound.CodeAccessTokenNotFound},
		{name: "longer max length", opts: &inbound.APIKeyOptions{MaxKeyLength: 2048},
			headers: []string{"access_token", strings.Repeat("k", 1500)}, status: 401, code: inbound.CodeInvalidAccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustAPIKey(t, akStore(), tt.opts)
			r := akRequest(tt.headers...)
			p, err := v.Validate(r)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if p.Subject != tt.subject || p.Scheme != "APIKey" || p.Environment != tt.env {
					t.Fatalf("Principal = %+v, want subject %q, scheme APIKey, environment %q", p, tt.subject, tt.env)
				}
				return
			}
			e, ok := inbound.AsError(err)
			if !ok {
				t.Fatalf("Validate error = %v (%T), want *inbound.Error", err, err)
			}
			if p != nil {
				t.Errorf("Principal = %+v on error", p)
			}
			if e.Status != tt.status || e.Code != tt.code {
				t.Errorf("got %d %s, want %d %s", e.Status, e.Code, tt.status, tt.code)
			}
			if e.Challenge != inbound.ChallengeNone {
				t.Errorf("Challenge = %v, want ChallengeNone", e.Challenge)
			}
			if e.Description == "" {
				t.Error("empty Description")
			}
			for i := 1; i < len(tt.headers); i += 2 {
				if k := tt.headers[i]; len(k) > 8 && strings.Contains(fmt.Sprintf("%v %+v %#v", err, e, e), k) {
					t.Errorf("the key appears in the error: %v", err)
				}
			}
		})
	}
}

func TestAPIKeyStoreErrors(t *testing.T) {
	t.Run("store down is 503 and keeps the cause", func(t *testing.T) {
		store := &failingStore{}
		v := mustAPIKey(t, store, nil)
		_, err := v.Validate(akRequest("access_token", prodKey))
		e, _ := inbound.AsError(err)
		if e == nil || e.Status != 503 || e.Code != inbound.CodeKeyStoreUnavailable {
			t.Fatalf("err = %v, want 503 key_store_unavailable", err)
		}
		if e.Err == nil || !strings.Contains(e.Err.Error(), "connection refused") {
			t.Errorf("cause = %v, want the store's error", e.Err)
		}
		if strings.Contains(err.Error(), prodKey) {
			t.Errorf("key in error: %v", err)
		}
	})
	t.Run("format and environment are checked before the store", func(t *testing.T) {
		store := &failingStore{}
		v := mustAPIKey(t, store, &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"})
		for _, key := range []string{"nope", sandboxKey, ""} {
			if _, err := v.Validate(akRequest("access_token", key)); err == nil {
				t.Fatalf("key %q accepted", key)
			}
		}
		if n := store.calls.Load(); n != 0 {
			t.Errorf("store called %d times, want 0", n)
		}
	})
	t.Run("wrapped ErrKeyNotFound is 401", func(t *testing.T) {
		v := mustAPIKey(t, funcStore(func(context.Context, [32]byte) (*inbound.Principal, error) {
			return nil, fmt.Errorf("revoked on 2024-06-13: %w", inbound.ErrKeyNotFound)
		}), nil)
		_, err := v.Validate(akRequest("access_token", prodKey))
		if !errors.Is(err, &inbound.Error{Code: inbound.CodeInvalidAccessToken}) || !errors.Is(err, inbound.ErrKeyNotFound) {
			t.Fatalf("err = %v, want invalid_access_token wrapping ErrKeyNotFound", err)
		}
	})
	t.Run("nil principal without error fails closed", func(t *testing.T) {
		v := mustAPIKey(t, funcStore(func(context.Context, [32]byte) (*inbound.Principal, error) { return nil, nil }), nil)
		_, err := v.Validate(akRequest("access_token", prodKey))
		if !errors.Is(err, &inbound.Error{Code: inbound.CodeInvalidAccessToken}) {
			t.Fatalf("err = %v, want invalid_access_token", err)
		}
	})
	t.Run("custom store receives the SHA-256 and the request context", func(t *testing.T) {
		type ctxKey struct{}
		want := sha256.Sum256([]byte(prodKey))
		shared := &inbound.Principal{Subject: "db-user", Scheme: "APIKey", Environment: "production"}
		v := mustAPIKey(t, funcStore(func(ctx context.Context, sum [32]byte) (*inbound.Principal, error) {
			if ctx.Value(ctxKey{}) != "yes" {
				t.Error("store did not get the request context")
			}
			if sum != want {
				return nil, inbound.ErrKeyNotFound
			}
			return shared, nil
		}), &inbound.APIKeyOptions{Environments: asaasEnvironments})
		r := akRequest("access_token", prodKey)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "yes"))
		p, err := v.Validate(r)
		if err != nil {
			t.Fatal(err)
		}
		if p != shared {
			t.Error("a complete Principal was copied; want it returned as is")
		}
	})
	t.Run("custom store Principal is completed, not modified", func(t *testing.T) {
		shared := &inbound.Principal{Subject: "db-user"}
		v := mustAPIKey(t, funcStore(func(context.Context, [32]byte) (*inbound.Principal, error) { return shared, nil }),
			&inbound.APIKeyOptions{Environments: asaasEnvironments})
		p, err := v.Validate(akRequest("access_token", sandboxKey))
		if err != nil {
			t.Fatal(err)
		}
		if p.Scheme != "APIKey" || p.Environment != "sandbox" || p.Subject != "db-user" {
			t.Errorf("Principal = %+v", p)
		}
		if shared.Scheme != "" || shared.Environment != "" {
			t.Errorf("the store's Principal was modified: %+v", shared)
		}
	})
}

func TestAPIKeyConfig(t *testing.T) {
	tests := []struct {
		name  string
		store inbound.KeyStore
		opts  *inbound.APIKeyOptions
	}{
		{"nil store", nil, nil},
		{"header with space", akStore(), &inbound.APIKeyOptions{Header: "access token"}},
		{"header with colon", akStore(), &inbound.APIKeyOptions{Header: "access:token"}},
		{"negative max length", akStore(), &inbound.APIKeyOptions{MaxKeyLength: -1}},
		{"huge max length", akStore(), &inbound.APIKeyOptions{MaxKeyLength: 1 << 20}},
		{"empty prefix", akStore(), &inbound.APIKeyOptions{Environments: map[string]string{"": "production"}}},
		{"prefix with space", akStore(), &inbound.APIKeyOptions{Environments: map[string]string{"a b": "production"}}},
		{"empty environment name", akStore(), &inbound.APIKeyOptions{Environments: map[string]string{"p_": ""}}},
		{"unknown environment", akStore(), &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "staging"}},
		{"environment without prefixes", akStore(), &inbound.APIKeyOptions{Environment: "production"}},
		{"prefix as long as max", akStore(), &inbound.APIKeyOptions{MaxKeyLength: 4, Environments: map[string]string{"abcd": "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := inbound.APIKey(tt.store, tt.opts)
			if err == nil {
				t.Fatalf("APIKey accepted the config: %v", v)
			}
			if !errors.Is(err, inbound.ErrInvalidConfig) {
				t.Errorf("%v does not wrap ErrInvalidConfig", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "inbound: APIKey: ") || strings.Count(line, "inbound:") != 1 {
					t.Errorf("message %q", line)
				}
			}
		})
	}
}

// TestAPIKeyConfigErrorsJoined: every mistake of one APIKey configuration is
// reported at once, each wrapping ErrInvalidConfig, and a store holding an
// unpresentable key adds its own (which wraps ErrInvalidKey as well).
func TestAPIKeyConfigErrorsJoined(t *testing.T) {
	_, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{"": {Subject: "acme"}}), &inbound.APIKeyOptions{
		Header: "a b", MaxKeyLength: -1,
		Environments: map[string]string{"x y": "production", "p_": ""}, Environment: "staging",
	})
	want := []string{`header name "a b"`, "MaxKeyLength -1", `prefix "x y"`, `prefix "p_"`, `Environment "staging"`, `Subject "acme"`}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok || len(joined.Unwrap()) != len(want) {
		t.Fatalf("want %d joined errors, got %v", len(want), err)
	}
	if !errors.Is(err, inbound.ErrInvalidConfig) || !errors.Is(err, inbound.ErrInvalidKey) {
		t.Errorf("%v does not wrap ErrInvalidConfig and ErrInvalidKey", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q missing from %v", w, err)
		}
	}
	if _, err := inbound.APIKey(nil, &inbound.APIKeyOptions{Header: "a b"}); err == nil || !strings.Contains(err.Error(), "nil KeyStore") ||
		!strings.Contains(err.Error(), "header name") {
		t.Errorf("nil store and bad header: %v", err)
	}
}

func TestAPIKeyLongestPrefixWins(t *testing.T) {
	v := mustAPIKey(t, akStore(), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_": "legacy", "$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if _, err := v.Validate(akRequest("access_token", prodKey)); err != nil {
		t.Fatalf("production key: %v", err)
	}
	_, err := v.Validate(akRequest("access_token", "$aact_other"))
	if !errors.Is(err, &inbound.Error{Code: inbound.CodeInvalidEnvironment}) {
		t.Fatalf("legacy key: %v, want invalid_environment", err)
	}
}

func TestHashedKeys(t *testing.T) {
	keys := map[string]*inbound.Principal{prodKey: {Subject: "a", Scopes: []string{"x"}}, "k2": nil}
	store := inbound.HashedKeys(keys)
	keys[prodKey].Subject = "changed later"
	keys[prodKey].Scopes[0] = "changed"

	p, err := store.Lookup(context.Background(), sha256.Sum256([]byte(prodKey)))
	if err != nil || p.Subject != "a" || p.Scheme != "APIKey" || p.Scopes[0] != "x" {
		t.Fatalf("Lookup = %+v, %v; want a copy made at construction", p, err)
	}
	if p, err := store.Lookup(context.Background(), sha256.Sum256([]byte("k2"))); err != nil || p == nil {
		t.Errorf("nil Principal entry: %+v, %v", p, err)
	}
	if _, err := store.Lookup(context.Background(), sha256.Sum256([]byte("k3"))); !errors.Is(err, inbound.ErrKeyNotFound) {
		t.Errorf("unknown key: %v, want ErrKeyNotFound", err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, store); strings.Contains(s, prodKey) || strings.Contains(s, "k2") || !strings.Contains(s, "2 keys") {
			t.Errorf("Sprintf(%q) = %q", f, s)
		}
	}
}

// TestHashedKeysRefusesUnpresentableKeys: a key no request can present (an
// unset environment variable, a newline read from a file) is a construction
// error wrapping ErrInvalidKey that names the Principal and never the key,
// from NewHashedKeys and from APIKey over HashedKeys; the store itself fails
// closed with that error (503), never 401 for everyone.
func TestHashedKeysRefusesUnpresentableKeys(t *testing.T) {
	const secret = "$aact_prod_secretvalue"
	tests := []struct {
		name string
		keys map[string]*inbound.Principal
		want []string // in the message
	}{
		{"empty key", map[string]*inbound.Principal{"": {Subject: "acme", KeyID: "k7"}, prodKey: {Subject: "ok"}},
			[]string{"empty key", `Subject "acme"`, `KeyID "k7"`}},
		{"empty key, nil Principal", map[string]*inbound.Principal{"": nil}, []string{"empty key", `Subject ""`}},
		{"trailing newline", map[string]*inbound.Principal{secret + "\n": {Subject: "acme"}},
			[]string{"control or non-ASCII", `Subject "acme"`}},
		{"inner space", map[string]*inbound.Principal{"$aact_prod_ " + secret: {Subject: "acme"}}, []string{"space"}},
		{"two bad keys", map[string]*inbound.Principal{"": {Subject: "a"}, "\x00" + secret: {Subject: "b"}},
			[]string{`Subject "a"`, `Subject "b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, inbound.ErrInvalidKey) || !errors.Is(err, inbound.ErrInvalidConfig) {
					t.Fatalf("%s: %v, want ErrInvalidKey and ErrInvalidConfig", what, err)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "inbound: HashedKeys: ") || strings.Contains(msg, secret) || strings.Contains(msg, "secretvalue") {
					t.Errorf("%s: message %q", what, msg)
				}
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: message %q lacks %q", what, msg, w)
					}
				}
			}
			store, err := inbound.NewHashedKeys(tt.keys)
			if store != nil {
				t.Errorf("NewHashedKeys returned a store with its error")
			}
			check("NewHashedKeys", err)
			v, err := inbound.APIKey(inbound.HashedKeys(tt.keys), nil)
			if v != nil {
				t.Errorf("APIKey accepted the store")
			}
			check("APIKey", err)
			_, err = inbound.HashedKeys(tt.keys).Lookup(context.Background(), sha256.Sum256([]byte(prodKey)))
			check("Lookup", err)
			if errors.Is(err, inbound.ErrKeyNotFound) {
				t.Error("Lookup on a misconfigured store says not found: that is 401 for everyone, not a loud failure")
			}
		})
	}
}

func TestNewHashedKeys(t *testing.T) {
	store, err := inbound.NewHashedKeys(map[string]*inbound.Principal{prodKey: {Subject: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	v := mustAPIKey(t, store, nil)
	if p, err := v.Validate(akRequest("access_token", prodKey)); err != nil || p.Subject != "a" {
		t.Fatalf("Validate = %+v, %v", p, err)
	}
	if _, err := inbound.NewHashedKeys(nil); err != nil {
		t.Errorf("no keys: %v; an empty store refuses every key, which is not an error", err)
	}
}

func TestAPIKeyRefusesKeysLongerThanMaxKeyLength(t *testing.T) {
	long := "$aact_prod_" + strings.Repeat("x", 600)
	_, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{long: {Subject: "a"}}), nil)
	if !errors.Is(err, inbound.ErrInvalidKey) || strings.Contains(err.Error(), "xxxx") {
		t.Fatalf("a key over the default MaxKeyLength: %v, want ErrInvalidKey", err)
	}
	if _, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{long: {Subject: "a"}}),
		&inbound.APIKeyOptions{MaxKeyLength: 1024}); err != nil {
		t.Fatalf("with MaxKeyLength 1024: %v", err)
	}
}

func TestAPIKeyEnvironmentCacheIsPerEnvironment(t *testing.T) {
	// Two validators with different prefix maps share one store: each must
	// see its own environment, whichever ran first.
	store := akStore()
	a := mustAPIKey(t, store, &inbound.APIKeyOptions{Environments: map[string]string{"$aact_prod_": "production"}})
	b := mustAPIKey(t, store, &inbound.APIKeyOptions{Environments: map[string]string{"$aact_": "any"}})
	for range 3 {
		pa, errA := a.Validate(akRequest("access_token", prodKey))
		pb, errB := b.Validate(akRequest("access_token", prodKey))
		if errA != nil || errB != nil || pa.Environment != "production" || pb.Environment != "any" {
			t.Fatalf("got %+v %v / %+v %v", pa, errA, pb, errB)
		}
	}
}

func TestAPIKeyConcurrent(t *testing.T) {
	v := mustAPIKey(t, akStore(), &inbound.APIKeyOptions{Environments: asaasEnvironments})
	done := make(chan error)
	for i := range 8 {
		go func() {
			key := prodKey
			if i%2 == 1 {
				key = sandboxKey
			}
			var err error
			for range 200 {
				var p *inbound.Principal
				if p, err = v.Validate(akRequest("access_token", key)); err != nil {
					break
				}
				if (p.Environment == "production") != (key == prodKey) {
					err = fmt.Errorf("wrong environment %q", p.Environment)
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestAPIKeyAllocations(t *testing.T) {
	v := mustAPIKey(t, akStore(), &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"})
	r := akRequest("access_token", prodKey, "User-Agent", "my-app/1.0")
	both := inbound.All(inbound.UserAgent(), v)
	if _, err := both.Validate(r); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = both.Validate(r) }); n != 0 {
		t.Errorf("API key + User-Agent allocates %v times per request, want 0", n)
	}
}

func FuzzAPIKey(f *testing.F) {
	for _, s := range []string{prodKey, sandboxKey, "", "$aact_prod_", "$aact_", "a b", "\x00", strings.Repeat("$", 600)} {
		f.Add(s)
	}
	v := mustAPIKey(f, akStore(), &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"})
	// Every refusal's text is the same whatever the key: then no key can
	// appear in it.
	want := map[string]string{}
	for _, key := range []string{"", "nope", sandboxKey, revokedKey} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Access_token"] = []string{key}
		_, err := v.Validate(r)
		e, _ := inbound.AsError(err)
		want[e.Code] = err.Error()
	}
	if len(want) != 4 {
		f.Fatalf("reference errors: %v", want)
	}
	f.Fuzz(func(t *testing.T, key string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Access_token"] = []string{key}
		p, err := v.Validate(r)
		if err == nil {
			if key != prodKey || p == nil || p.Environment != "production" {
				t.Fatalf("accepted %q as %+v", key, p)
			}
			return
		}
		e, ok := inbound.AsError(err)
		if !ok || e.Status != 401 || err.Error() != want[e.Code] {
			t.Fatalf("Validate(%q) = %v, want one of %v", key, err, want)
		}
	})
}

func BenchmarkAPIKey(b *testing.B) {
	v := mustAPIKey(b, akStore(), &inbound.APIKeyOptions{Environments: asaasEnvironments, Environment: "production"})
	r := akRequest("access_token", prodKey, "User-Agent", "my-app/1.0")
	both := inbound.All(inbound.UserAgent(), v)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := both.Validate(r); err != nil {
			b.Fatal(err)
		}
	}
}
