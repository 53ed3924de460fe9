package outbound_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

func TestMemoryStore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		st := outbound.MemoryStore()
		wctx, stop := context.WithCancel(ctx)
		sig, err := st.Watch(wctx, "k")
		if err != nil || sig == nil {
			t.Fatal(sig, err)
		}
		tok := outbound.SharedToken{Token: outbound.Token{Value: "v", Expiry: time.Now().Add(time.Minute)}, Fetched: time.Now()}
		_ = st.Save(ctx, "k", tok)
		_ = st.Save(ctx, "k", tok) // coalesced with the first signal
		<-sig
		select {
		case <-sig:
			t.Error("two signals for two saves not read in between: want them coalesced")
		default:
		}
		if got, ok, _ := st.Load(ctx, "k"); !ok || got != tok {
			t.Errorf("Load = %v, %t", got, ok)
		}

		rel, ok, _ := st.Lease(ctx, "k", time.Second)
		if !ok {
			t.Fatal("first lease refused")
		}
		if _, ok, _ := st.Lease(ctx, "k", time.Second); ok {
			t.Error("second lease granted while held")
		}
		rel()
		<-sig // release signals
		rel2, ok, _ := st.Lease(ctx, "k", time.Second)
		if !ok {
			t.Fatal("lease refused after release")
		}
		time.Sleep(time.Second) // expires
		rel3, ok, _ := st.Lease(ctx, "k", time.Second)
		if !ok {
			t.Fatal("lease refused after expiry")
		}
		rel2() // the expired holder must not release the new holder's lease
		if _, ok, _ := st.Lease(ctx, "k", time.Second); ok {
			t.Error("an expired holder released its successor's lease")
		}
		rel3()

		_ = st.Drop(ctx, "k", "other")
		if _, ok, _ := st.Load(ctx, "k"); !ok {
			t.Error("Drop of another value deleted the token")
		}
		_ = st.Drop(ctx, "k", "v")
		if _, ok, _ := st.Load(ctx, "k"); ok {
			t.Error("Drop of the stored value kept the token")
		}
		_ = st.Save(ctx, "k", tok)
		time.Sleep(time.Minute)
		if _, ok, _ := st.Load(ctx, "k"); ok {
			t.Error("expired token loaded")
		}

		stop()
		synctest.Wait()
		for range sig { // drains pending signals; ends because Watch closed it
		}
	})
}

// A lease with more left than the ttl asked for is broken, and taken.
func TestMemoryStoreBrokenLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := outbound.MemoryStore()
		if _, ok, _ := st.Lease(t.Context(), "k", time.Hour); !ok {
			t.Fatal("first lease refused")
		}
		rel, ok, _ := st.Lease(t.Context(), "k", 30*time.Second)
		if !ok {
			t.Fatal("a lease with an hour left refused a 30s taker: want it replaced")
		}
		defer rel()
		if _, ok, _ := st.Lease(t.Context(), "k", 30*time.Second); ok {
			t.Error("the replacing lease was not held")
		}
	})
}

func TestSharedEventKindString(t *testing.T) {
	want := []string{"hit", "miss", "lease_won", "lease_waited", "store_error", "local_fallback"}
	for i, w := range want {
		if got := outbound.SharedEventKind(i).String(); got != w {
			t.Errorf("kind %d = %q, want %q", i, got, w)
		}
	}
	if got := outbound.SharedEventKind(99).String(); got != "SharedEventKind(99)" {
		t.Errorf("unknown kind = %q", got)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("e", "ev", outbound.SharedEvent{
		Kind: outbound.SharedStoreError, Key: "gatehouse:token:ab", Op: "load", Err: errStoreDown})
	if s := buf.String(); !strings.Contains(s, `"kind":"store_error"`) || !strings.Contains(s, `"op":"load"`) || !strings.Contains(s, `"err":"store down"`) {
		t.Errorf("log line %s", s)
	}
}

func TestSharedOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    *outbound.SharedOptions
		ok   bool
	}{
		{"nil", nil, true},
		{"zero", &outbound.SharedOptions{}, true},
		{"32-byte key", &outbound.SharedOptions{EncryptionKey: make([]byte, 32)}, true},
		{"16-byte key", &outbound.SharedOptions{EncryptionKey: make([]byte, 16)}, false},
		{"negative TTL", &outbound.SharedOptions{LeaseTTL: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), "outbound:") {
				t.Errorf("error %q does not start with the package", err)
			}
		})
	}
}

// SharedOptions never prints its EncryptionKey, also nested in JSON or slog.
func TestSharedOptionsRedact(t *testing.T) {
	o := &outbound.SharedOptions{EncryptionKey: []byte("0123456789abcdef0123456789ABCDEF")}
	js, _ := json.Marshal(struct{ Opts *outbound.SharedOptions }{o})
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("o", "opts", o)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s %x", o, o, o, *o, *o), string(js), buf.String()} {
		if strings.Contains(s, "0123456789") || strings.Contains(s, "30313233") || strings.Contains(s, "MDEy") {
			t.Errorf("key printed: %s", s)
		}
		if !strings.Contains(s, "REDACTED") {
			t.Errorf("no redacted form: %s", s)
		}
	}
}

// Printing a Shared fetcher never prints its Fetcher's secrets.
func TestSharedRedacts(t *testing.T) {
	cc := &outbound.ClientCredentials{TokenURL: "https://auth.example/token", ClientID: "id", ClientSecret: "s3cr3t-value"}
	f := outbound.Shared(cc, outbound.MemoryStore(), "k", &outbound.SharedOptions{EncryptionKey: []byte(strings.Repeat("x", 32))})
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("f", "fetcher", f)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", f, f, f, f), buf.String()} {
		if strings.Contains(s, "s3cr3t") || strings.Contains(s, "xxxx") {
			t.Errorf("secret printed: %s", s)
		}
	}
}
