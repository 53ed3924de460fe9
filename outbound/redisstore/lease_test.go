package redisstore_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// A lease left without an expiry, or with more left than the ttl asked
// for, is broken: Lease replaces it (with the asked ttl) rather than wait
// on it for good. A live lease within the ttl is respected.
func TestLeaseReplacesBrokenLease(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	st := redisstore.New(c, nil)
	ctx := t.Context()
	const ttl = 30 * time.Second
	tests := []struct {
		name  string
		left  time.Duration // of the lease found; 0: no expiry
		taken bool
	}{
		{"no expiry", 0, true},
		{"longer than ttl", time.Hour, true},
		{"within ttl", 10 * time.Second, false},
		{"exactly ttl", ttl, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := outbound.CredentialKey("lease", tt.name)
			lease := "{" + key + "}:lease"
			if err := c.Set(ctx, lease, "stray", tt.left).Err(); err != nil {
				t.Fatal(err)
			}
			rel, ok, err := st.Lease(ctx, key, ttl)
			if err != nil || ok != tt.taken {
				t.Fatalf("Lease = %t, %v; want %t", ok, err, tt.taken)
			}
			if !ok {
				return
			}
			defer rel()
			if pttl, _ := c.PTTL(ctx, lease).Result(); pttl <= 0 || pttl > ttl {
				t.Errorf("PTTL of the replacing lease %v, want within %v", pttl, ttl)
			}
			if _, ok, _ := st.Lease(ctx, key, ttl); ok {
				t.Error("the replacing lease was not held")
			}
		})
	}
	t.Run("ttl not positive", func(t *testing.T) {
		if _, ok, err := st.Lease(ctx, "k", 0); ok || err == nil || !strings.HasPrefix(err.Error(), "redisstore: lease") {
			t.Errorf("Lease with ttl 0 = %t, %v; want an error, never a lease without expiry", ok, err)
		}
	})
}

// With a lease key left without a TTL, Shared still shares: it takes the
// lease at once, fetches and saves, rather than wait LeaseTTL and fetch
// alone on every refresh.
func TestSharedWithLeaseWithoutExpiry(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	key := outbound.CredentialKey("lease", "shared")
	if err := c.Set(t.Context(), "{"+key+"}:lease", "stray", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		events []outbound.SharedEventKind
	)
	st := redisstore.New(c, nil)
	f := outbound.Shared(&provider{life: time.Hour}, st, key, &outbound.SharedOptions{
		OnEvent: func(ev outbound.SharedEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, ev.Kind)
		},
	})
	if _, err := f.Fetch(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, ok, _ := st.Load(t.Context(), key); return ok }) // saved in the background
	mu.Lock()
	defer mu.Unlock()
	if want := []outbound.SharedEventKind{outbound.SharedMiss, outbound.SharedLeaseWon}; !slices.Equal(events, want) {
		t.Errorf("events %v, want %v", events, want)
	}
}

// New never panics: a nil client or a negative timeout makes a store whose
// every call, and Validate, return the configuration error, and Shared over
// it reports the error at construction.
func TestNewInvalid(t *testing.T) {
	st := redisstore.New(nil, &redisstore.Options{Timeout: -1})
	ctx := t.Context()
	_, _, lerr := st.Load(ctx, "k")
	_, _, leaseErr := st.Lease(ctx, "k", time.Second)
	_, werr := st.Watch(ctx, "k")
	for name, err := range map[string]error{
		"Validate": st.(interface{ Validate() error }).Validate(),
		"Load":     lerr,
		"Save":     st.Save(ctx, "k", outbound.SharedToken{Token: outbound.Token{Value: "v"}}),
		"Lease":    leaseErr,
		"Drop":     st.Drop(ctx, "k", "v"),
		"Watch":    werr,
	} {
		if !errors.Is(err, outbound.ErrInvalidConfig) || !strings.Contains(err.Error(), "nil client") ||
			!strings.Contains(err.Error(), "Timeout is negative") || !strings.HasPrefix(err.Error(), "redisstore: ") {
			t.Errorf("%s: %v; want both problems, wrapping outbound.ErrInvalidConfig", name, err)
		}
	}
	f := outbound.Shared(&provider{life: time.Hour}, st, "k", nil)
	if err := f.(interface{ Validate() error }).Validate(); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Errorf("Shared over it: Validate = %v", err)
	}
	if redisstore.New(client(t, "127.0.0.1:1"), nil).(interface{ Validate() error }).Validate() != nil {
		t.Error("a valid store reports an error")
	}
}
