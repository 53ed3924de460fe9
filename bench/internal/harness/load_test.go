package harness

import (
	"context"
	"slices"
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
			// The timeline holds every request that reached the base
			// transport, and the warm-up token stopped being usable during
			// the run.
			var n int64
			for _, b := range res.Timeline {
				n += int64(b.N)
			}
			if n == 0 || n > res.Requests || len(res.Timeline) > int(res.Elapsed/TimelineBucket)+10 {
				t.Errorf("timeline of %d buckets holds %d of %d requests", len(res.Timeline), n, res.Requests)
			}
			if len(res.TokenEnds) == 0 || res.TokenEnds[0] < 0 || res.TokenEnds[len(res.TokenEnds)-1] > res.Elapsed {
				t.Errorf("token ends %v in a run of %v", res.TokenEnds, res.Elapsed)
			}
		})
	}
}

func TestTimeline(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		waits   [][]time.Duration
		buckets [][]int32
		want    []WaitBucket
	}{
		{"none", nil, nil, []WaitBucket{}},
		{"merged across goroutines", [][]time.Duration{{ms, 3 * ms}, {2 * ms}}, [][]int32{{0, 2}, {0}},
			[]WaitBucket{{N: 2, P99: 2 * ms, Max: 2 * ms}, {}, {N: 1, P99: 3 * ms, Max: 3 * ms}}},
		{"p99 of a hundred", [][]time.Duration{hundred()}, [][]int32{make([]int32, 100)},
			[]WaitBucket{{N: 100, P99: 99 * ms, Max: 100 * ms}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := timeline(tt.waits, tt.buckets)
			if !slices.Equal(got, tt.want) {
				t.Errorf("timeline = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// hundred returns 100 ms, 99 ms, …, 1 ms.
func hundred() []time.Duration {
	var ws []time.Duration
	for i := 100; i > 0; i-- {
		ws = append(ws, time.Duration(i)*time.Millisecond)
	}
	return ws
}
