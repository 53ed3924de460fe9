package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// FleetMode is how the replicas of RunFleet get their tokens.
type FleetMode string

// The fleet modes RunFleet compares.
const (
	// FleetShared: a gatehouse Source per replica over outbound.Shared on
	// one Redis (outbound/redisstore).
	FleetShared FleetMode = "gatehouse + redisstore"
	// FleetAlone: a gatehouse Source per replica, no store.
	FleetAlone FleetMode = "gatehouse, no store"
	// FleetXOAuth2: x/oauth2's client credentials per replica.
	FleetXOAuth2 FleetMode = "x/oauth2 per process"
)

// FleetConfig configures RunFleet. Zero fields mean the defaults in
// brackets.
type FleetConfig struct {
	// Replicas is the number of replica processes [8].
	Replicas int
	// Goroutines send requests concurrently in each replica [100].
	Goroutines int
	// Duration is the measured run, after every replica has warmed up
	// [10 s].
	Duration time.Duration
	// TokenLatency is how long the token endpoint takes to answer [50 ms].
	TokenLatency time.Duration
	// Lifetime is the tokens' lifetime; whole seconds [2 s].
	Lifetime time.Duration
	// Pause is how long each goroutine sleeps between its requests [10 ms].
	Pause time.Duration
	// KillRedis kills Redis at a third of the run and restarts it at two
	// thirds (FleetShared only).
	KillRedis bool
}

func (c FleetConfig) withDefaults() FleetConfig {
	if c.Replicas <= 0 {
		c.Replicas = 8
	}
	if c.Goroutines <= 0 {
		c.Goroutines = 100
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.TokenLatency <= 0 {
		c.TokenLatency = 50 * time.Millisecond
	}
	if c.Lifetime < time.Second {
		c.Lifetime = 2 * time.Second
	}
	c.Lifetime = c.Lifetime.Truncate(time.Second)
	if c.Pause <= 0 {
		c.Pause = 10 * time.Millisecond
	}
	return c
}

// FleetResult is what RunFleet measured for one mode.
type FleetResult struct {
	Mode   FleetMode
	Config FleetConfig
	// TokenRequests is what the token endpoint received during the
	// measured run, all replicas together (warm-up excluded).
	TokenRequests int64
	// Requests were sent to the API during the run; Failed got no 200.
	Requests, Failed int64
	// Waited40ms counts requests whose token wait reached 40 ms (the token
	// endpoint takes 50 ms: a request that waited for a fetch).
	Waited40ms int64
	// SourceWaits is the replicas' Source Stats().Waits during the run; -1
	// for x/oauth2.
	SourceWaits int64
	// Events counts the Shared fetchers' events by kind (FleetShared).
	Events map[string]int64
	// Phases are the token requests before the kill, while Redis was down
	// and after its restart (KillRedis only).
	Phases []FleetPhase
	// Calls are the arrivals of the token requests during the measured run,
	// from its start.
	Calls []time.Duration
	// Down is when Redis was down, from the run's start (KillRedis only).
	Down struct{ From, To time.Duration }
}

// FleetPhase is a part of a run with Redis killed.
type FleetPhase struct {
	Name          string
	Length        time.Duration
	TokenRequests int64
}

// Lifetimes is the measured run's length in token lifetimes.
func (r FleetResult) Lifetimes() float64 {
	return float64(r.Config.Duration) / float64(r.Config.Lifetime)
}

// PerLifetime is the fleet's token requests per lifetime.
func (r FleetResult) PerLifetime() float64 { return float64(r.TokenRequests) / r.Lifetimes() }

// ErrNoRedis is returned by RunFleet for FleetShared when redis-server is not
// on the PATH.
var ErrNoRedis = errors.New("harness: redis-server is not on the PATH (Debian's redis-server package)")

// RunFleet runs cfg.Replicas replica processes (this executable, started
// again: its main must call FleetReplicaMain first) against one token
// endpoint and API, and for FleetShared one redis-server it starts and
// stops. The replicas warm up, then send requests for cfg.Duration, all in
// the same window.
func RunFleet(ctx context.Context, mode FleetMode, cfg FleetConfig) (FleetResult, error) {
	cfg = cfg.withDefaults()
	res := FleetResult{Mode: mode, Config: cfg, Events: map[string]int64{}}
	ts := newTokenServer(cfg.TokenLatency, cfg.Lifetime, 0)
	defer ts.Close()
	api := newAPIServer(ts)
	defer api.Close()
	var rs *redisServer
	if mode == FleetShared {
		var err error
		if rs, err = startRedisServer(); err != nil {
			return res, err
		}
		defer rs.close()
	}
	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	// The replicas start their run together, once all have warmed up.
	start := time.Now().Add(2*time.Second + time.Duration(cfg.Replicas)*200*time.Millisecond)
	set := fleetSettings{Mode: mode, TokenURL: ts.URL(), APIURL: api.URL, Goroutines: cfg.Goroutines,
		Lifetime: cfg.Lifetime, Pause: cfg.Pause, Start: start, End: start.Add(cfg.Duration)}
	if rs != nil {
		set.Redis = rs.addr()
	}
	env, _ := json.Marshal(set)
	outs := make([]bytes.Buffer, cfg.Replicas)
	errs := make([]error, cfg.Replicas)
	var wg sync.WaitGroup
	for i := range cfg.Replicas {
		cmd := exec.CommandContext(ctx, self)
		cmd.Env = append(os.Environ(), fleetEnv+"="+string(env))
		cmd.Stdout, cmd.Stderr = &outs[i], os.Stderr
		if err := cmd.Start(); err != nil {
			return res, err
		}
		wg.Go(func() { errs[i] = cmd.Wait() })
	}
	if !sleepUntil(ctx, start) {
		wg.Wait()
		return res, ctx.Err()
	}
	before := ts.calls.Load()
	if cfg.KillRedis && rs != nil {
		res.Phases = killRedisMidRun(ctx, cfg, rs, ts)
	} else {
		sleepUntil(ctx, start.Add(cfg.Duration))
	}
	res.TokenRequests = ts.calls.Load() - before
	res.Calls = ts.arrivalsBetween(start, start.Add(cfg.Duration))
	if len(res.Phases) > 1 {
		res.Down.From = res.Phases[0].Length
		res.Down.To = res.Down.From + res.Phases[1].Length
	}
	wg.Wait()
	return res, res.collect(outs, errs)
}

// collect adds up the replicas' reports.
func (r *FleetResult) collect(outs []bytes.Buffer, errs []error) error {
	for i := range outs {
		if errs[i] != nil {
			return fmt.Errorf("harness: replica %d: %w", i, errs[i])
		}
		var rep fleetReport
		if err := json.Unmarshal(outs[i].Bytes(), &rep); err != nil {
			return fmt.Errorf("harness: replica %d printed %q", i, outs[i].String())
		}
		r.Requests += rep.Requests
		r.Failed += rep.Failed
		r.Waited40ms += rep.Waited40ms
		r.SourceWaits += rep.SourceWaits
		for k, v := range rep.Events {
			r.Events[k] += v
		}
	}
	if r.Mode == FleetXOAuth2 {
		r.SourceWaits = -1
	}
	return nil
}

// killRedisMidRun kills Redis at a third of the run and restarts it at two
// thirds, counting the token requests of each phase. The second after the
// restart is a phase of its own: go-redis's pool, after failing to dial,
// probes the server once a second, so the replicas reconnect within it.
func killRedisMidRun(ctx context.Context, cfg FleetConfig, rs *redisServer, ts *tokenServer) []FleetPhase {
	third := cfg.Duration / 3
	rest := cfg.Duration - 2*third
	reconnect := min(time.Second, rest/2)
	phases := []FleetPhase{{Name: "before the kill", Length: third}, {Name: "Redis down", Length: third},
		{Name: "first second after the restart", Length: reconnect}, {Name: "after that", Length: rest - reconnect}}
	begin, last := time.Now(), ts.calls.Load()
	at := begin
	for i, p := range phases {
		switch i {
		case 1:
			rs.stop()
		case 2:
			if err := rs.start(); err != nil {
				fmt.Fprintln(os.Stderr, "harness: restarting Redis:", err)
			}
		}
		at = at.Add(p.Length)
		sleepUntil(ctx, at)
		n := ts.calls.Load()
		phases[i].TokenRequests, last = n-last, n
	}
	return phases
}

// sleepUntil sleeps until t or the end of ctx; it reports whether t came.
func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// redisServer is a redis-server process on a free loopback port, without
// persistence.
type redisServer struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
}

func startRedisServer() (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNoRedis
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gatehouse-bench-redis-")
	if err != nil {
		return nil, err
	}
	rs := &redisServer{bin: bin, dir: dir, port: port}
	if err := rs.start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return rs, nil
}

func (rs *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(rs.port) }

func (rs *redisServer) start() error {
	rs.cmd = exec.Command(rs.bin, "--port", strconv.Itoa(rs.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", rs.dir)
	if err := rs.cmd.Start(); err != nil {
		return err
	}
	// Another process: its readiness can only be polled.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if pingRedis(rs.addr()) {
			return nil
		}
	}
	return fmt.Errorf("harness: redis-server did not start on %s", rs.addr())
}

func (rs *redisServer) close() {
	rs.stop()
	_ = os.RemoveAll(rs.dir)
}

// stop kills the server, as a crash would.
func (rs *redisServer) stop() {
	if rs.cmd != nil {
		_ = rs.cmd.Process.Kill()
		_ = rs.cmd.Wait()
		rs.cmd = nil
	}
}
