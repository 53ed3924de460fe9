package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// telemetry is the demo's observability: gatehouse's OpenTelemetry
// instruments, exported to a Prometheus registry and served on a loopback
// /metrics page while the demo runs.
type telemetry struct {
	tel  *gatehouseotel.Telemetry
	reg  *prometheus.Registry
	mp   *sdkmetric.MeterProvider
	srv  *http.Server
	addr string
	// inflight counts token fetches started and not yet finished, so that
	// the summary waits for a refresh that was still running at the end.
	inflight atomic.Int64
	// cacheHits and cacheMisses are the demo's own count of the JWT cache,
	// through a hook chained after gatehouse's.
	cacheHits, cacheMisses atomic.Int64
	// shared is the demo's own count of the fleet's shared-token events.
	fleet fleet
}

func newTelemetry() (*telemetry, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	tel, err := gatehouseotel.New(mp, nil) // spans go to the global provider: none here
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	t := &telemetry{tel: tel, reg: reg, mp: mp, addr: "http://" + ln.Addr().String() + "/metrics",
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = t.srv.Serve(ln) }()
	return t, nil
}

func (t *telemetry) close() {
	_ = t.srv.Close()
	_ = t.mp.Shutdown(context.Background())
}

// source returns the SourceOptions of one provider's Source: gatehouse's
// instruments, chained with the demo's own hook that tracks fetches in
// flight.
func (t *telemetry) source(name string) *outbound.SourceOptions {
	return t.tel.Source(name, &outbound.SourceOptions{OnFetch: func(ev outbound.FetchEvent) {
		if ev.Phase == outbound.FetchStarted {
			t.inflight.Add(1)
		} else {
			t.inflight.Add(-1)
		}
	}})
}

// shared returns the options of one replica's Shared fetcher, counted by
// gatehouse's instrument and by the demo's own hook.
func (t *telemetry) shared(name string) *outbound.SharedOptions {
	return t.tel.Shared(name, &outbound.SharedOptions{OnEvent: func(ev outbound.SharedEvent) {
		if ev.Kind >= 0 && int(ev.Kind) < len(t.fleet.events) {
			t.fleet.events[ev.Kind].Add(1)
		}
	}})
}

// guard returns the options of a Guard, counted.
func (t *telemetry) guard() *middleware.Options { return t.tel.Guard(nil) }

// jwt returns o with its verified-token cache counted, by gatehouse's
// instrument and by the demo's own hook.
func (t *telemetry) jwt(o inbound.JWTOptions) inbound.JWTOptions {
	o.OnCache = func(hit bool) {
		if hit {
			t.cacheHits.Add(1)
		} else {
			t.cacheMisses.Add(1)
		}
	}
	return t.tel.JWT(o)
}

// jwks returns the options of a key set whose fetches are counted.
func (t *telemetry) jwks() *inbound.JWKSOptions { return t.tel.JWKS(nil) }

// settle waits (a few seconds at most) until no token fetch is running.
func (t *telemetry) settle() {
	for deadline := time.Now().Add(5 * time.Second); t.inflight.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

// families returns gatehouse's metric families by name.
func (t *telemetry) families() (map[string]*dto.MetricFamily, error) {
	mfs, err := t.reg.Gather()
	if err != nil {
		return nil, err
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "gatehouse_") {
			out[mf.GetName()] = mf
		}
	}
	return out, nil
}

// writeText writes gatehouse's metrics in the Prometheus text format, as
// the /metrics page shows them.
func (t *telemetry) writeText(w io.Writer) error {
	mfs, err := t.families()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(mfs))
	for n := range mfs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := expfmt.MetricFamilyToText(w, mfs[n]); err != nil {
			return err
		}
	}
	return nil
}

// sum adds up the values of a counter family's series whose labels include
// all of want.
func sum(mf *dto.MetricFamily, want map[string]string) int64 {
	var n float64
	for _, m := range mf.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		ok := true
		for k, v := range want {
			ok = ok && labels[k] == v
		}
		if ok {
			n += m.GetCounter().GetValue()
		}
	}
	return int64(n)
}

// check compares the metrics with the summary's counts and returns every
// disagreement.
func (t *telemetry) check(res *results) error {
	mfs, err := t.families()
	if err != nil {
		return err
	}
	var errs []error
	expect := func(family string, labels map[string]string, want int64) {
		var got int64
		if mf := mfs[family]; mf != nil {
			got = sum(mf, labels)
		}
		if got != want {
			errs = append(errs, fmt.Errorf("metrics: %s%v = %d, the summary says %d", family, labels, got, want))
		}
	}
	for _, p := range res.providers {
		if p.source == nil {
			continue
		}
		s := p.source.Stats()
		src := map[string]string{"gatehouse_source": p.id}
		expect("gatehouse_token_fetches_total", src, s.Fetches)
		expect("gatehouse_token_fetches_total", map[string]string{"gatehouse_source": p.id, "background": "true"}, s.BackgroundRefreshes)
		expect("gatehouse_token_waits_total", src, s.Waits)
	}
	var accepted int64
	rejected := map[string]int64{}
	for _, ad := range res.adapters {
		accepted += ad.accepted.Load()
		for code, n := range ad.rejected {
			rejected[code] += n.Load()
		}
	}
	expect("gatehouse_inbound_decisions_total", map[string]string{"outcome": "accepted"}, accepted)
	expect("gatehouse_jwt_cache_total", map[string]string{"result": "hit"}, t.cacheHits.Load())
	expect("gatehouse_jwt_cache_total", map[string]string{"result": "miss"}, t.cacheMisses.Load())
	expect("gatehouse_jwks_fetches_total", nil, res.issuer.requests.Load())
	for k := range t.fleet.events {
		kind := outbound.SharedEventKind(k)
		expect("gatehouse_token_shared_total", map[string]string{"event": kind.String()}, t.fleet.events[k].Load())
	}
	for code, n := range rejected {
		expect("gatehouse_inbound_decisions_total", map[string]string{"outcome": "rejected", "code": code}, n)
	}
	return errors.Join(errs...)
}
