package pgstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

var environments = map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"}

// guard is the validator of a replica: APIKey with Checksum over a
// KeyCache over the store.
func guard(t testing.TB, c *inbound.KeyCache) inbound.Validator {
	t.Helper()
	v, err := inbound.APIKey(c, &inbound.APIKeyOptions{Checksum: true, Environments: environments, Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func request(ctx context.Context, key string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	r.Header.Set("access_token", key)
	return r
}

// code is the error code of a validation ("" when accepted).
func code(v inbound.Validator, ctx context.Context, key string) string {
	_, err := v.Validate(request(ctx, key))
	if err == nil {
		return ""
	}
	e, _ := inbound.AsError(err)
	if e == nil {
		return err.Error()
	}
	return e.Code
}

// eventually polls f until it is true, failing the test after a generous
// deadline: for what another goroutine or process does.
func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitListening waits until n Watches on table listen: a listening
// connection idles after its catch-up query.
func waitListening(t *testing.T, pool *pgxpool.Pool, table string, n int) {
	t.Helper()
	eventually(t, "Watch listening", func() bool {
		var got int
		err := pool.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' AND query LIKE $1",
			"SELECT hash FROM "+`"`+table+`"`+" WHERE revoked_at >= $1").Scan(&got)
		return err == nil && got >= n
	})
}

// tableOf returns the name of the store's table.
func tableOf(s *pgstore.Store) string {
	return strings.Trim(strings.TrimSuffix(strings.TrimPrefix(s.String(), "pgstore.Store("), ")"), `"`)
}

func create(t testing.TB, s *pgstore.Store, k pgstore.Key) string {
	t.Helper()
	key, err := s.Create(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestCreateLookupList(t *testing.T) {
	pool, _ := newPool(t)
	s := newStore(t, pool, "")
	ctx := context.Background()
	key := create(t, s, pgstore.Key{ID: "k1", Subject: "acme", Prefix: "$aact_prod_", Environment: "production", Scopes: []string{"payments"}})
	if !strings.HasPrefix(key, "$aact_prod_") || len(key) != len("$aact_prod_")+36 {
		t.Fatalf("key of length %d", len(key))
	}
	p, err := s.Lookup(ctx, sha256.Sum256([]byte(key)))
	if err != nil {
		t.Fatal(err)
	}
	want := inbound.Principal{Subject: "acme", Scheme: "APIKey", KeyID: "k1", Environment: "production", Scopes: []string{"payments"}}
	if fmt.Sprint(*p) != fmt.Sprint(want) {
		t.Errorf("Principal = %+v, want %+v", *p, want)
	}
	if _, err := s.Lookup(ctx, sha256.Sum256([]byte(key+"x"))); !errors.Is(err, inbound.ErrKeyNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	create(t, s, pgstore.Key{Subject: "acme", Prefix: "$aact_hmlg_"})
	create(t, s, pgstore.Key{Subject: "other"})
	list, err := s.List(ctx, "acme")
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	k := list[0]
	if k.ID != "k1" || k.Prefix != "$aact_prod_" || k.Last4 != key[len(key)-4:] || k.Environment != "production" ||
		k.CreatedAt.IsZero() || !k.ExpiresAt.IsZero() || !k.RevokedAt.IsZero() {
		t.Errorf("KeyInfo = %+v", k)
	}
	if !strings.HasPrefix(list[1].ID, "key_") {
		t.Errorf("generated ID %q", list[1].ID)
	}
	sum := sha256.Sum256([]byte(key))
	for _, f := range []string{"%v", "%+v", "%#v"} {
		out := fmt.Sprintf(f, list) + fmt.Sprintf(f, s)
		if strings.Contains(out, key[len("$aact_prod_"):len(key)-4]) || strings.Contains(out, fmt.Sprintf("%x", sum[:8])) {
			t.Errorf("%s shows the key or its hash: %s", f, out)
		}
	}
	if _, err := s.Create(ctx, pgstore.Key{ID: "k1", Subject: "acme"}); !errors.Is(err, pgstore.ErrKeyExists) {
		t.Errorf("duplicate ID: %v", err)
	}
	for _, bad := range []pgstore.Key{{}, {Subject: "a", Prefix: "a b"}, {Subject: "a", ID: "a\nb"}} {
		if _, err := s.Create(ctx, bad); err == nil {
			t.Errorf("Create(%+v) accepted", bad)
		}
	}
}

func TestRevoke(t *testing.T) {
	pool, _ := newPool(t)
	s := newStore(t, pool, "")
	ctx := context.Background()
	key := create(t, s, pgstore.Key{ID: "r1", Subject: "acme", Prefix: "$aact_prod_"})
	if err := s.Revoke(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ctx, sha256.Sum256([]byte(key))); !errors.Is(err, inbound.ErrKeyNotFound) {
		t.Errorf("revoked key: %v", err)
	}
	if err := s.Revoke(ctx, "r1"); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := s.Revoke(ctx, "nope"); !errors.Is(err, inbound.ErrKeyNotFound) {
		t.Errorf("unknown ID: %v", err)
	}
	list, _ := s.List(ctx, "acme")
	if len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Errorf("List = %+v", list)
	}
}

// TestExpiry: an expired key is not found, a key expiring is refused after
// its expiry even through a cache with a long TTL.
func TestExpiry(t *testing.T) {
	pool, _ := newPool(t)
	s := newStore(t, pool, "")
	ctx := context.Background()
	past := create(t, s, pgstore.Key{Subject: "a", Prefix: "$aact_prod_", ExpiresAt: time.Now().Add(-time.Minute)})
	if _, err := s.Lookup(ctx, sha256.Sum256([]byte(past))); !errors.Is(err, inbound.ErrKeyNotFound) {
		t.Errorf("expired key: %v", err)
	}
	expires := time.Now().Add(2 * time.Second)
	soon := create(t, s, pgstore.Key{Subject: "a", Prefix: "$aact_prod_", ExpiresAt: expires})
	v := guard(t, inbound.CachedKeys(s, &inbound.CachedKeysOptions{TTL: time.Hour}))
	// On a machine so loaded that two seconds passed, the key is refused
	// already, rightly.
	if c := code(v, ctx, soon); c != "" && time.Now().Before(expires) {
		t.Fatalf("before expiry: %s", c)
	}
	eventually(t, "the expired key refused", func() bool { return code(v, ctx, soon) == inbound.CodeInvalidAccessToken })
}

func TestConcurrentCreates(t *testing.T) {
	pool, _ := newPool(t)
	s := newStore(t, pool, "")
	keys := make([]string, 64)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := s.Create(context.Background(), pgstore.Key{Subject: "acme", Prefix: "$aact_prod_"})
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	list, err := s.List(context.Background(), "acme")
	if err != nil || len(list) != len(keys) {
		t.Fatalf("List: %d keys, %v", len(list), err)
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Fatal("the same key twice")
		}
		seen[k] = true
		if _, err := s.Lookup(context.Background(), sha256.Sum256([]byte(k))); err != nil {
			t.Fatal(err)
		}
	}
	// Two Stores made at once on a new table: the table is created once.
	var errs [4]error
	for i := range errs {
		wg.Go(func() {
			st, err := pgstore.New(context.Background(), pool, &pgstore.Options{Table: "created_together"})
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestTwoReplicas: two Stores on their own pools with their own caches and
// Watches, as two replicas; a key revoked on one is refused by the other
// within a second (asserted by polling, with a generous deadline).
func TestTwoReplicas(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	poolA, _ := newPool(t)
	poolB, _ := newPool(t)
	a := newStore(t, poolA, "replicas")
	b, err := pgstore.New(ctx, poolB, &pgstore.Options{Table: tableOf(a)}) // the same table
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ca, cb := inbound.CachedKeys(a, &inbound.CachedKeysOptions{TTL: time.Hour}), inbound.CachedKeys(b, &inbound.CachedKeysOptions{TTL: time.Hour})
	wg.Go(func() { a.Watch(ctx, ca) })
	wg.Go(func() { b.Watch(ctx, cb) })
	va, vb := guard(t, ca), guard(t, cb)
	key := create(t, a, pgstore.Key{ID: "shared", Subject: "acme", Prefix: "$aact_prod_"})
	other := create(t, a, pgstore.Key{ID: "kept", Subject: "acme", Prefix: "$aact_prod_"})
	for _, v := range []inbound.Validator{va, vb} {
		for _, k := range []string{key, other} {
			if c := code(v, ctx, k); c != "" {
				t.Fatalf("before revocation: %s", c)
			}
		}
	}
	// Both caches hold the key for an hour: only the notification can
	// make B refuse it. Wait until both Watches listen.
	waitListening(t, poolA, tableOf(a), 2)
	start := time.Now()
	if err := a.Revoke(ctx, "shared"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "replica B refuses the revoked key", func() bool { return code(vb, ctx, key) == inbound.CodeInvalidAccessToken })
	t.Logf("replica B refused the revoked key %v after the revocation", time.Since(start))
	eventually(t, "replica A refuses the revoked key", func() bool { return code(va, ctx, key) == inbound.CodeInvalidAccessToken })
	if c := code(vb, ctx, other); c != "" {
		t.Errorf("the other key on B: %s", c)
	}
}

// TestChecksumFloodMakesNoQuery: 100,000 random keys with a valid prefix
// make no query with Checksum on.
func TestChecksumFloodMakesNoQuery(t *testing.T) {
	pool, qc := newPool(t)
	s := newStore(t, pool, "")
	lookups := qc.count("WHERE hash")
	v := guard(t, inbound.CachedKeys(s, nil))
	good := create(t, s, pgstore.Key{Subject: "a", Prefix: "$aact_prod_"})
	r := request(context.Background(), "")
	for i := range 100_000 {
		key := []byte(good)
		// A random body of the right length and alphabet: its checksum
		// matches with odds of 2^-32.
		copy(key[len("$aact_prod_"):], fmt.Sprintf("%036d", i))
		r.Header.Set("access_token", string(key))
		if _, err := v.Validate(r); !errors.Is(err, &inbound.Error{Code: inbound.CodeInvalidAccessTokenFormat}) {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	if n := lookups.Load(); n != 0 {
		t.Fatalf("%d queries, want 0", n)
	}
	if c := code(v, context.Background(), good); c != "" || lookups.Load() != 1 {
		t.Fatalf("the good key: %q after %d queries", c, lookups.Load())
	}
}

// TestConcurrentFirstLookupsMakeOneQuery: 1,000 concurrent first lookups of
// one key make one query.
func TestConcurrentFirstLookupsMakeOneQuery(t *testing.T) {
	pool, qc := newPool(t)
	s := newStore(t, pool, "")
	lookups := qc.count("WHERE hash")
	key := create(t, s, pgstore.Key{Subject: "a", Prefix: "$aact_prod_"})
	v := guard(t, inbound.CachedKeys(s, nil))
	var wg sync.WaitGroup
	startLine := make(chan struct{})
	for range 1000 {
		wg.Go(func() {
			<-startLine
			if c := code(v, context.Background(), key); c != "" {
				t.Error(c)
			}
		})
	}
	close(startLine)
	wg.Wait()
	if n := lookups.Load(); n != 1 {
		t.Fatalf("%d queries, want 1", n)
	}
}

// TestHangingStore: a lookup blocked in the database (its table locked)
// holds the request no longer than the request's context.
func TestHangingStore(t *testing.T) {
	pool, _ := newPool(t)
	s := newStore(t, pool, "hanging")
	table := tableOf(s)
	key := create(t, s, pgstore.Key{Subject: "a", Prefix: "$aact_prod_"})
	tx, err := pool.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	v := guard(t, inbound.CachedKeys(s, &inbound.CachedKeysOptions{StoreTimeout: 2 * time.Second}))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = v.Validate(request(ctx, key))
	if !errors.Is(err, &inbound.Error{Code: inbound.CodeKeyStoreUnavailable}) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want 503 after the request's deadline", err)
	}
	tx.Rollback(context.Background())
	eventually(t, "accepted once the table is free", func() bool { return code(v, context.Background(), key) == "" })
}

// TestDatabaseStopped: with the database stopped mid-run, keys the cache
// does not hold are 503 (never accepted, never 401); once it is back, the
// same program recovers: lookups and Watch work again.
func TestDatabaseStopped(t *testing.T) {
	srv := needServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	pool, _ := newPool(t)
	s := newStore(t, pool, "outage")
	c := inbound.CachedKeys(s, &inbound.CachedKeysOptions{TTL: time.Hour, NegativeTTL: time.Millisecond})
	wg.Go(func() { s.Watch(ctx, c) })
	v := guard(t, c)
	cached := create(t, s, pgstore.Key{ID: "cached", Subject: "a", Prefix: "$aact_prod_"})
	fresh := create(t, s, pgstore.Key{ID: "fresh", Subject: "a", Prefix: "$aact_prod_"})
	revoked := create(t, s, pgstore.Key{ID: "revoked", Subject: "a", Prefix: "$aact_prod_"})
	if err := s.Revoke(ctx, "revoked"); err != nil {
		t.Fatal(err)
	}
	unknown, _, _ := inbound.NewAPIKey("$aact_prod_")
	// Once Watch listens, its catch-up no longer keeps a lookup of the
	// same cache shard from being remembered.
	waitListening(t, pool, tableOf(s), 1)
	if c := code(v, ctx, cached); c != "" {
		t.Fatal(c)
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{fresh, revoked, unknown} {
		if c := code(v, ctx, k); c != inbound.CodeKeyStoreUnavailable {
			t.Errorf("database stopped: %s, want key_store_unavailable", c)
		}
	}
	if c := code(v, ctx, cached); c != "" {
		t.Errorf("a cached key while the database is stopped: %s", c)
	}
	_, err := s.Lookup(ctx, sha256.Sum256([]byte(fresh)))
	if err == nil || strings.Contains(err.Error(), srv.URL()) || strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "user=") {
		t.Errorf("error while stopped: %v", err)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "lookups work again", func() bool { return code(v, ctx, fresh) == "" })
	for k, want := range map[string]string{revoked: inbound.CodeInvalidAccessToken, unknown: inbound.CodeInvalidAccessToken, cached: ""} {
		if c := code(v, ctx, k); c != want {
			t.Errorf("after restart: %q, want %q", c, want)
		}
	}
	// Watch listens again: a revocation reaches the cache.
	eventually(t, "revocation after restart", func() bool {
		if err := s.Revoke(ctx, "cached"); err != nil {
			return false
		}
		return code(v, ctx, cached) == inbound.CodeInvalidAccessToken
	})
}

func TestConfig(t *testing.T) {
	pool, _ := newPool(t)
	for _, table := range []string{"x; DROP TABLE y", `a"b`, "Keys", "a.b.c", "1abc", strings.Repeat("a", 49), "a-b"} {
		if _, err := pgstore.New(context.Background(), pool, &pgstore.Options{Table: table}); !errors.Is(err, pgstore.ErrInvalidConfig) {
			t.Errorf("Table %q: %v", table, err)
		}
	}
	_, err := pgstore.New(context.Background(), nil, &pgstore.Options{Table: "a b", Channel: "c;d"})
	if !errors.Is(err, pgstore.ErrInvalidConfig) || len(err.(interface{ Unwrap() []error }).Unwrap()) != 3 {
		t.Errorf("three mistakes: %v", err)
	}
	s, err := pgstore.New(context.Background(), pool, &pgstore.Options{Table: "public.schema_qualified", Channel: "chan_1"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
}

// TestErrorsHoldNoSecrets: a pool whose server is unreachable, with a
// password in its connection string: no error says it.
func TestErrorsHoldNoSecrets(t *testing.T) {
	needServer(t)
	pool, err := pgxpool.New(context.Background(), "postgres://admin:s3cret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pgstore.New(context.Background(), pool, nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "admin") || !strings.HasPrefix(err.Error(), "pgstore: ") {
		t.Errorf("New: %v", err)
	}
}
