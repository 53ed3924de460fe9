package presettest

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// Replica builds one replica's client over store (nil: no store) with
// shared options o, and returns it with the URL of an API path.
type Replica func(store outbound.Store, o *outbound.SharedOptions) (client *http.Client, apiURL string, err error)

// SharedStore checks a preset's Store and SharedOptions: three replicas
// over one store make one token request; after the provider revokes its
// tokens the replicas' 401s cost one more, not three; invalid
// SharedOptions are a construction error.
func SharedStore(t *testing.T, fake *providertest.Server, replica Replica) {
	t.Helper()
	store := outbound.MemoryStore()
	var clients []*http.Client
	var url string
	for range 3 {
		c, u, err := replica(store, &outbound.SharedOptions{EncryptionKey: make([]byte, 32)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		clients, url = append(clients, c), u
	}
	before := fake.TokenRequests()
	for _, c := range clients {
		GetMany(t, c, url, 5, http.StatusOK)
	}
	if n := fake.TokenRequests() - before; n != 1 {
		t.Fatalf("%d token requests for 3 replicas sharing a store, want 1", n)
	}
	fake.RevokeTokens()
	for _, c := range clients {
		GetMany(t, c, url, 1, http.StatusOK)
	}
	if n := fake.TokenRequests() - before; n != 2 {
		t.Errorf("%d token requests after a revocation seen by 3 replicas, want 2", n)
	}
	if _, _, err := replica(store, &outbound.SharedOptions{EncryptionKey: make([]byte, 16)}); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Errorf("a 16-byte EncryptionKey: err %v, want ErrInvalidConfig", err)
	}
}
