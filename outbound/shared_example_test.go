package outbound_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// Three Sources (three replicas of a service, here in one process) share one
// credential's token through a Store: the provider is asked once.
func ExampleShared() {
	var requests int
	provider := outbound.FetcherFunc(func(ctx context.Context) (outbound.Token, error) {
		requests++
		return outbound.Token{Value: "t0k3n", Expiry: time.Now().Add(time.Hour)}, nil
	})
	store := outbound.MemoryStore() // a redisstore.New(client, nil) across processes
	key := outbound.CredentialKey("my-provider", "https://auth.example.com/oauth/token", "my-client")

	// The first replica fetches; it saves the token before it releases the
	// lease, so the others wait for that save rather than fetch.
	for range 3 {
		src := outbound.NewSource(outbound.Shared(provider, store, key, nil), nil)
		if _, err := src.Token(context.Background()); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println("token requests:", requests)
	// Output: token requests: 1
}
