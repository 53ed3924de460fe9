package gatehouseotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// Cache lookup results.
const (
	ResultHit  = "hit"
	ResultMiss = "miss"
)

// JWT returns o with an OnCache that counts the verified-token cache's
// hits and misses in gatehouse.jwt.cache, then calls the OnCache o already
// had. A hit costs one counter update and no allocation.
//
//	v, err := inbound.BearerJWT(tel.JWT(inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}}))
func (t *Telemetry) JWT(o inbound.JWTOptions) inbound.JWTOptions {
	hit := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(AttrResult.String(ResultHit)))}
	miss := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(AttrResult.String(ResultMiss)))}
	o.OnCache = Chain(func(h bool) {
		if h {
			t.jwtCache.Add(context.Background(), 1, hit...)
		} else {
			t.jwtCache.Add(context.Background(), 1, miss...)
		}
	}, o.OnCache)
	return o
}

// JWKS returns a copy of o (nil: the zero options) whose OnFetch counts
// every fetch of the key set in gatehouse.jwks.fetches (outcome success or
// failure), then calls the OnFetch o already had.
//
//	keys, err := inbound.JWKS(url, tel.JWKS(nil))
func (t *Telemetry) JWKS(o *inbound.JWKSOptions) *inbound.JWKSOptions {
	var c inbound.JWKSOptions
	if o != nil {
		c = *o
	}
	ok := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(AttrOutcome.String(OutcomeSuccess)))}
	failed := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(AttrOutcome.String(OutcomeFailure)))}
	c.OnFetch = Chain(func(ev inbound.JWKSFetch) {
		if ev.Err != nil {
			t.jwks.Add(context.Background(), 1, failed...)
		} else {
			t.jwks.Add(context.Background(), 1, ok...)
		}
	}, c.OnFetch)
	return &c
}
