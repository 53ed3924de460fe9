// Package redisstore keeps the tokens that outbound.Shared shares between
// the processes of a fleet in Redis: standalone, Sentinel or Cluster, through
// go-redis's UniversalClient.
//
//	client := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store := redisstore.New(client, nil)
//	key := outbound.CredentialKey("efi", efi.PixProductionURL, clientID, "cob.read cob.write")
//	src := outbound.NewSource(outbound.Shared(fetcher, store, key, &outbound.SharedOptions{
//		EncryptionKey: tokenKey, // 32 bytes from your secret manager: Redis then holds no usable token
//	}), nil)
//
// For a key K it uses three Redis names, all hash-tagged "{K}" so that they
// land in one Cluster slot: "{K}" (a hash with the token, its type, expiry
// and fetch time, expiring with the token), "{K}:lease" (the fetch lease:
// a random owner value set with PX by a Lua script, which also replaces a
// lease left without an expiry or with more left than asked; released by a
// Lua compare-and-delete) and "{K}:signal" (a pub/sub channel on which saves, drops and releases are
// published, which Watch subscribes to). Drop is a Lua compare-and-delete on
// the token's stored value. Every command is bounded by Options.Timeout.
//
// It also keeps the identifiers of used DPoP proofs for a fleet of API
// servers: NewReplayCache is an inbound.ReplayCache (one SET NX PX per
// proof), so a proof one replica accepted is refused by all.
//
//	v, err := inbound.BearerJWT(inbound.JWTOptions{
//		Keys: keys, Algorithms: []string{"ES256"},
//		DPoP: &inbound.DPoPOptions{Replay: redisstore.NewReplayCache(client, nil)},
//	})
package redisstore
