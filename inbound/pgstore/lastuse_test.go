package pgstore_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound/pgstore"
)

// TestLastUse: last use is written in one UPDATE per flush for all keys,
// at most once a minute per key.
func TestLastUse(t *testing.T) {
	pool, qc := newPool(t)
	updates := qc.count("SET last_used_at")
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, err := pgstore.NewWithUseTiming(context.Background(), pool, &pgstore.Options{Table: fmt.Sprintf("last_use_%d", tableSeq.Add(1))}, time.Minute, 20*time.Millisecond, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var keys []string
	for range 3 {
		keys = append(keys, create(t, s, pgstore.Key{Subject: "lu", Prefix: "p_"}))
	}
	lookupAll := func() {
		for range 50 {
			for _, k := range keys {
				if _, err := s.Lookup(ctx, sha256.Sum256([]byte(k))); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	lookupAll()
	eventually(t, "last use recorded", func() bool {
		list, _ := s.List(ctx, "lu")
		for _, k := range list {
			if k.LastUsedAt.IsZero() {
				return false
			}
		}
		return true
	})
	// Each key once, however many lookups; in one UPDATE unless a flush
	// tick fell in the middle of the lookups.
	if n := qc.idsTouched.Load(); n != 3 {
		t.Fatalf("%d last uses written for 150 lookups of 3 keys, want 3", n)
	}
	t.Logf("%d UPDATEs for 3 keys", updates.Load())
	lookupAll() // within the minute: nothing to record
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	lookupAll()
	eventually(t, "the second minute recorded", func() bool { return qc.idsTouched.Load() == 6 })
	if s.Close(); qc.idsTouched.Load() != 6 {
		t.Fatalf("%d last uses written in two minutes, want 6", qc.idsTouched.Load())
	}
}
