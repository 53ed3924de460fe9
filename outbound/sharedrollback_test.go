package outbound_test

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// Someone who can write the store but has no key puts back an older sealed
// token, still unexpired: a replica that has seen a newer one, or that
// invalidated it, never uses it again; it fetches anew. A replica that has
// seen nothing yet cannot tell (documented on EncryptionKey).
func TestSharedRefusesRolledBackToken(t *testing.T) {
	encKey := []byte(strings.Repeat("k", 32))
	opts := func(ev *events) *outbound.SharedOptions {
		return &outbound.SharedOptions{EncryptionKey: encKey, OnEvent: ev.record}
	}
	// stored returns the sealed form now in the store.
	stored := func(t *testing.T, st outbound.Store) outbound.SharedToken {
		t.Helper()
		synctest.Wait() // the save runs in the background
		s, ok, err := st.Load(t.Context(), "k")
		if !ok || err != nil {
			t.Fatalf("nothing stored: %v", err)
		}
		return s
	}
	t.Run("older than one seen", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := outbound.MemoryStore()
			p := &provider{life: time.Hour}
			ev := &events{}
			a := outbound.Shared(p, st, "k", opts(ev))
			if tok, _ := a.Fetch(t.Context()); tok.Value != "tok-1" {
				t.Fatalf("got %q", tok.Value)
			}
			old := stored(t, st)
			// A minute later another replica replaces tok-1 (after a 401),
			// and this one sees tok-2.
			time.Sleep(time.Minute)
			_ = st.Drop(t.Context(), "k", old.Token.Value)
			if tok, _ := outbound.Shared(p, st, "k", opts(&events{})).Fetch(t.Context()); tok.Value != "tok-2" {
				t.Fatalf("got %q", tok.Value)
			}
			synctest.Wait()
			if tok, _ := a.Fetch(t.Context()); tok.Value != "tok-2" {
				t.Fatalf("got %q", tok.Value)
			}
			_ = st.Save(t.Context(), "k", old) // rolled back
			tok, err := a.Fetch(t.Context())
			if err != nil || tok.Value != "tok-3" {
				t.Errorf("after the rollback: %q, %v; want tok-3, fetched anew", tok.Value, err)
			}
			if !hasErr(ev, "already seen") {
				t.Errorf("no SharedMiss reporting the rollback: %v", ev.errs)
			}
			synctest.Wait()
			// What remains: a new replica takes the older token.
			_ = st.Save(t.Context(), "k", old)
			if tok, _ := outbound.Shared(p, st, "k", opts(&events{})).Fetch(t.Context()); tok.Value != "tok-1" {
				t.Errorf("a new replica got %q; the documented limit says tok-1", tok.Value)
			}
			synctest.Wait()
		})
	})
	t.Run("invalidated long ago", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := outbound.MemoryStore()
			p := &provider{life: time.Hour}
			src := outbound.NewSource(outbound.Shared(p, st, "k", opts(&events{})), nil)
			var first outbound.SharedToken
			// Six tokens, each refused with a 401 in turn.
			for i := range 6 {
				tok, err := src.Token(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = stored(t, st)
				}
				src.Invalidate(tok)
				synctest.Wait()
				time.Sleep(outbound.DefaultMinBackoff) // the invalidation rate limit
			}
			_ = st.Save(t.Context(), "k", first) // tok-1 put back
			tok, err := src.Token(t.Context())
			if err != nil || tok.Value != "tok-7" {
				t.Errorf("after the rollback: %q, %v; want tok-7, fetched anew", tok.Value, err)
			}
			synctest.Wait()
		})
	})
}

func hasErr(ev *events, text string) bool {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, err := range ev.errs {
		if err != nil && strings.Contains(err.Error(), text) && !errors.Is(err, outbound.ErrInvalidConfig) {
			return true
		}
	}
	return false
}

// A lease with more left than the taker's LeaseTTL (a stray write, or no
// expiry) is broken: it is taken at once, not waited on for LeaseTTL.
func TestSharedReplacesBrokenLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		if _, ok, _ := st.Lease(t.Context(), "k", 365*24*time.Hour); !ok {
			t.Fatal("lease")
		}
		p := &provider{life: time.Hour}
		ev := &events{}
		f := outbound.Shared(p, st, "k", &outbound.SharedOptions{OnEvent: ev.record})
		start := time.Now()
		if tok, err := f.Fetch(t.Context()); err != nil || tok.Value != "tok-1" {
			t.Fatalf("got %q, %v", tok.Value, err)
		}
		if d := time.Since(start); d != 0 || ev.count(outbound.SharedLeaseWon) != 1 || ev.count(outbound.SharedLocalFallback) != 0 {
			t.Errorf("after %v, events %v; want the lease taken at once and no local fallback", d, ev.counts)
		}
		synctest.Wait()
		if got, ok, _ := st.Load(t.Context(), "k"); !ok || got.Token.Value != "tok-1" {
			t.Errorf("stored %q, %t; want tok-1 shared", got.Token.Value, ok)
		}
	})
}
