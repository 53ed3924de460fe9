package pgstore_test

import (
	"context"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
)

// BenchmarkAPIKeyStores compares, in one run, the API key + User-Agent check
// over the in-memory HashedKeys and over a KeyCache hit in front of
// PostgreSQL: the cache must make the database cost nothing per request.
func BenchmarkAPIKeyStores(b *testing.B) {
	pool, _ := newPool(b)
	s := newStore(b, pool, "")
	key := create(b, s, pgstore.Key{Subject: "bench", Prefix: "$aact_prod_"})
	stores := []struct {
		name  string
		store inbound.KeyStore
	}{
		{"HashedKeys", inbound.HashedKeys(map[string]*inbound.Principal{key: {Subject: "bench"}})},
		{"CachedKeys-PostgreSQL", inbound.CachedKeys(s, nil)},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			keys, err := inbound.APIKey(st.store, &inbound.APIKeyOptions{Checksum: true, Environments: environments, Environment: "production"})
			if err != nil {
				b.Fatal(err)
			}
			v := inbound.All(inbound.UserAgent(), keys)
			r := request(context.Background(), key)
			r.Header.Set("User-Agent", "bench/1.0")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Validate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
