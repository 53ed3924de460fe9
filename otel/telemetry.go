package gatehouseotel

import (
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/gatehouse-go/gatehouse/otel"

// The instruments' names.
const (
	TokenFetches       = "gatehouse.token.fetches"
	TokenFetchDuration = "gatehouse.token.fetch.duration"
	TokenWaits         = "gatehouse.token.waits"
	TokenShared        = "gatehouse.token.shared"
	InboundDecisions   = "gatehouse.inbound.decisions"
	JWTCache           = "gatehouse.jwt.cache"
	JWKSFetches        = "gatehouse.jwks.fetches"
	CertReloads        = "gatehouse.mtls.reloads"

	// FetchSpan is the name of the span of one token fetch.
	FetchSpan = "gatehouse.token.fetch"
)

// durationBuckets are the histogram's bucket bounds in seconds, those of
// OpenTelemetry's HTTP client duration: token endpoints answer in
// milliseconds to seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Telemetry holds the instruments and the tracer, and hands out the hooks
// that feed them. Create one per process (or per MeterProvider) with New and
// use it for every Source, Guard and key set. It is safe for concurrent use.
type Telemetry struct {
	tracer trace.Tracer

	fetches   metric.Int64Counter
	duration  metric.Float64Histogram
	waits     metric.Int64Counter
	shared    metric.Int64Counter
	decisions metric.Int64Counter
	jwtCache  metric.Int64Counter
	jwks      metric.Int64Counter
	reloads   metric.Int64Counter

	decisionOpts optionCache
}

// New creates the instruments on mp and the tracer on tp. A nil mp or tp
// means the global provider (otel.GetMeterProvider, otel.GetTracerProvider).
func New(mp metric.MeterProvider, tp trace.TracerProvider) (*Telemetry, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	m := mp.Meter(ScopeName)
	t := &Telemetry{tracer: tp.Tracer(ScopeName)}
	var errs [8]error
	t.fetches, errs[0] = m.Int64Counter(TokenFetches, metric.WithUnit("{fetch}"),
		metric.WithDescription("Token fetches made by Sources, by outcome and whether they ran in the background."))
	t.duration, errs[1] = m.Float64Histogram(TokenFetchDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of token fetches."), metric.WithExplicitBucketBoundaries(durationBuckets...))
	t.waits, errs[2] = m.Int64Counter(TokenWaits, metric.WithUnit("{call}"),
		metric.WithDescription("Token calls that found no usable token and waited for a fetch (or got the last failure during backoff)."))
	t.shared, errs[3] = m.Int64Counter(TokenShared, metric.WithUnit("{event}"),
		metric.WithDescription("Events of tokens shared between processes through a Store."))
	t.decisions, errs[4] = m.Int64Counter(InboundDecisions, metric.WithUnit("{request}"),
		metric.WithDescription("Inbound requests accepted or rejected by a Guard, by error code and scheme."))
	t.jwtCache, errs[5] = m.Int64Counter(JWTCache, metric.WithUnit("{lookup}"),
		metric.WithDescription("Lookups in the verified-JWT cache."))
	t.jwks, errs[6] = m.Int64Counter(JWKSFetches, metric.WithUnit("{fetch}"),
		metric.WithDescription("Fetches of JSON Web Key Sets, by outcome."))
	t.reloads, errs[7] = m.Int64Counter(CertReloads, metric.WithUnit("{reload}"),
		metric.WithDescription("Client certificate reloads, by outcome."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, errors.Join(errors.New("gatehouseotel: creating instruments"), err)
	}
	return t, nil
}
