package harness

import (
	"context"
	"testing"
	"time"
)

func TestRunOutageRecovers(t *testing.T) {
	for _, lib := range []Library{Gatehouse, XOAuth2} {
		t.Run(string(lib), func(t *testing.T) {
			res, err := RunOutage(context.Background(), lib, OutageConfig{
				Goroutines: 50, Lifetime: time.Second, TokenLatency: 10 * time.Millisecond,
				Before: 200 * time.Millisecond, Outage: 1500 * time.Millisecond, RetryAfter: -1,
				MinBackoff: 100 * time.Millisecond, MaxRecovery: 20 * time.Second, Pause: 5 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
			if !res.Recovered {
				t.Errorf("no request succeeded after the outage")
			}
			if res.OutageCalls < 1 {
				t.Errorf("the token endpoint saw no call during the outage")
			}
			if res.Failed == 0 {
				t.Errorf("no request failed during an outage longer than the token lifetime")
			}
			if res.EndpointTotal != res.LibraryTotal || res.EndpointTotal != res.ClientTotal {
				t.Errorf("fetch counts differ: endpoint %d, library %d, client %d",
					res.EndpointTotal, res.LibraryTotal, res.ClientTotal)
			}
			if n := int64(len(res.Calls)); n < res.OutageCalls || n > res.EndpointTotal || res.Ended < res.Config.Outage {
				t.Errorf("%d call arrivals recorded, run ended %v after the outage began; %d calls during the outage, %d in all",
					n, res.Ended, res.OutageCalls, res.EndpointTotal)
			}
		})
	}
}

func TestOutageConfigRejectsShortOutage(t *testing.T) {
	_, err := RunOutage(context.Background(), Gatehouse, OutageConfig{Lifetime: 2 * time.Second,
		Before: 100 * time.Millisecond, Outage: time.Second})
	if err == nil {
		t.Fatal("an outage shorter than the token lifetime was accepted")
	}
}

func TestMaxBackoffCalls(t *testing.T) {
	tests := []struct {
		name string
		cfg  OutageConfig
		want int64
	}{
		{"10 s, default 1 s steps: 0, 1, 3, 7", OutageConfig{Outage: 10 * time.Second}, 4},
		{"3 s: 0, 1, 3", OutageConfig{Outage: 3 * time.Second}, 3},
		{"shorter than a step", OutageConfig{Outage: 500 * time.Millisecond}, 1},
		{"100 ms steps over 1.5 s: 0, .1, .3, .7, 1.5", OutageConfig{Outage: 1500 * time.Millisecond, MinBackoff: 100 * time.Millisecond}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.MaxBackoffCalls(); got != tt.want {
				t.Errorf("MaxBackoffCalls = %d, want %d", got, tt.want)
			}
		})
	}
}
