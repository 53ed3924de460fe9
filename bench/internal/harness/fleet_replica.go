package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/redisstore"
)

// fleetEnv carries a replica's settings, as JSON, from RunFleet.
const fleetEnv = "GATEHOUSE_BENCH_FLEET_REPLICA"

type fleetSettings struct {
	Mode             FleetMode
	TokenURL, APIURL string
	Redis            string
	Goroutines       int
	Lifetime, Pause  time.Duration
	Start, End       time.Time
}

// fleetReport is what a replica prints on stdout.
type fleetReport struct {
	Requests, Failed, Waited40ms, SourceWaits int64
	Events                                    map[string]int64
}

// FleetReplicaMain runs this process as a replica of RunFleet if it was
// started as one, and then exits; otherwise it returns at once. Programs that
// call RunFleet call it first thing in main (tests: in TestMain).
func FleetReplicaMain() {
	raw := os.Getenv(fleetEnv)
	if raw == "" {
		return
	}
	var set fleetSettings
	code := 0
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		fmt.Fprintln(os.Stderr, "fleet replica:", err)
		code = 2
	} else if err := runReplica(set, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fleet replica:", err)
		code = 1
	}
	os.Exit(code)
}

// replica is one process's client.
type replica struct {
	http   *http.Client
	src    *outbound.Source // nil for x/oauth2
	oauth  oauth2.TokenSource
	mu     sync.Mutex
	events map[string]int64
	closes []func()
}

func newReplica(set fleetSettings) (*replica, error) {
	r := &replica{events: map[string]int64{}}
	api := &http.Transport{MaxIdleConnsPerHost: set.Goroutines}
	tokenTr := &http.Transport{MaxIdleConnsPerHost: 4}
	r.closes = append(r.closes, api.CloseIdleConnections, tokenTr.CloseIdleConnections)
	tokenClient := &http.Client{Transport: tokenTr, Timeout: 30 * time.Second}
	inner := func(next http.RoundTripper) http.RoundTripper { return stampInner{next} }
	outer := func(next http.RoundTripper) http.RoundTripper { return stampOuter{next} }
	if set.Mode == FleetXOAuth2 {
		cfg := &clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret,
			TokenURL: set.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, tokenClient)
		r.oauth = oauth2.ReuseTokenSourceWithExpiry(nil, cfg.TokenSource(ctx), margin(set.Lifetime))
		r.http = &http.Client{Transport: outer(&oauth2.Transport{Source: r.oauth, Base: inner(api)})}
		return r, nil
	}
	var f outbound.Fetcher = &outbound.ClientCredentials{TokenURL: set.TokenURL, ClientID: clientID,
		ClientSecret: clientSecret, Client: tokenClient}
	if set.Mode == FleetShared {
		redis.SetLogger(quietLogger{}) // a line per failed dial while Redis is down; the events count them
		rdb := redis.NewClient(&redis.Options{Addr: set.Redis, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
		r.closes = append(r.closes, func() { _ = rdb.Close() })
		f = outbound.Shared(f, redisstore.New(rdb, nil), outbound.CredentialKey("bench", set.TokenURL, clientID),
			&outbound.SharedOptions{OnEvent: r.event})
	}
	r.src = outbound.NewSource(f, &outbound.SourceOptions{ExpiryMargin: margin(set.Lifetime)})
	r.http = &http.Client{Transport: outbound.Chain(api, outer, outbound.Bearer(r.src), inner)}
	return r, nil
}

func (r *replica) event(ev outbound.SharedEvent) {
	r.mu.Lock()
	r.events[ev.Kind.String()]++
	r.mu.Unlock()
}

func (r *replica) warm(ctx context.Context) error {
	if r.src != nil {
		_, err := r.src.Token(ctx)
		return err
	}
	_, err := r.oauth.Token()
	return err
}

func (r *replica) waits() int64 {
	if r.src == nil {
		return 0
	}
	return r.src.Stats().Waits
}

func runReplica(set fleetSettings, out io.Writer) error {
	r, err := newReplica(set)
	if err != nil {
		return err
	}
	defer func() {
		for _, c := range r.closes {
			c()
		}
	}()
	ctx, cancel := context.WithDeadline(context.Background(), set.End)
	defer cancel()
	if err := r.warm(ctx); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	// The goroutines send requests from now on, as a live replica does;
	// only those of the measured window, from set.Start, are counted.
	var requests, failed, waited atomic.Int64
	var wg sync.WaitGroup
	for range set.Goroutines {
		wg.Go(func() {
			st := &stamp{}
			sctx := context.WithValue(ctx, stampKey{}, st)
			for ctx.Err() == nil {
				*st = stamp{}
				began := time.Now()
				ok := r.get(sctx, set.APIURL)
				if ctx.Err() != nil {
					return
				}
				if !began.Before(set.Start) {
					requests.Add(1)
					if !ok {
						failed.Add(1)
					}
					if st.reached && st.wait >= 40*time.Millisecond {
						waited.Add(1)
					}
				}
				time.Sleep(set.Pause)
			}
		})
	}
	if !sleepUntil(ctx, set.Start) {
		wg.Wait()
		return fmt.Errorf("warm-up ended after the run's start")
	}
	warm := r.waits()
	var rep fleetReport
	wg.Wait()
	rep.Requests, rep.Failed, rep.Waited40ms = requests.Load(), failed.Load(), waited.Load()
	rep.SourceWaits = r.waits() - warm
	r.mu.Lock()
	rep.Events = r.events
	defer r.mu.Unlock()
	return json.NewEncoder(out).Encode(rep)
}

func (r *replica) get(ctx context.Context, url string) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := r.http.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// quietLogger drops go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// pingRedis reports whether a Redis answers PING on addr.
func pingRedis(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 7)
	_, err = io.ReadFull(c, buf)
	return err == nil && string(buf) == "+PONG\r\n"
}
