package outbound_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// saveAged stores an unsealed token under "k" with lifetime life, fetched
// age ago.
func saveAged(t *testing.T, st outbound.Store, value string, life, age time.Duration) {
	t.Helper()
	now := time.Now()
	err := st.Save(t.Context(), "k", outbound.SharedToken{
		Token: outbound.Token{Value: value, Expiry: now.Add(life - age)}, Fetched: now.Add(-age)})
	if err != nil {
		t.Fatal(err)
	}
}

// A Shared fetcher judges the stored token by the RefreshAhead of the
// Source above it, whatever SharedOptions says: it neither refuses a token
// the Source holds fresh nor hands it one the Source holds stale.
func TestSharedUsesSourceRefreshAhead(t *testing.T) {
	tests := []struct {
		name         string
		refreshAhead time.Duration
		left         time.Duration // of the stored 1-hour token
		want         string
		fetches      int64
	}{
		// 3 minutes left: fresh for a Source that refreshes 1 minute ahead
		// (Shared's default, 5 minutes, would refetch).
		{"fresh for the Source", time.Minute, 3 * time.Minute, "stored", 0},
		// 7 minutes left: stale for a Source that refreshes 10 minutes
		// ahead (Shared's default would hand it over as fresh).
		{"stale for the Source", 10 * time.Minute, 7 * time.Minute, "tok-1", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := outbound.MemoryStore()
				saveAged(t, st, "stored", time.Hour, time.Hour-tt.left)
				p := &provider{life: time.Hour}
				src := outbound.NewSource(outbound.Shared(p, st, "k", nil),
					&outbound.SourceOptions{RefreshAhead: tt.refreshAhead})
				tok, err := src.Token(t.Context())
				if err != nil || tok.Value != tt.want || p.n.Load() != tt.fetches {
					t.Errorf("got %q, %v after %d provider fetches; want %q after %d", tok.Value, err, p.n.Load(), tt.want, tt.fetches)
				}
				synctest.Wait()
			})
		})
	}
}

// A Source counts a shared token's lifetime from when it was fetched, as
// the store does, not from its arrival: a token another replica fetched 55
// minutes ago turns stale for this Source at once, with the fleet.
func TestSourceCountsSharedTokenFromFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		saveAged(t, st, "stored", time.Hour, 54*time.Minute) // fresh for 1 more minute
		p := &provider{life: time.Hour}
		src := outbound.NewSource(outbound.Shared(p, st, "k", nil), nil)
		if tok, err := src.Token(t.Context()); err != nil || tok.Value != "stored" {
			t.Fatalf("got %q, %v; want the stored token", tok.Value, err)
		}
		time.Sleep(90 * time.Second) // stale by the fleet's rule
		_, _ = src.Token(t.Context())
		synctest.Wait()
		if tok, _ := src.Token(t.Context()); tok.Value != "tok-1" || p.n.Load() != 1 {
			t.Errorf("90s later: %q after %d fetches; want tok-1, refreshed as the stored token turned stale", tok.Value, p.n.Load())
		}
	})
}

// A Shared fetcher waits for a slow lease holder no longer than half of
// what the stale token has left by the Source's ExpiryMargin (not the
// default one), so that the Source's callers never wait.
func TestSharedUsesSourceExpiryMargin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		saveAged(t, st, "stored", time.Hour, 0)
		p := &provider{life: time.Hour}
		const leaseTTL = 10 * time.Minute
		src := outbound.NewSource(outbound.Shared(p, st, "k", &outbound.SharedOptions{LeaseTTL: leaseTTL}),
			&outbound.SourceOptions{ExpiryMargin: 3 * time.Minute, FetchTimeout: time.Hour})
		if tok, err := src.Token(t.Context()); err != nil || tok.Value != "stored" {
			t.Fatalf("got %q, %v", tok.Value, err)
		}
		// Stale at 55 minutes; the Source stops using it at 57. A holder
		// takes the lease at 56 and never delivers.
		time.Sleep(56 * time.Minute)
		if _, ok, _ := st.Lease(t.Context(), "k", leaseTTL); !ok {
			t.Fatal("lease")
		}
		for range 20 { // a call every 6 s until 58 minutes
			if _, err := src.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(6 * time.Second)
		}
		if w := src.Stats().Waits; w != 1 { // the first Token call only
			t.Errorf("callers waited %d times, want 1 (the cold start): the refresh waited past the stale window", w)
		}
		if tok, _ := src.Token(t.Context()); tok.Value != "tok-1" {
			t.Errorf("got %q, want tok-1", tok.Value)
		}
	})
}
