package gatehouseotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// TestSource drives a Source through a fake DiviPay with 100 s tokens on an
// injected clock: a first fetch, a refresh ahead of expiry, a failed fetch,
// a call during the backoff, and a fetch after it. Every instrument and span
// must say exactly that, and the user's own OnFetch must still run.
func TestSource(t *testing.T) {
	h := newHarness(t)
	clk := newClock()
	fake, err := providertest.NewDiviPay(&providertest.Options{TokenLifetime: 100 * time.Second, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	done := make(chan outbound.FetchEvent, 8)
	userHook := func(ev outbound.FetchEvent) {
		if ev.Phase != outbound.FetchStarted {
			done <- ev
		}
	}
	cr := fake.Credentials()
	// DiviPay's fetcher as its preset builds it, on the test's clock.
	fetcher := &outbound.JSONFetcher{
		URL:        fake.TokenURL(),
		Body:       map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret},
		TokenField: "token", TypeField: "type", ExpiresInField: "expireIn",
		Statuses: []int{http.StatusCreated}, Client: fake.Client(), Now: clk.Now,
	}
	tracer := h.tp.Tracer("test")
	// The token requests are traced, as otelhttp would trace them.
	fetcher.Client = &http.Client{Transport: tracedTransport{tracer, fake.Client().Transport}}
	src := outbound.NewSource(fetcher,
		h.tel.Source("divipay", &outbound.SourceOptions{Now: clk.Now, MinBackoff: time.Second, OnFetch: userHook}))
	var tokens []string
	token := func(name string, wantErr bool) trace.SpanContext {
		t.Helper()
		ctx, span := tracer.Start(context.Background(), name)
		defer span.End()
		tok, err := src.Token(ctx)
		if (err != nil) != wantErr {
			t.Fatalf("%s: err = %v", name, err)
		}
		tokens = append(tokens, tok.Value)
		return span.SpanContext()
	}

	first := token("first", false) // waits; fetch 1 succeeds
	<-done
	clk.Advance(60 * time.Second)  // stale: fresh until 50 s, usable until 90 s
	stale := token("stale", false) // background fetch 2 succeeds
	if ev := <-done; !ev.Background {
		t.Fatal("the refresh did not run in the background")
	}
	fake.FailNext(1, http.StatusServiceUnavailable, 0)
	clk.Advance(140 * time.Second)  // the second token expired at 160 s
	failed := token("failed", true) // waits; fetch 3 fails
	<-done
	token("backoff", true)       // waits: answered from the backoff, no fetch
	clk.Advance(2 * time.Second) // past the backoff (at most MinBackoff)
	last := token("last", false) // waits; fetch 4 succeeds
	<-done

	ms := h.collect(t)
	equalMaps(t, gatehouseotel.TokenFetches, counter(t, ms, gatehouseotel.TokenFetches), map[string]int64{
		"background=false,gatehouse.source=divipay,outcome=success": 2,
		"background=true,gatehouse.source=divipay,outcome=success":  1,
		"background=false,gatehouse.source=divipay,outcome=failure": 1,
	})
	equalMaps(t, gatehouseotel.TokenFetchDuration, histogram(t, ms, gatehouseotel.TokenFetchDuration), map[string]uint64{
		"gatehouse.source=divipay,outcome=success": 3,
		"gatehouse.source=divipay,outcome=failure": 1,
	})
	equalMaps(t, gatehouseotel.TokenWaits, counter(t, ms, gatehouseotel.TokenWaits), map[string]int64{
		"gatehouse.source=divipay": 4,
	})
	if st := src.Stats(); st.Fetches != 4 || st.Failures != 1 || st.BackgroundRefreshes != 1 || st.Waits != 4 {
		t.Errorf("Stats = %+v: the instruments disagree with the Source", st)
	}

	// The spans: one per fetch, a child of the waiting request, or a root
	// linked to the request that found the token stale; each token
	// request's span is the child of its fetch's span.
	var fetchSpans, httpSpans []sdktrace.ReadOnlySpan
	for _, s := range h.spans.Ended() {
		switch s.Name() {
		case gatehouseotel.FetchSpan:
			fetchSpans = append(fetchSpans, s)
		case "HTTP POST":
			httpSpans = append(httpSpans, s)
		}
	}
	if len(fetchSpans) != 4 || len(httpSpans) != 4 {
		t.Fatalf("%d fetch spans and %d token request spans, want 4 of each", len(fetchSpans), len(httpSpans))
	}
	for i, hs := range httpSpans {
		if !hs.Parent().Equal(fetchSpans[i].SpanContext()) {
			t.Errorf("token request %d: parent %v, want fetch span %v", i, hs.Parent().SpanID(), fetchSpans[i].SpanContext().SpanID())
		}
	}
	for i, want := range []struct {
		parent, link trace.SpanContext
		outcome      string
		background   bool
	}{
		{parent: first, outcome: "success"},
		{link: stale, outcome: "success", background: true},
		{parent: failed, outcome: "failure"},
		{parent: last, outcome: "success"},
	} {
		s := fetchSpans[i]
		if !s.Parent().Equal(want.parent) {
			t.Errorf("span %d: parent %v, want %v", i, s.Parent().SpanID(), want.parent.SpanID())
		}
		if want.link.IsValid() && (len(s.Links()) != 1 || !s.Links()[0].SpanContext.Equal(want.link)) {
			t.Errorf("span %d: links %v, want the stale request's span", i, s.Links())
		}
		got := map[attribute.Key]attribute.Value{}
		for _, kv := range s.Attributes() {
			got[kv.Key] = kv.Value
		}
		if got[gatehouseotel.AttrSource].AsString() != "divipay" || got[gatehouseotel.AttrOutcome].AsString() != want.outcome ||
			got[gatehouseotel.AttrBackground].AsBool() != want.background {
			t.Errorf("span %d: attributes %v", i, s.Attributes())
		}
		if !s.EndTime().After(s.StartTime()) {
			t.Errorf("span %d: %v to %v", i, s.StartTime(), s.EndTime())
		}
		if want.outcome == "failure" {
			if s.Status().Code != codes.Error || got[gatehouseotel.AttrErrorType].AsString() != "unavailable" {
				t.Errorf("span %d: status %v, error.type %v", i, s.Status(), got[gatehouseotel.AttrErrorType])
			}
		}
	}
	noSecret(t, h.spans.Ended(), append(tokens, cr.ClientSecret)...)
}

// TestFetchSpanNoSecret: a token endpoint that echoes the client secret in
// its error body leaves no trace of it in the span.
func TestFetchSpanNoSecret(t *testing.T) {
	const secret = "s3cr3t-client-secret-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"client secret ` + secret + ` is wrong"}`))
	}))
	defer srv.Close()
	h := newHarness(t)
	src := outbound.NewSource(&outbound.ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: secret, Client: srv.Client()},
		h.tel.Source("echo", nil))
	if _, err := src.Token(context.Background()); err == nil {
		t.Fatal("no error")
	}
	spans := h.spans.Ended()
	if len(spans) != 1 || spans[0].Status().Code != codes.Error {
		t.Fatalf("%d spans", len(spans))
	}
	for _, kv := range spans[0].Attributes() {
		if kv.Key == gatehouseotel.AttrErrorType && kv.Value.AsString() != "invalid_credentials" {
			t.Errorf("error.type %v", kv.Value.AsString())
		}
	}
	noSecret(t, spans, secret)
}

// tracedTransport gives each request a client span, as otelhttp's
// Transport does.
type tracedTransport struct {
	tracer trace.Tracer
	next   http.RoundTripper
}

func (t tracedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, span := t.tracer.Start(r.Context(), "HTTP "+r.Method, trace.WithSpanKind(trace.SpanKindClient))
	defer span.End()
	return t.next.RoundTrip(r.WithContext(ctx))
}
