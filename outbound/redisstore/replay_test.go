package redisstore_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/internal/jose"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

func TestReplayCache(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	// A generous timeout: these tests are about atomicity and sharing, not
	// latency, and run on busy machines.
	patient := &redisstore.Options{Timeout: 5 * time.Second}
	r1 := redisstore.NewReplayCache(c, patient)
	r2 := redisstore.NewReplayCache(client(t, srv.Addr()), patient) // another replica
	ctx := t.Context()
	until := time.Now().Add(time.Minute)

	if seen, err := r1.Seen(ctx, "jti-1", until); err != nil || seen {
		t.Fatalf("first use: %v, %v", seen, err)
	}
	if seen, err := r1.Seen(ctx, "jti-1", until); err != nil || !seen {
		t.Fatalf("replay, same replica: %v, %v", seen, err)
	}
	if seen, err := r2.Seen(ctx, "jti-1", until); err != nil || !seen {
		t.Fatalf("replay, other replica: %v, %v", seen, err)
	}
	if seen, err := r2.Seen(ctx, "jti-2", until); err != nil || seen {
		t.Fatalf("other id: %v, %v", seen, err)
	}
	// The key lives until the window closes, not longer.
	sum := sha256.Sum256([]byte("jti-1"))
	ttl, err := c.PTTL(ctx, "gatehouse:replay:"+hex.EncodeToString(sum[:])).Result()
	if err != nil || ttl <= 55*time.Second || ttl > time.Minute+time.Millisecond {
		t.Fatalf("PTTL = %v, %v; want about a minute", ttl, err)
	}

	t.Run("atomic", func(t *testing.T) {
		caches := []inbound.ReplayCache{redisstore.NewReplayCache(c, patient), redisstore.NewReplayCache(client(t, srv.Addr()), patient)}
		var fresh atomic.Int32
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				seen, err := caches[i%2].Seen(ctx, "contended", until)
				if err != nil {
					t.Error(err)
				} else if !seen {
					fresh.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := fresh.Load(); n != 1 {
			t.Fatalf("%d first uses, want 1", n)
		}
	})

	t.Run("redis down fails closed", func(t *testing.T) {
		srv.Stop()
		defer srv.Start()
		seen, err := r1.Seen(ctx, "jti-3", until)
		var e *redisstore.Error
		if err == nil || !errors.As(err, &e) {
			t.Fatalf("Seen = %v, %v; want a *redisstore.Error", seen, err)
		}
	})
}

// TestReplayAcrossValidators: two BearerJWT validators (two replicas)
// sharing Redis refuse a DPoP proof the other accepted.
func TestReplayAcrossValidators(t *testing.T) {
	srv := startRedis(t)
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	clientKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	prover, err := outbound.NewDPoPProver(clientKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := inbound.StaticKeys(map[string]any{"k": &issuer.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	replica := func() inbound.Validator {
		v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"},
			DPoP: &inbound.DPoPOptions{Replay: redisstore.NewReplayCache(client(t, srv.Addr()), &redisstore.Options{Timeout: 5 * time.Second})}})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := replica(), replica()
	hb, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": "k"})
	cb, _ := json.Marshal(map[string]any{"sub": "client", "exp": time.Now().Add(time.Hour).Unix(), "cnf": map[string]string{"jkt": prover.Thumbprint()}})
	tok, err := jose.Sign(issuer, "ES256", hb, cb)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "https://api.example/v1/x", nil)
	proof, err := prover.Proof(http.MethodGet, req.URL, tok)
	if err != nil {
		t.Fatal(err)
	}
	send := func(v inbound.Validator) error {
		r := req.Clone(context.Background())
		r.Header.Set("Authorization", "DPoP "+tok)
		r.Header.Set("DPoP", proof)
		_, err := v.Validate(r)
		return err
	}
	if err := send(a); err != nil {
		t.Fatalf("replica a: %v", err)
	}
	err = send(b)
	if e, ok := inbound.AsError(err); !ok || e.Code != inbound.CodeInvalidDPoPProof {
		t.Fatalf("replay to replica b: %v", err)
	}
}

// TestReplayKeyOutlivesWindow: the Redis key of a proof accepted near the
// end of its window lives as long as the proof's whole acceptance span
// (window plus the future skew) from then, not until iat+window: a replica
// whose clock lags must still find it.
func TestReplayKeyOutlivesWindow(t *testing.T) {
	srv := startRedis(t)
	c := client(t, srv.Addr())
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	clientKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// The proof was made 50 s ago: 10 s of the window are left.
	prover, err := outbound.NewDPoPProver(clientKey, &outbound.DPoPProverOptions{Now: func() time.Time { return time.Now().Add(-50 * time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := inbound.StaticKeys(map[string]any{"k": &issuer.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inbound.BearerJWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"},
		DPoP: &inbound.DPoPOptions{Replay: redisstore.NewReplayCache(c, &redisstore.Options{Timeout: 5 * time.Second})}})
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": "k"})
	cb, _ := json.Marshal(map[string]any{"sub": "client", "exp": time.Now().Add(time.Hour).Unix(), "cnf": map[string]string{"jkt": prover.Thumbprint()}})
	tok, err := jose.Sign(issuer, "ES256", hb, cb)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "https://api.example/v1/x", nil)
	proof, err := prover.Proof(http.MethodGet, r.URL, tok)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "DPoP "+tok)
	r.Header.Set("DPoP", proof)
	if _, err := v.Validate(r); err != nil {
		t.Fatal(err)
	}
	ks, err := c.Keys(t.Context(), "gatehouse:replay:*").Result()
	if err != nil || len(ks) != 1 {
		t.Fatalf("replay keys %v, %v", ks, err)
	}
	ttl, err := c.PTTL(t.Context(), ks[0]).Result()
	if want := inbound.DefaultDPoPWindow + inbound.DPoPFutureSkew - 5*time.Second; err != nil || ttl < want {
		t.Fatalf("PTTL = %v, %v; want at least %v", ttl, err, want)
	}
}
