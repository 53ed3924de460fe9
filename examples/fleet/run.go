package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// result is what a run found.
type result struct {
	TokenRequests int64
	Cycles        float64 // refresh cycles in the run (half a lifetime each)
	Reports       []replicaReport
	// Phases holds the token requests before Redis was killed, while it was
	// down, and after its restart (-kill-redis only).
	Phases []phase
}

type phase struct {
	Name          string
	Length        time.Duration
	TokenRequests int64
}

func (r result) total() (t replicaReport) {
	t.Events = map[string]int64{}
	for _, rep := range r.Reports {
		t.Calls += rep.Calls
		t.Errors += rep.Errors
		t.WarmupWaits += rep.WarmupWaits
		t.Waits += rep.Waits
		for k, v := range rep.Events {
			t.Events[k] += v
		}
	}
	return t
}

// ok reports whether the run met every expectation, as its verdict says.
func (r result) ok(cfg config) bool { return passed(expectations(cfg, r)) }

// run starts the provider, Redis and the replicas, and prints what they did.
func run(ctx context.Context, cfg config, w io.Writer) (result, error) {
	var res result
	fake, err := providertest.NewDiviPay(&providertest.Options{TokenLifetime: cfg.Lifetime, Latency: cfg.Latency})
	if err != nil {
		return res, err
	}
	defer fake.Close()
	dir, err := os.MkdirTemp("", "gatehouse-fleet-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, fake.CACertPEM(), 0o600); err != nil {
		return res, err
	}

	fmt.Fprintf(w, "fleet: %d replica processes x %d goroutines for %v; fake DiviPay with %v tokens (refreshed at half: %v cycles), %v token endpoint\n",
		cfg.Replicas, cfg.Goroutines, cfg.Duration, cfg.Lifetime, cfg.Lifetime/2, cfg.Latency)
	var srv redisServer
	if !cfg.NoStore {
		if srv, err = startRedis(dir); err != nil {
			return res, err
		}
		defer srv.Close()
		fmt.Fprintln(w, "redis:", srv.Describe())
	} else {
		fmt.Fprintln(w, "redis: none (-no-store): each replica fetches its own tokens")
	}

	env, err := replicaEnv(cfg, fake, srv, caFile)
	if err != nil {
		return res, err
	}
	start := time.Now()
	res.Reports, res.Phases, err = runReplicas(ctx, cfg, env, srv, fake)
	if err != nil {
		return res, err
	}
	res.TokenRequests = fake.TokenRequests()
	res.Cycles = float64(time.Since(start)) / float64(cfg.Lifetime/2)
	printResult(w, cfg, res)
	printVerdict(w, expectations(cfg, res))
	return res, nil
}

func replicaEnv(cfg config, fake *providertest.Server, srv redisServer, caFile string) ([]string, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	cr := fake.Credentials()
	addr := ""
	if srv != nil {
		addr = srv.Addr()
	}
	return append(os.Environ(),
		envRole+"="+roleReplica, envRedis+"="+addr, envBaseURL+"="+fake.BaseURL(), envCAFile+"="+caFile,
		envClientID+"="+cr.ClientID, envSecret+"="+cr.ClientSecret, envTokenKey+"="+hex.EncodeToString(key),
		envGoroutines+"="+strconv.Itoa(cfg.Goroutines), envDuration+"="+cfg.Duration.String(),
		envWarmup+"="+min(time.Second, cfg.Lifetime/2).String()), nil
}

// runReplicas starts the replica processes, kills and restarts Redis if
// asked, and collects the replicas' reports.
func runReplicas(ctx context.Context, cfg config, env []string, srv redisServer, fake *providertest.Server) ([]replicaReport, []phase, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	outs := make([]bytes.Buffer, cfg.Replicas)
	cmds := make([]*exec.Cmd, cfg.Replicas)
	for i := range cmds {
		cmds[i] = exec.CommandContext(ctx, self)
		cmds[i].Env, cmds[i].Stdout, cmds[i].Stderr = env, &outs[i], os.Stderr
		if err := cmds[i].Start(); err != nil {
			return nil, nil, err
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(cmds))
	for i, c := range cmds {
		wg.Go(func() { errs[i] = c.Wait() })
	}
	var phases []phase
	if cfg.KillRedis {
		phases = killAndRestart(ctx, cfg, srv, fake)
	}
	wg.Wait()
	reports := make([]replicaReport, len(cmds))
	for i := range cmds {
		if errs[i] != nil {
			return nil, nil, fmt.Errorf("replica %d: %w", i, errs[i])
		}
		if err := json.Unmarshal(outs[i].Bytes(), &reports[i]); err != nil {
			return nil, nil, fmt.Errorf("replica %d printed %q", i, outs[i].String())
		}
	}
	return reports, phases, nil
}

// killAndRestart kills Redis at a third of the run and restarts it at two
// thirds, counting the token requests of each phase.
func killAndRestart(ctx context.Context, cfg config, srv redisServer, fake *providertest.Server) []phase {
	third := cfg.Duration / 3
	phases := []phase{{Name: "before the kill", Length: third}, {Name: "Redis down", Length: third},
		{Name: "after the restart", Length: cfg.Duration - 2*third}}
	sleep := func(d time.Duration) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
	var last int64
	mark := func(i int) {
		n := fake.TokenRequests()
		phases[i].TokenRequests, last = n-last, n
	}
	sleep(third)
	mark(0)
	_ = srv.Kill()
	sleep(third)
	mark(1)
	if err := srv.Restart(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet: restarting Redis:", err)
	}
	sleep(cfg.Duration - 2*third)
	mark(2)
	return phases
}

func printResult(w io.Writer, cfg config, res result) {
	t := res.total()
	fmt.Fprintf(w, "token requests: %d in %.1f refresh cycles: %.2f per cycle (goal 1; without a store %d, one per replica)\n",
		res.TokenRequests, res.Cycles, float64(res.TokenRequests)/res.Cycles, cfg.Replicas)
	fmt.Fprintf(w, "API calls: %d, errors: %d\n", t.Calls, t.Errors)
	fmt.Fprintf(w, "caller waits: %d during warm-up (the cold start), %d after\n", t.WarmupWaits, t.Waits)
	if len(t.Events) > 0 {
		var kinds []string
		for k, v := range t.Events {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "shared fetcher events: %s\n", strings.Join(kinds, ", "))
	}
	for _, p := range res.Phases {
		cycles := float64(p.Length) / float64(cfg.Lifetime/2)
		fmt.Fprintf(w, "  %-18s %5.1fs: %3d token requests, %.2f per cycle\n", p.Name, p.Length.Seconds(), p.TokenRequests, float64(p.TokenRequests)/cycles)
	}
}
