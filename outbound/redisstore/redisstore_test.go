package redisstore_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(replicaEnv); mode != "" {
		os.Exit(replicaMain(mode))
	}
	goleak.VerifyTestMain(m)
}

func TestStore(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	st := redisstore.New(c, nil)
	ctx := t.Context()
	key := outbound.CredentialKey("test", "client")

	wctx, stopWatch := context.WithCancel(ctx)
	sig, err := st.Watch(wctx, key)
	if err != nil || sig == nil {
		t.Fatalf("Watch: %v, %v", sig, err)
	}
	expect := func(what string) {
		t.Helper()
		select {
		case <-sig:
		case <-time.After(5 * time.Second):
			t.Fatalf("no signal after %s", what)
		}
	}

	t.Run("save and load", func(t *testing.T) {
		if _, ok, err := st.Load(ctx, key); ok || err != nil {
			t.Fatalf("empty store: %t, %v", ok, err)
		}
		tok := outbound.SharedToken{
			Token:   outbound.Token{Value: "v1", Type: "MAC", Expiry: time.Now().Add(time.Minute).Round(0)},
			Fetched: time.Now().Round(0),
		}
		if err := st.Save(ctx, key, tok); err != nil {
			t.Fatal(err)
		}
		expect("save")
		got, ok, err := st.Load(ctx, key)
		if !ok || err != nil || got.Token.Value != "v1" || got.Token.Type != "MAC" ||
			!got.Token.Expiry.Equal(tok.Token.Expiry) || !got.Fetched.Equal(tok.Fetched) {
			t.Fatalf("Load = %+v, %t, %v; want %+v", got, ok, err, tok)
		}
		// Hash-tagged name, expiring with the token.
		pttl, err := c.PTTL(ctx, "{"+key+"}").Result()
		if err != nil || pttl <= 0 || pttl > time.Minute {
			t.Errorf("PTTL of {key} = %v, %v; want the token's remaining life", pttl, err)
		}
	})

	t.Run("lease", func(t *testing.T) {
		rel, ok, err := st.Lease(ctx, key, time.Minute)
		if !ok || err != nil {
			t.Fatalf("first lease: %t, %v", ok, err)
		}
		if _, ok, _ := st.Lease(ctx, key, time.Minute); ok {
			t.Fatal("second lease granted while held")
		}
		if n, _ := c.Exists(ctx, "{"+key+"}:lease").Result(); n != 1 {
			t.Error("lease not under the hash-tagged name")
		}
		rel()
		expect("release")
		rel2, ok, _ := st.Lease(ctx, key, 200*time.Millisecond)
		if !ok {
			t.Fatal("lease refused after release")
		}
		// Redis expires it on its own clock.
		waitFor(t, func() bool { n, _ := c.Exists(ctx, "{"+key+"}:lease").Result(); return n == 0 })
		rel3, ok, _ := st.Lease(ctx, key, time.Minute)
		if !ok {
			t.Fatal("lease refused after its PX expired")
		}
		rel2() // the expired holder: must not delete its successor's lease
		if _, ok, _ := st.Lease(ctx, key, time.Minute); ok {
			t.Error("an expired holder released its successor's lease")
		}
		rel3()
		expect("second release")
	})

	t.Run("drop compares", func(t *testing.T) {
		if err := st.Drop(ctx, key, "other"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.Load(ctx, key); !ok {
			t.Fatal("Drop of another value deleted the token")
		}
		if err := st.Drop(ctx, key, "v1"); err != nil {
			t.Fatal(err)
		}
		expect("drop")
		if _, ok, _ := st.Load(ctx, key); ok {
			t.Fatal("Drop of the stored value kept it")
		}
	})

	t.Run("watch ends with ctx", func(t *testing.T) {
		stopWatch()
		for range sig { // closed once the subscription is closed
		}
	})
}

// Every command is bounded: a Redis that does not answer costs Timeout.
func TestStoreTimeout(t *testing.T) {
	srv := startRedis(t)
	p := newDelayProxy(t, srv.Addr())
	c := client(t, p.Addr())
	st := redisstore.New(c, &redisstore.Options{Timeout: 100 * time.Millisecond})
	p.SetDelay(2 * time.Second)
	for name, call := range map[string]func() error{
		"load":  func() error { _, _, err := st.Load(t.Context(), "k"); return err },
		"lease": func() error { _, _, err := st.Lease(t.Context(), "k", time.Second); return err },
		"drop":  func() error { return st.Drop(t.Context(), "k", "v") },
		"watch": func() error { _, err := st.Watch(t.Context(), "k"); return err },
		"save": func() error {
			return st.Save(t.Context(), "k", outbound.SharedToken{Token: outbound.Token{Value: "v", Expiry: time.Now().Add(time.Minute)}})
		},
	} {
		// The proxy holds every answer for 2 s: an answer at all means the
		// command was not cut at Timeout.
		err := call()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v; want the timeout", name, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "redisstore: "+name) {
			t.Errorf("%s: error %q", name, err)
		}
	}
	p.Close() // ends the connections the proxy is still holding
}

// Sealed tokens: nothing Redis holds contains the token.
func TestEncryptedAtRest(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	st := redisstore.New(c, nil)
	key := outbound.CredentialKey("test", "client")
	const secret = "the-token-value-0123456789"
	f := outbound.Shared(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		return outbound.Token{Value: secret, Expiry: time.Now().Add(time.Hour)}, nil
	}), st, key, &outbound.SharedOptions{EncryptionKey: []byte(strings.Repeat("k", 32))})
	if _, err := f.Fetch(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, ok, _ := st.Load(t.Context(), key); return ok })
	all, err := c.HGetAll(t.Context(), "{"+key+"}").Result()
	if err != nil || len(all) == 0 {
		t.Fatal(all, err)
	}
	for k, v := range all {
		if strings.Contains(v, secret) || strings.Contains(v, "0123456789") {
			t.Errorf("field %s holds the token: %q", k, v)
		}
	}
	keys, _ := c.Keys(t.Context(), "*").Result()
	for _, k := range keys {
		if strings.Contains(k, secret) {
			t.Errorf("key name %q holds the token", k)
		}
	}
}

// waitFor polls cond, for what happens in the background against a real
// server (a save after the fetch returned).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
