// A user's program for outbound/redisstore: a token Store and a DPoP replay
// cache over a Redis client that is never dialled (a cancelled context stops
// the one call before it reaches the network).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
	"github.com/redis/go-redis/v9"
)

func main() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer client.Close()
	store := redisstore.New(client, nil)
	replay := redisstore.NewReplayCache(client, &redisstore.Options{Timeout: redisstore.DefaultTimeout})
	if store == nil || replay == nil {
		log.Fatal("redisstore returned nil")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := store.Load(ctx, "user-program")
	var rerr *redisstore.Error
	if !errors.As(err, &rerr) || !errors.Is(err, context.Canceled) {
		log.Fatalf("Load with a cancelled context: %v, want a *redisstore.Error wrapping context.Canceled", err)
	}
	fmt.Printf("outbound/redisstore: Store and ReplayCache built; Load refused with %q\n", err)
}
