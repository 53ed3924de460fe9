package gatehouseotel

import (
	"context"
	"crypto/x509"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// Reloader returns a copy of o (nil: the zero options) whose OnReload and
// OnError count client certificate reloads in gatehouse.mtls.reloads
// (outcome success or failure), then call the hooks o already had.
//
//	r, err := mtls.NewReloader(files, tel.Reloader(nil))
func (t *Telemetry) Reloader(o *mtls.ReloaderOptions) *mtls.ReloaderOptions {
	var c mtls.ReloaderOptions
	if o != nil {
		c = *o
	}
	ok := metric.WithAttributeSet(attribute.NewSet(AttrOutcome.String(OutcomeSuccess)))
	failed := metric.WithAttributeSet(attribute.NewSet(AttrOutcome.String(OutcomeFailure)))
	c.OnReload = Chain(func(*x509.Certificate) { t.reloads.Add(context.Background(), 1, ok) }, c.OnReload)
	c.OnError = Chain(func(error) { t.reloads.Add(context.Background(), 1, failed) }, c.OnError)
	return &c
}
