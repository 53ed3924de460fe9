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
			if tot.Errors != 0 || tot.Calls == 0 || tot.Waits != 0 {
				t.Errorf("calls %d, errors %d, waits after warm-up %d\n%s", tot.Calls, tot.Errors, tot.Waits, &out)
			}
			// The last line is the verdict, and it agrees with the exit status.
			verdict := "PASS: "
			if !res.ok(tt.cfg) {
				verdict = "FAIL: "
			}
			if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); !strings.HasPrefix(lines[len(lines)-1], verdict) {
				t.Errorf("last line %q, want the verdict %q", lines[len(lines)-1], verdict)
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

// TestVerdict checks that the last line says FAIL exactly when a figure
// misses its expectation, as the exit status does, and that the expected
// figures (the Redis-down window's too) are printed.
func TestVerdict(t *testing.T) {
	shared := config{Replicas: 4, Goroutines: 1, Duration: 9 * time.Second, Lifetime: 2 * time.Second}
	killed := shared
	killed.KillRedis = true
	alone := shared
	alone.NoStore = true
	reports := func(calls, errors, waits, fallback int64) []replicaReport {
		return []replicaReport{{Calls: calls, Errors: errors, Waits: waits, Events: map[string]int64{"local_fallback": fallback}}}
	}
	// 9 s of 1 s cycles, in three phases of 3 s.
	phases := func(before, down, after int64) []phase {
		return []phase{{"before the kill", 3 * time.Second, before}, {"Redis down", 3 * time.Second, down},
			{"after the restart", 3 * time.Second, after}}
	}
	tests := []struct {
		name string
		cfg  config
		res  result
		want string   // the verdict's start
		says []string // expected figures the output must give
	}{
		{"shared", shared, result{TokenRequests: 9, Cycles: 9, Reports: reports(1000, 0, 0, 0)}, "PASS: ",
			[]string{"1.00 without the 0 local fallbacks (expected at most 1.6"}},
		{"an error", shared, result{TokenRequests: 9, Cycles: 9, Reports: reports(1000, 1, 0, 0)}, "FAIL: 1 of 3", nil},
		{"no calls", shared, result{TokenRequests: 9, Cycles: 9, Reports: reports(0, 0, 0, 0)}, "FAIL: 1 of 3", nil},
		{"waits after warm-up", shared, result{TokenRequests: 9, Cycles: 9, Reports: reports(1000, 0, 3, 0)}, "FAIL: 1 of 3", nil},
		{"not shared", shared, result{TokenRequests: 36, Cycles: 9, Reports: reports(1000, 0, 0, 0)}, "FAIL: 1 of 3", nil},
		{"fallbacks are not a sharing failure", shared, result{TokenRequests: 20, Cycles: 9, Reports: reports(1000, 0, 0, 11)}, "PASS: ", nil},
		{"no store", alone, result{TokenRequests: 36, Cycles: 9, Reports: reports(1000, 0, 0, 0)}, "PASS: ",
			[]string{"(expected about 4, one per replica: at most 6.0)"}},
		{"no store, too many", alone, result{TokenRequests: 60, Cycles: 9, Reports: reports(1000, 0, 0, 0)}, "FAIL: 1 of 3", nil},
		{"Redis killed", killed, result{TokenRequests: 18, Cycles: 9, Reports: reports(1000, 0, 0, 12), Phases: phases(3, 12, 3)}, "PASS: all 6",
			[]string{"Redis down: 4.00 token requests per cycle, 12 local fallbacks (expected about 4, each replica fetching for itself: 0.5 to 6.0",
				"after the restart: 1.00 token requests per cycle (expected under 4"}},
		{"Redis down, no fallback", killed, result{TokenRequests: 9, Cycles: 9, Reports: reports(1000, 0, 0, 0), Phases: phases(3, 3, 3)}, "FAIL: 1 of 6", nil},
		{"not shared again after the restart", killed, result{TokenRequests: 27, Cycles: 9, Reports: reports(1000, 0, 0, 12), Phases: phases(3, 12, 12)}, "FAIL: 2 of 6", nil},
		{"outage not measured", killed, result{TokenRequests: 9, Cycles: 9, Reports: reports(1000, 0, 0, 3)}, "FAIL: 1 of 4", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			printVerdict(&out, expectations(tt.cfg, tt.res))
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, tt.want) {
				t.Errorf("verdict %q, want it to start with %q\n%s", last, tt.want, &out)
			}
			if ok := tt.res.ok(tt.cfg); ok != (tt.want[:4] == "PASS") {
				t.Errorf("ok() = %v, verdict %q", ok, tt.want)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output does not say %q:\n%s", s, &out)
				}
			}
		})
	}
}
