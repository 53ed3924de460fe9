package preset

import (
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// share wraps f in outbound.Shared over st, with the Source's refresh rule
// and clock where the SharedOptions leave them zero.
func share(provider string, f outbound.Fetcher, st outbound.Store, key string, shared *outbound.SharedOptions, so *outbound.SourceOptions) (outbound.Fetcher, error) {
	var o outbound.SharedOptions
	if shared != nil {
		o = *shared
	}
	if o.RefreshAhead == 0 && so != nil {
		o.RefreshAhead = so.RefreshAhead
	}
	if o.Now == nil {
		o.Now = clock(so)
	}
	if err := o.Validate(); err != nil {
		return nil, wrap(provider, err)
	}
	return outbound.Shared(f, st, key, &o), nil
}

// clock returns the Source's clock: SourceOptions.Now, or time.Now.
func clock(o *outbound.SourceOptions) func() time.Time {
	if o != nil && o.Now != nil {
		return o.Now
	}
	return time.Now
}
