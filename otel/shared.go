package gatehouseotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// Shared returns a copy of o (nil: the zero options) whose OnEvent counts
// what the Shared fetcher does in gatehouse.token.shared, under name (the
// gatehouse.source attribute: give it the name of the Source above it), then
// calls the OnEvent o already had. The event attribute is the event kind:
// hit, miss, lease_won, lease_waited, store_error or local_fallback.
//
//	f := outbound.Shared(fetcher, store, key, tel.Shared("efi", nil))
//	src := outbound.NewSource(f, tel.Source("efi", nil))
func (t *Telemetry) Shared(name string, o *outbound.SharedOptions) *outbound.SharedOptions {
	var c outbound.SharedOptions
	if o != nil {
		c = *o
	}
	source := AttrSource.String(name)
	opts := func(kind outbound.SharedEventKind) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(source, AttrEvent.String(kind.String())))}
	}
	var known [outbound.SharedLocalFallback + 1][]metric.AddOption
	for k := range known {
		known[k] = opts(outbound.SharedEventKind(k))
	}
	c.OnEvent = Chain(func(ev outbound.SharedEvent) {
		if ev.Kind >= 0 && int(ev.Kind) < len(known) {
			t.shared.Add(context.Background(), 1, known[ev.Kind]...)
			return
		}
		t.shared.Add(context.Background(), 1, opts(ev.Kind)...)
	}, c.OnEvent)
	return &c
}
