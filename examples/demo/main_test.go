package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/gatehouse-go/gatehouse/outbound"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	goleak.VerifyTestMain(m)
}

// TestRun runs the demo for a few seconds with one-second tokens, so that
// every token provider refreshes at least once ahead of expiry, and checks
// that everything that was sent got its expected answer.
func TestRun(t *testing.T) {
	cfg := config{Duration: 3 * time.Second, Concurrency: 2, Lifetime: time.Second, Pause: 2 * time.Millisecond, Metrics: true}
	var out bytes.Buffer
	res, err := run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "\nPASS: ") || strings.Contains(out.String(), "FAIL") {
		t.Errorf("a run without problems must end with a PASS verdict:\n%s", &out)
	}
	for _, p := range res.providers {
		t.Run(p.name, func(t *testing.T) {
			if n, ok := p.requests.Load(), p.ok.Load(); n == 0 || ok != n {
				t.Errorf("%d requests, %d OK", n, ok)
			}
			if p.source == nil {
				return
			}
			s := p.source.Stats()
			// A replica may get every token from the store, late in its
			// life: it refreshes, but not necessarily ahead of expiry.
			if s.Fetches < 2 || (s.BackgroundRefreshes < 1 && !p.shared) {
				t.Errorf("stats %+v: want a first fetch and at least one refresh ahead of expiry", s)
			}
			// A refresh started in the run's last instant may still be on its
			// way when the fake closes: it fails, and the fake never sees it.
			if s.Failures > 1 {
				t.Errorf("%d failed fetches", s.Failures)
			}
			if p.shared {
				return // the replicas' fake counts the fleet's requests: see below
			}
			if got := p.fake.TokenRequests(); got > s.Fetches || got < s.Fetches-1 {
				t.Errorf("the fake saw %d token requests, the Source made %d fetches", got, s.Fetches)
			}
		})
	}
	for _, ad := range res.adapters {
		t.Run(ad.name, func(t *testing.T) {
			if ad.requests.Load() == 0 || ad.accepted.Load() == 0 {
				t.Errorf("%d requests, %d accepted", ad.requests.Load(), ad.accepted.Load())
			}
			for code, n := range ad.rejected {
				if n.Load() == 0 {
					t.Errorf("no request refused with %s", code)
				}
			}
		})
	}
	// The replicas sharing a token through the store made fewer token
	// requests than their Sources made fetches: some were store hits.
	var fleetFetches int64
	var fleetFake interface{ TokenRequests() int64 }
	for _, p := range res.providers {
		if p.shared {
			fleetFetches += p.source.Stats().Fetches
			fleetFake = p.fake
		}
	}
	if ev := &res.tel.fleet.events; fleetFake == nil || fleetFake.TokenRequests() > fleetFetches ||
		ev[outbound.SharedLeaseWon].Load() == 0 || ev[outbound.SharedHit].Load()+ev[outbound.SharedLeaseWaited].Load() == 0 {
		t.Errorf("token sharing: %d fetches by the replicas' Sources, events %v", fleetFetches, ev)
	}
	checkTokenCounts(t, res, out.String())
	// run checked the metrics against the summary; -metrics prints them.
	if !strings.Contains(out.String(), "metrics agree with the summary") {
		t.Error("the metrics were not checked against the summary")
	}
	for _, name := range demoMetrics {
		if !strings.Contains(out.String(), "\n"+name) {
			t.Errorf("-metrics does not print %s", name)
		}
	}
	// The output names every provider and never shows a credential.
	for _, p := range res.providers {
		if !strings.Contains(out.String(), p.name) {
			t.Errorf("the summary does not mention %s", p.name)
		}
		cr := p.fake.Credentials()
		for _, secret := range []string{cr.ClientSecret, cr.Password, cr.APIKey} {
			if secret != "" && strings.Contains(out.String(), secret) {
				t.Errorf("the output shows a secret of %s", p.name)
			}
		}
	}
}

// demoMetrics are the series -metrics must print: every instrument of
// package gatehouseotel that the demo exercises.
var demoMetrics = []string{
	`gatehouse_token_fetches_total{background="false",gatehouse_source="efi",outcome="success"}`,
	`gatehouse_token_fetches_total{background="true",gatehouse_source="divipay",outcome="success"}`,
	`gatehouse_token_fetch_duration_seconds_count{gatehouse_source="sopague",outcome="success"}`,
	`gatehouse_token_waits_total{gatehouse_source="bankingapi"}`,
	`gatehouse_inbound_decisions_total{outcome="accepted",scheme="Bearer"}`,
	`gatehouse_inbound_decisions_total{code="token_expired",outcome="rejected",scheme="Bearer"}`,
	`gatehouse_jwt_cache_total{result="hit"}`,
	`gatehouse_jwt_cache_total{result="miss"}`,
	`gatehouse_jwks_fetches_total{outcome="success"}`,
	`gatehouse_token_shared_total{event="lease_won",`, // either replica may win
}

func TestConfigValidate(t *testing.T) {
	valid := config{Duration: time.Second, Concurrency: 1, Lifetime: time.Second}
	tests := []struct {
		name string
		mod  func(*config)
		ok   bool
	}{
		{"valid", func(*config) {}, true},
		{"zero duration", func(c *config) { c.Duration = 0 }, false},
		{"no clients", func(c *config) { c.Concurrency = 0 }, false},
		{"sub-second lifetime", func(c *config) { c.Lifetime = 500 * time.Millisecond }, false},
		{"negative pause", func(c *config) { c.Pause = -time.Millisecond }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.mod(&c)
			err := c.validate()
			if (err == nil) != tt.ok {
				t.Errorf("validate() = %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				if _, err := run(context.Background(), c, &bytes.Buffer{}); err == nil {
					t.Error("run accepted the invalid config")
				}
			}
		})
	}
}

// TestRunStopsWithContext checks that a cancelled context ends the run early
// with a summary and no error.
func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	if _, err := run(ctx, config{Duration: time.Hour, Concurrency: 1, Lifetime: time.Second, Quiet: true}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "unexpected") {
		t.Errorf("no summary:\n%s", &out)
	}
}

// TestVerdict checks that the last line says FAIL exactly when something
// unexpected happened, as the exit status does.
func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		name     string
		problems int
		want     string
	}{
		{"clean run", 0, "PASS: "},
		{"one problem", 1, "FAIL: 1 unexpected results"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := &results{problems: &problems{}}
			for range tc.problems {
				res.problems.add("boom")
			}
			var out bytes.Buffer
			printVerdict(&out, res, time.Second)
			if !strings.HasPrefix(strings.TrimSpace(out.String()), tc.want) {
				t.Errorf("verdict %q, want it to start with %q", out.String(), tc.want)
			}
		})
	}
}

// checkTokenCounts checks that the summary labels Source fetches and token
// requests apart, that the replicas' token requests add up to what their
// shared fake got, and that the setup's expectation counts what the
// progress line and the verdict count: requests to the token endpoints.
func checkTokenCounts(t *testing.T, res *results, out string) {
	t.Helper()
	for _, want := range []string{"Source fetches", "token requests",
		fmt.Sprintf("each of the %d fake token endpoints", tokenProviders(res)),
		"progress line's count of token\nrequests"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q", want)
		}
	}
	if n := tokenProviders(res); n != 5 {
		t.Errorf("%d token endpoints, want 5 (Efí, SoPague, DiviPay, Banking API, the replicas' DiviPay)", n)
	}
	var sent, got int64
	for _, p := range res.providers {
		if p.shared {
			sent += p.tokenRequests()
			got = p.fake.TokenRequests()
			row := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(p.name) + `(\s+\d+){4}`).FindString(out)
			if f := strings.Fields(row); len(f) < 7 || f[len(f)-1] != itoa(p.tokenRequests()) {
				t.Errorf("%s's row %q does not show its %d token requests", p.name, row, p.tokenRequests())
			}
		}
	}
	// A request counted as it leaves may not reach the fake when the run
	// ends: at most one per replica.
	if got > sent || sent > got+fleetReplicas {
		t.Errorf("the replicas sent %d token requests, their fake got %d", sent, got)
	}
	if !strings.Contains(out, fmt.Sprintf("cost %d token requests (the fake got %d)", sent, got)) {
		t.Errorf("the shared line does not give the replicas' %d token requests", sent)
	}
	_, _, total := res.totals()
	if !strings.Contains(out, fmt.Sprintf("%d token requests to the fake providers in all", total)) {
		t.Errorf("the verdict does not give the %d token requests", total)
	}
}
