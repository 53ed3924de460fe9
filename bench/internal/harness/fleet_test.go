package harness

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRunFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts replica processes for seconds")
	}
	cfg := FleetConfig{Replicas: 3, Goroutines: 20, Duration: 4 * time.Second, Lifetime: 2 * time.Second}
	cycles := float64(cfg.Duration) / float64(cfg.Lifetime/2)
	for _, mode := range []FleetMode{FleetShared, FleetAlone, FleetXOAuth2} {
		t.Run(string(mode), func(t *testing.T) {
			res, err := RunFleet(context.Background(), mode, cfg)
			if errors.Is(err, ErrNoRedis) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
			if res.Requests == 0 || res.Failed != 0 {
				t.Errorf("%d requests, %d failed", res.Requests, res.Failed)
			}
			switch mode {
			case FleetShared:
				// A store call past its timeout on a loaded machine makes a
				// replica fetch for itself (reported as local_fallback).
				shared := res.TokenRequests - res.Events["local_fallback"]
				if float64(shared) > cycles+1 || res.SourceWaits != 0 {
					t.Errorf("%d token requests (%d local fallbacks) in %.0f refresh cycles, %d Source waits: want one per cycle and none",
						res.TokenRequests, res.Events["local_fallback"], cycles, res.SourceWaits)
				}
			case FleetAlone:
				if float64(res.TokenRequests) < float64(cfg.Replicas)*(cycles-1) {
					t.Errorf("%d token requests: want about one per replica per cycle", res.TokenRequests)
				}
			}
		})
	}
}

func TestRunFleetRedisKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts replica processes for seconds")
	}
	res, err := RunFleet(context.Background(), FleetShared, FleetConfig{Replicas: 3, Goroutines: 20,
		Duration: 6 * time.Second, Lifetime: 2 * time.Second, KillRedis: true})
	if errors.Is(err, ErrNoRedis) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Down.From <= 0 || res.Down.To <= res.Down.From || res.Down.To >= res.Config.Duration {
		t.Errorf("Redis down %v to %v in a run of %v", res.Down.From, res.Down.To, res.Config.Duration)
	}
	if len(res.Calls) == 0 {
		t.Error("no token request's arrival recorded")
	}
	if res.Failed != 0 || len(res.Phases) != 4 || res.Events["local_fallback"] == 0 {
		t.Errorf("%d failed, phases %+v, events %v: want no failure and local fallbacks while Redis was down",
			res.Failed, res.Phases, res.Events)
	}
}
