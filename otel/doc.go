// Package gatehouseotel turns gatehouse's hooks into OpenTelemetry metrics
// and traces. It lives in a module of its own, so that programs which do not
// use OpenTelemetry never have it in their module graph.
//
// Create one Telemetry per process and pass each options struct through it
// before building the component; the returned copy records what the
// component does and still calls the hooks the options already had (Chain
// composes hooks of one argument the same way):
//
//	tel, err := gatehouseotel.New(nil, nil) // the global MeterProvider and TracerProvider
//	if err != nil { ... }
//	src := outbound.NewSource(fetcher, tel.Source("efi", nil))
//	guard, err := middleware.New(validator, tel.Guard(&middleware.Options{OnReject: logRefusal}))
//	shared := outbound.Shared(fetcher, store, key, tel.Shared("efi", nil))
//	keys, err := inbound.JWKS(url, tel.JWKS(nil))
//	jwtAuth, err := inbound.BearerJWT(tel.JWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}}))
//
// The instruments:
//
//	gatehouse.token.fetches         counter    gatehouse.source, outcome (success, failure), background
//	gatehouse.token.fetch.duration  histogram  gatehouse.source, outcome; in seconds
//	gatehouse.token.waits           counter    gatehouse.source
//	gatehouse.token.shared          counter    gatehouse.source, event (hit, miss, lease_won, lease_waited, store_error, local_fallback)
//	gatehouse.inbound.decisions     counter    outcome (accepted, rejected), code, scheme
//	gatehouse.jwt.cache             counter    result (hit, miss)
//	gatehouse.jwks.fetches          counter    outcome
//	gatehouse.mtls.reloads          counter    outcome
//
// Each token fetch is also a span, gatehouse.token.fetch: a child of the
// span of the request that waited for it, or, for a refresh ahead of expiry
// that nobody waits for, a root span linked to the request that noticed the
// token was stale. It carries the source, the outcome and, on failure, the
// error's kind (error.type, also the span status) and the provider's HTTP
// status; never the error's text, which may quote a provider's body, and
// never a token or credential. The span starts with the fetch (through
// SourceOptions.FetchContext), so the token request's own spans, from an
// http.Client instrumented with otelhttp or a Redis client's tracing, are
// its children.
//
// Hooks run on the fetching goroutine or the request path: recording costs
// one counter update with a precomputed attribute set. A fresh token still
// costs the Source one atomic load and no allocation: the Source calls its
// hooks only when it fetches or waits.
//
// Prometheus users read these instruments through the OpenTelemetry
// Prometheus exporter (go.opentelemetry.io/otel/exporters/prometheus), which
// turns the names into gatehouse_token_fetches_total and so on.
package gatehouseotel
