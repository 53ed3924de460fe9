package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// The parent hands a replica its settings in the environment. The fake
// provider's credentials are throwaway values made up by the fake; a real
// service reads its own from its secret store.
const (
	envRole       = "FLEET_ROLE"
	roleReplica   = "replica"
	envRedis      = "FLEET_REDIS" // empty: no store
	envBaseURL    = "FLEET_BASE_URL"
	envCAFile     = "FLEET_CA_FILE"
	envClientID   = "FLEET_CLIENT_ID"
	envSecret     = "FLEET_CLIENT_SECRET"
	envTokenKey   = "FLEET_TOKEN_KEY" // hex, 32 bytes
	envGoroutines = "FLEET_GOROUTINES"
	envDuration   = "FLEET_DURATION"
	envWarmup     = "FLEET_WARMUP"
)

// replicaReport is what a replica prints on stdout when it is done.
type replicaReport struct {
	Calls, Errors int64
	// WarmupWaits counts Token calls that waited before Warmup, Waits those
	// after.
	WarmupWaits, Waits int64
	// Events counts the Shared fetcher's events by kind.
	Events map[string]int64
}

func replicaMain() int {
	// go-redis logs every failed dial; with Redis down that is a line per
	// attempt. The Shared fetcher's events say what happened instead.
	redis.SetLogger(quietLogger{})
	if err := replica(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fleet replica:", err)
		return 1
	}
	return 0
}

func replica(out io.Writer) error {
	goroutines, _ := strconv.Atoi(os.Getenv(envGoroutines))
	duration, err1 := time.ParseDuration(os.Getenv(envDuration))
	warmup, err2 := time.ParseDuration(os.Getenv(envWarmup))
	caPEM, err3 := os.ReadFile(os.Getenv(envCAFile))
	if err1 != nil || err2 != nil || err3 != nil || goroutines < 1 {
		return fmt.Errorf("bad settings from the parent")
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	base := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: goroutines}
	defer base.CloseIdleConnections()

	var mu sync.Mutex
	events := map[string]int64{}
	parts, closeStore, err := newClient(base, func(ev outbound.SharedEvent) {
		mu.Lock()
		events[ev.Kind.String()]++
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	defer closeStore()
	client, src := parts.Client, parts.Source

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var calls, errs atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() { callLoop(ctx, client, &calls, &errs) })
	}
	time.Sleep(warmup)
	warm := src.Stats().Waits
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return json.NewEncoder(out).Encode(replicaReport{Calls: calls.Load(), Errors: errs.Load(),
		WarmupWaits: warm, Waits: src.Stats().Waits - warm, Events: events})
}

// newClient builds the replica's client with the divipay preset: its
// Source shares the token through Redis, or without a store fetches alone.
func newClient(base http.RoundTripper, onEvent func(outbound.SharedEvent)) (*divipay.Parts, func(), error) {
	cfg := divipay.Config{
		BaseURL:      os.Getenv(envBaseURL),
		Base:         base,
		ClientID:     os.Getenv(envClientID),
		ClientSecret: os.Getenv(envSecret),
	}
	closeStore := func() {}
	if addr := os.Getenv(envRedis); addr != "" {
		tokenKey, err := hex.DecodeString(os.Getenv(envTokenKey))
		if err != nil {
			return nil, nil, fmt.Errorf("bad token key")
		}
		rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
		closeStore = func() { _ = rdb.Close() }
		cfg.Store = redisstore.New(rdb, nil)
		cfg.SharedOptions = &outbound.SharedOptions{EncryptionKey: tokenKey, OnEvent: onEvent}
	}
	p, err := divipay.NewParts(cfg)
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return p, closeStore, nil
}

// callLoop calls the API until ctx ends, 10 ms apart.
func callLoop(ctx context.Context, client *http.Client, calls, errs *atomic.Int64) {
	url := os.Getenv(envBaseURL) + "/api/v1/charges"
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if ctx.Err() != nil {
			return
		}
		calls.Add(1)
		if err != nil {
			errs.Add(1)
		} else {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs.Add(1)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quietLogger drops go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
