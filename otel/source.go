package gatehouseotel

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// Attribute keys and values.
const (
	AttrSource     = attribute.Key("gatehouse.source")
	AttrOutcome    = attribute.Key("outcome")
	AttrBackground = attribute.Key("background")
	AttrEvent      = attribute.Key("event")
	AttrCode       = attribute.Key("code")
	AttrScheme     = attribute.Key("scheme")
	AttrResult     = attribute.Key("result")
	// AttrErrorType is the span attribute naming a failed fetch's kind (see
	// ErrorType).
	AttrErrorType = attribute.Key("error.type")

	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// Source returns a copy of o (nil: the zero options) whose OnFetch and OnWait
// record the fetches, their durations, the waits and a span per fetch of one
// Source under name (the gatehouse.source attribute, e.g. "efi"), then call
// the hooks o already had. Give each Source its own name.
//
//	src := outbound.NewSource(f, tel.Source("efi", nil))
//	client, err := efi.New(efi.Config{ /* ... */ SourceOptions: tel.Source("efi", nil)})
func (t *Telemetry) Source(name string, o *outbound.SourceOptions) *outbound.SourceOptions {
	var c outbound.SourceOptions
	if o != nil {
		c = *o
	}
	r := t.newSourceRecorder(name)
	c.FetchContext = chainContext(r.fetchContext, c.FetchContext)
	c.OnFetch = Chain(r.onFetch, c.OnFetch)
	c.OnWait = Chain(r.onWait, c.OnWait)
	return &c
}

// chainContext composes SourceOptions.FetchContext hooks: each gets the
// context the one before it returned (nil keeps it).
func chainContext(a, b func(context.Context, bool) context.Context) func(context.Context, bool) context.Context {
	if b == nil {
		return a
	}
	return func(ctx context.Context, background bool) context.Context {
		if c := a(ctx, background); c != nil {
			ctx = c
		}
		return b(ctx, background)
	}
}

// fetchSpanKey marks, in a fetch's context, the span that fetchContext
// started for it (the context may also hold the caller's span).
type fetchSpanKey struct{}

// sourceRecorder holds one Source's precomputed attribute options (as
// slices, passed on with ... without an allocation).
type sourceRecorder struct {
	t       *Telemetry
	source  attribute.KeyValue
	fetch   [2][2][]metric.AddOption // [failed][background]
	dur     [2][]metric.RecordOption // [failed]
	waitOpt []metric.AddOption
}

func (t *Telemetry) newSourceRecorder(name string) *sourceRecorder {
	r := &sourceRecorder{t: t, source: AttrSource.String(name)}
	for f, outcome := range []string{OutcomeSuccess, OutcomeFailure} {
		for b, bg := range []bool{false, true} {
			r.fetch[f][b] = []metric.AddOption{metric.WithAttributeSet(
				attribute.NewSet(r.source, AttrOutcome.String(outcome), AttrBackground.Bool(bg)))}
		}
		r.dur[f] = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(r.source, AttrOutcome.String(outcome)))}
	}
	r.waitOpt = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(r.source))}
	return r
}

func (r *sourceRecorder) onWait(ev outbound.WaitEvent) {
	r.t.waits.Add(ctxOr(ev.Context), 1, r.waitOpt...)
}

func (r *sourceRecorder) onFetch(ev outbound.FetchEvent) {
	if ev.Phase != outbound.FetchSucceeded && ev.Phase != outbound.FetchFailed {
		return
	}
	ctx := ctxOr(ev.Context)
	failed, outcome := 0, OutcomeSuccess
	if ev.Phase == outbound.FetchFailed {
		failed, outcome = 1, OutcomeFailure
	}
	bg := 0
	if ev.Background {
		bg = 1
	}
	r.t.fetches.Add(ctx, 1, r.fetch[failed][bg]...)
	r.t.duration.Record(ctx, ev.Duration.Seconds(), r.dur[failed]...)
	r.span(ctx, ev, outcome)
}

// fetchContext starts the fetch's span as the fetch starts, so that the
// token request's own spans are its children: a child of the caller's span,
// or for a background refresh a root span linked to the caller's span.
func (r *sourceRecorder) fetchContext(ctx context.Context, background bool) context.Context {
	ctx, span := r.startSpan(ctx, background)
	return context.WithValue(ctx, fetchSpanKey{}, span)
}

func (r *sourceRecorder) startSpan(ctx context.Context, background bool, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	opts = append(opts, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(r.source, AttrBackground.Bool(background)))
	if background {
		opts = append(opts, trace.WithNewRoot())
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
		}
	}
	return r.t.tracer.Start(ctx, FetchSpan, opts...)
}

// span ends the fetch's span with its outcome. A fetch whose span was not
// started by fetchContext (options that kept OnFetch but lost FetchContext)
// gets one recorded after the fact, with the fetch's times.
func (r *sourceRecorder) span(ctx context.Context, ev outbound.FetchEvent, outcome string) {
	span, started := ctx.Value(fetchSpanKey{}).(trace.Span)
	if !started {
		_, span = r.startSpan(ctx, ev.Background, trace.WithTimestamp(ev.Start))
	}
	span.SetAttributes(AttrOutcome.String(outcome))
	if ev.Phase == outbound.FetchFailed {
		kind := ErrorType(ev.Err)
		span.SetAttributes(AttrErrorType.String(kind),
			attribute.Float64("gatehouse.token.backoff", ev.Backoff.Seconds()))
		var oe *outbound.Error
		if errors.As(ev.Err, &oe) && oe.Status != 0 {
			span.SetAttributes(attribute.Int("http.response.status_code", oe.Status))
		}
		// The kind, not the error's text: provider text may quote what
		// the request sent, and a span is no place to find out whether it
		// was scrubbed.
		span.SetStatus(codes.Error, kind)
	} else if !ev.Expiry.IsZero() {
		span.SetAttributes(attribute.String("gatehouse.token.expiry", ev.Expiry.UTC().Format(time.RFC3339)))
	}
	if started {
		span.End()
		return
	}
	span.End(trace.WithTimestamp(ev.Start.Add(ev.Duration)))
}

// ErrorType classifies a failed fetch for the error.type span attribute:
// invalid_credentials, forbidden, rate_limited, unavailable,
// invalid_response, host_not_allowed, tls_config, timeout, canceled, or
// other.
func ErrorType(err error) string {
	for _, c := range []struct {
		err  error
		name string
	}{
		{outbound.ErrInvalidCredentials, "invalid_credentials"},
		{outbound.ErrForbidden, "forbidden"},
		{outbound.ErrRateLimited, "rate_limited"},
		{outbound.ErrUnavailable, "unavailable"},
		{outbound.ErrInvalidResponse, "invalid_response"},
		{outbound.ErrHostNotAllowed, "host_not_allowed"},
		{outbound.ErrTLSConfig, "tls_config"},
		{context.DeadlineExceeded, "timeout"},
		{context.Canceled, "canceled"},
	} {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return "other"
}

func ctxOr(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
