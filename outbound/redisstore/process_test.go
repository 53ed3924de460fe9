package redisstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// The test binary re-executes itself as replica processes: TestMain runs
// replicaMain when replicaEnv is set.
const (
	replicaEnv  = "REDISSTORE_TEST_REPLICA" // "fleet" or "hold-lease"
	redisEnv    = "REDISSTORE_TEST_REDIS"
	tokenURLEnv = "REDISSTORE_TEST_TOKEN_URL"
	key         = "gatehouse:token:process-test"
)

// replicaReport is what a replica process prints when it is done.
type replicaReport struct {
	Calls, Errors, WaitsAfterWarmup int64
}

func replicaMain(mode string) int {
	c := redis.NewClient(&redis.Options{Addr: os.Getenv(redisEnv), MaxRetries: -1})
	defer c.Close()
	// Generous timeouts: the test is about sharing between processes, and a
	// loaded machine can hold a round trip past the 250 ms defaults.
	st := redisstore.New(c, &redisstore.Options{Timeout: 2 * time.Second})
	switch mode {
	case "hold-lease":
		// Take the lease, say so with its owner value, and wait to be
		// killed.
		if _, ok, err := st.Lease(context.Background(), key, holderTTL); !ok || err != nil {
			fmt.Println("lease refused", err)
			return 1
		}
		owner, err := c.Get(context.Background(), "{"+key+"}:lease").Result()
		if err != nil {
			fmt.Println("lease not found", err)
			return 1
		}
		fmt.Println("held", owner)
		select {}
	case "fleet":
		return replicaFleet(st)
	}
	return 2
}

// replicaFleet runs 50 goroutines calling Token for 5 s and prints a report.
func replicaFleet(st outbound.Store) int {
	src := outbound.NewSource(outbound.Shared(&outbound.ClientCredentials{
		TokenURL: os.Getenv(tokenURLEnv), ClientID: "fleet", ClientSecret: "s3cret",
	}, st, key, &outbound.SharedOptions{LeaseTTL: 5 * time.Second, StoreTimeout: 2 * time.Second}), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var calls, errs atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := src.Token(ctx); err != nil && ctx.Err() == nil {
					errs.Add(1)
				}
				calls.Add(1)
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	time.Sleep(time.Second)
	warm := src.Stats().Waits
	wg.Wait()
	_ = json.NewEncoder(os.Stdout).Encode(replicaReport{
		Calls: calls.Load(), Errors: errs.Load(), WaitsAfterWarmup: src.Stats().Waits - warm})
	return 0
}

// tokenServer is an OAuth2 token endpoint issuing 4-second tokens after
// 50 ms, recording when each request arrived.
type tokenServer struct {
	*httptest.Server
	p provider
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{p: provider{life: 4 * time.Second, delay: 50 * time.Millisecond}}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := ts.p.Fetch(r.Context())
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":4}`, tok.Value)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func replicaCmd(mode, redisAddr, tokenURL string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), replicaEnv+"="+mode, redisEnv+"="+redisAddr, tokenURLEnv+"="+tokenURL)
	cmd.Stderr = os.Stderr
	return cmd
}

// N replica processes against one real Redis: one token request per
// refresh cycle for the fleet, no caller error, no wait after warm-up. The
// processes run on the real clock, so the test counts, with room for a
// loaded machine, rather than times.
func TestReplicaProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	srv := startRedis(t)
	ts := newTokenServer(t)
	const n = 4
	out := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		cmd := replicaCmd("fleet", srv.Addr(), ts.URL)
		wg.Go(func() {
			b, err := cmd.Output()
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
			out[i] = b
		})
	}
	wg.Wait()
	for i, b := range out {
		var r replicaReport
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("replica %d printed %q", i, b)
		}
		if r.Errors != 0 || r.WaitsAfterWarmup != 0 || r.Calls == 0 {
			t.Errorf("replica %d: %+v; want calls, no errors, no waits after warm-up", i, r)
		}
	}
	// 5 s of 2 s refresh cycles, the processes starting up to about a
	// second apart: 3 or 4 requests, where the processes alone would make
	// 12 or more.
	if got := len(ts.p.fetchesSince(time.Time{})); got > 5 {
		t.Errorf("%d token requests for %d processes over 5s of 4s tokens, want at most 5", got, n)
	}
}

// holderTTL is the lease the "hold-lease" replica takes before it is killed.
const holderTTL = time.Second

// A replica process killed while it holds the lease delays the next fetch
// until its lease expires, and no longer: the waiter takes the lease then
// (it does not give up and fetch alone), and its token request comes after
// the dead holder's lease is gone.
func TestLeaseHolderProcessKilled(t *testing.T) {
	srv := startRedis(t)
	cmd := replicaCmd("hold-lease", srv.Addr(), "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	owner, ok := strings.CutPrefix(strings.TrimSpace(line), "held ")
	if !ok {
		t.Fatalf("holder printed %q", line)
	}
	c := client(t, srv.Addr())
	var during atomic.Int64
	p := &provider{life: time.Hour, check: func() {
		if v, _ := c.Get(context.Background(), "{"+key+"}:lease").Result(); v == owner {
			during.Add(1)
		}
	}}
	var events []outbound.SharedEventKind
	var mu sync.Mutex
	// A LeaseTTL longer than the holder's lease: a waiter that gave up
	// before the lease expired would show as a local fallback.
	src := outbound.NewSource(outbound.Shared(p, redisstore.New(c, nil), key, &outbound.SharedOptions{
		LeaseTTL: 10 * holderTTL,
		OnEvent: func(ev outbound.SharedEvent) {
			mu.Lock()
			events = append(events, ev.Kind)
			mu.Unlock()
		},
	}), nil)
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(p.fetchesSince(time.Time{})); n != 1 || during.Load() != 0 {
		t.Errorf("%d fetches, %d while the dead holder's lease was live; want 1 after it expired", n, during.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []outbound.SharedEventKind{outbound.SharedMiss, outbound.SharedLeaseWon}; !slices.Equal(events, want) {
		t.Errorf("events %v, want %v", events, want)
	}
}
