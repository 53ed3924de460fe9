// Command fleet shows one token shared by a fleet of replica processes:
//
//	go run ./examples/fleet
//	go run ./examples/fleet -kill-redis
//
// It starts a fake DiviPay (package outbound/providertest) whose tokens live
// a few seconds, a Redis, and N replica processes (the program re-executes
// itself). Each replica builds its client the way a service would: the
// divipay preset with its Config.Store set to outbound/redisstore (so its
// Source fetches through outbound.Shared), the tokens sealed by AES-256-GCM
// in Redis. Every replica's goroutines call the API concurrently;
// at the end the program prints how many token requests the fleet made per
// refresh cycle (one is the goal; without a store it would be one per
// replica), how often a caller waited for a token, and with -kill-redis what
// happened while Redis was down and after it came back; then each
// expectation with its figure, and a one-line verdict, "PASS: ..." or
// "FAIL: ...", matching the exit status (1 on FAIL).
//
// The Redis is the real redis-server when it is on the PATH (Debian's
// redis-server package), started on a free loopback port with a temporary
// directory and no persistence. Otherwise the program says so and runs
// miniredis, an in-process Redis that the replicas reach over TCP all the
// same, so that the example needs no setup beyond Go.
//
// Flags:
//
//	-replicas 4        replica processes
//	-goroutines 50     concurrent callers per replica
//	-duration 10s      how long the replicas call the API
//	-lifetime 2s       lifetime of the fake's tokens (refreshed at half)
//	-latency 50ms      latency of the fake's token endpoint
//	-kill-redis        kill Redis at a third of the run, restart it at two thirds
//	-no-store          each replica alone (for comparison)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

// config is what the flags set.
type config struct {
	Replicas, Goroutines int
	Duration, Lifetime   time.Duration
	Latency              time.Duration
	KillRedis, NoStore   bool
}

func (c config) validate() error {
	var errs []error
	if c.Replicas < 1 || c.Goroutines < 1 {
		errs = append(errs, errors.New("-replicas and -goroutines must be at least 1"))
	}
	if c.Lifetime < time.Second || c.Lifetime%time.Second != 0 {
		errs = append(errs, errors.New("-lifetime must be whole seconds, at least 1s: DiviPay reports lifetimes in seconds"))
	}
	if c.Duration < 2*c.Lifetime {
		errs = append(errs, errors.New("-duration must be at least two lifetimes"))
	}
	if c.KillRedis && c.NoStore {
		errs = append(errs, errors.New("-kill-redis needs the store"))
	}
	return errors.Join(errs...)
}

func main() {
	if os.Getenv(envRole) == roleReplica {
		os.Exit(replicaMain())
	}
	var cfg config
	flag.IntVar(&cfg.Replicas, "replicas", 4, "replica processes")
	flag.IntVar(&cfg.Goroutines, "goroutines", 50, "concurrent callers per replica")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long the replicas call the API")
	flag.DurationVar(&cfg.Lifetime, "lifetime", 2*time.Second, "lifetime of the fake provider's tokens")
	flag.DurationVar(&cfg.Latency, "latency", 50*time.Millisecond, "latency of the fake provider's token endpoint")
	flag.BoolVar(&cfg.KillRedis, "kill-redis", false, "kill Redis at a third of the run and restart it at two thirds")
	flag.BoolVar(&cfg.NoStore, "no-store", false, "no shared store: each replica fetches its own tokens")
	flag.Parse()
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
	if !res.ok(cfg) {
		os.Exit(1)
	}
}
