package gatehouseotel_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// failingStore is a Store whose Load fails.
type failingStore struct{ outbound.Store }

func (failingStore) Load(context.Context, string) (outbound.SharedToken, bool, error) {
	return outbound.SharedToken{}, false, errors.New("store down")
}

// TestShared: four "processes" share one credential through a MemoryStore:
// a fetches for the fleet (miss, lease_won), b finds its token (hit), c
// waits for a lease another holds (miss, lease_waited), d's store fails
// (store_error, local_fallback). The counter must say exactly that, and the
// user's own OnEvent must still run.
func TestShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		store := outbound.MemoryStore()
		const key = "gatehouse:token:test"
		var provider atomic.Int64
		fetcher := outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
			provider.Add(1)
			return outbound.Token{Value: "tok", Expiry: time.Now().Add(time.Hour)}, nil
		})
		var userEvents atomic.Int64
		process := func(name string, st outbound.Store) outbound.Fetcher {
			return outbound.Shared(fetcher, st, key, h.tel.Shared(name, &outbound.SharedOptions{
				OnEvent: func(outbound.SharedEvent) { userEvents.Add(1) }}))
		}
		ctx := context.Background()
		fetch := func(f outbound.Fetcher) {
			t.Helper()
			if _, err := f.Fetch(ctx); err != nil {
				t.Fatal(err)
			}
		}

		fetch(process("a", store))
		synctest.Wait() // a's save and release
		fetch(process("b", store))

		if err := store.Drop(ctx, key, "tok"); err != nil {
			t.Fatal(err)
		}
		release, ok, err := store.Lease(ctx, key, outbound.DefaultLeaseTTL) // no longer than c's LeaseTTL: a longer one is broken
		if err != nil || !ok {
			t.Fatalf("lease: %v %v", ok, err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			fetch(process("c", store))
		}()
		synctest.Wait() // c waits for the lease holder
		if err := store.Save(ctx, key, outbound.SharedToken{Token: outbound.Token{Value: "tok-2", Expiry: time.Now().Add(time.Hour)}, Fetched: time.Now()}); err != nil {
			t.Fatal(err)
		}
		release()
		<-done

		fetch(process("d", failingStore{store}))
		synctest.Wait()

		equalMaps(t, gatehouseotel.TokenShared, counter(t, h.collect(t), gatehouseotel.TokenShared), map[string]int64{
			"event=miss,gatehouse.source=a":           1,
			"event=lease_won,gatehouse.source=a":      1,
			"event=hit,gatehouse.source=b":            1,
			"event=miss,gatehouse.source=c":           1,
			"event=lease_waited,gatehouse.source=c":   1,
			"event=store_error,gatehouse.source=d":    1,
			"event=local_fallback,gatehouse.source=d": 1,
		})
		if n := userEvents.Load(); n != 7 {
			t.Errorf("the user's OnEvent ran %d times, want 7", n)
		}
		if n := provider.Load(); n != 2 {
			t.Errorf("%d provider fetches, want 2 (a, d)", n)
		}
	})
}
