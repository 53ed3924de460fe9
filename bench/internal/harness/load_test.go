package harness

import (
	"context"
	"testing"
	"time"
)

func TestRunLoadCountsAddUp(t *testing.T) {
	for _, lib := range []Library{Gatehouse, XOAuth2} {
		t.Run(string(lib), func(t *testing.T) {
			res, err := RunLoad(context.Background(), lib, LoadConfig{
				Goroutines: 50, Duration: 1500 * time.Millisecond, Lifetime: time.Second,
				TokenLatency: 20 * time.Millisecond, Pause: time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
			if res.EndpointTotal != res.LibraryTotal || res.EndpointTotal != res.ClientTotal {
				t.Errorf("fetch counts differ: endpoint %d, library %d, client %d",
					res.EndpointTotal, res.LibraryTotal, res.ClientTotal)
			}
			if res.Used > res.Fetches || res.Fetches-res.Used > 1 {
				t.Errorf("%d fetches during the run, %d of their tokens used", res.Fetches, res.Used)
			}
			if res.Fetches < 1 {
				t.Errorf("no fetch during a run longer than the token lifetime")
			}
			// Every request is counted once. A 401 is a measurement, not a
			// harness failure: on a busy machine a request can be delayed
			// past its token's expiry (the report counts them).
			if res.OK == 0 || res.Errors != 0 || res.OK+res.Unauthorized != res.Requests {
				t.Errorf("requests %d: ok %d, unauthorized %d, errors %d", res.Requests, res.OK, res.Unauthorized, res.Errors)
			}
			if (lib == Gatehouse) != (res.SourceWaits >= 0) {
				t.Errorf("SourceWaits = %d for %s", res.SourceWaits, lib)
			}
		})
	}
}
