package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The test binary is re-executed as the replicas.
func TestMain(m *testing.M) {
	if os.Getenv(envRole) == roleReplica {
		os.Exit(replicaMain())
	}
	goleak.VerifyTestMain(m)
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		// maxPerCycle bounds the token requests per refresh cycle.
		maxPerCycle float64
	}{
		{"shared", config{Replicas: 3, Goroutines: 10, Duration: 4 * time.Second, Lifetime: 2 * time.Second, Latency: 50 * time.Millisecond}, 1.6},
		{"kill redis", config{Replicas: 3, Goroutines: 10, Duration: 6 * time.Second, Lifetime: 2 * time.Second, Latency: 50 * time.Millisecond, KillRedis: true}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.cfg.KillRedis {
				t.Skip("runs for seconds")
			}
			var out bytes.Buffer
			res, err := run(context.Background(), tt.cfg, &out)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, &out)
			}
			tot := res.total()
			if !res.ok() || tot.Waits != 0 {
				t.Errorf("errors %d, waits after warm-up %d\n%s", tot.Errors, tot.Waits, &out)
			}
			// A store call past its timeout on a loaded machine makes a
			// replica fetch for itself (local_fallback): not a sharing failure.
			shared := res.TokenRequests - tot.Events["local_fallback"]
			if per := float64(shared) / res.Cycles; per > tt.maxPerCycle {
				t.Errorf("%.2f token requests per cycle\n%s", per, &out)
			}
			if tt.cfg.KillRedis {
				if len(res.Phases) != 3 || res.Phases[1].TokenRequests == 0 || tot.Events["local_fallback"] == 0 {
					t.Errorf("no local fallback while Redis was down\n%s", &out)
				}
			}
			if !strings.Contains(out.String(), "token requests:") {
				t.Errorf("no summary:\n%s", &out)
			}
			t.Log("\n" + out.String())
		})
	}
}

func TestConfigValidate(t *testing.T) {
	ok := config{Replicas: 1, Goroutines: 1, Duration: 4 * time.Second, Lifetime: 2 * time.Second}
	bad := []config{
		{Replicas: 0, Goroutines: 1, Duration: 4 * time.Second, Lifetime: 2 * time.Second},
		{Replicas: 1, Goroutines: 1, Duration: 4 * time.Second, Lifetime: 1500 * time.Millisecond},
		{Replicas: 1, Goroutines: 1, Duration: time.Second, Lifetime: 2 * time.Second},
		{Replicas: 1, Goroutines: 1, Duration: 4 * time.Second, Lifetime: 2 * time.Second, KillRedis: true, NoStore: true},
	}
	if err := ok.validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
	for _, c := range bad {
		if c.validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
