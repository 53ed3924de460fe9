// Package pgstore keeps API keys in PostgreSQL (13 or later, through pgx v5)
// and revokes them across every replica within a second.
//
// A Store implements inbound.KeyStore: put an inbound.KeyCache in front of
// it (inbound.CachedKeys), so that the database is asked once per key per
// TTL instead of once per request, and run Watch, so that a key revoked on
// any replica is forgotten by every replica's cache at once:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	…
//	store, err := pgstore.New(ctx, pool, nil) // creates its table if missing
//	…
//	defer store.Close()                      // stops recording last use
//	cache := inbound.CachedKeys(store, nil)
//	go store.Watch(ctx, cache)                 // LISTEN for revocations
//	v, err := inbound.APIKey(cache, &inbound.APIKeyOptions{Checksum: true, …})
//
// Create issues a key (inbound.NewAPIKey) and stores only its SHA-256 hash:
// the key is returned once, to be handed to its owner. List shows a
// subject's keys by id, prefix and last four characters, never a key or a
// hash. Revoke marks a key revoked and notifies every Watch.
//
// Lookup is one query on the unique hash index; a revoked or expired key is
// inbound.ErrKeyNotFound (401), any other failure an error that answers 503.
// The time a key was last used is recorded in the background, in batches,
// at most once a minute per key, never on the request path.
//
// SQL injection is impossible by construction: every value is a query
// parameter, and the table and channel names are checked against
// PostgreSQL's identifier rules when the Store is made. No error of this
// package contains a key, a hash or the connection string.
package pgstore
