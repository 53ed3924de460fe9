package gatehouseotel

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// Decision outcomes.
const (
	OutcomeAccepted = "accepted"
	OutcomeRejected = "rejected"
)

// Guard returns a copy of o (nil: the zero options) whose OnAccept and
// OnReject count every decision in gatehouse.inbound.decisions, then call the
// hooks o already had.
//
// An accepted request carries the Principal's scheme ("" when the validator
// identifies nobody) and no code. A rejected one carries the error's code
// and the scheme the client tried, read from the request without its value:
// "Bearer" or "DPoP" for such an Authorization header, "other" for another
// Authorization scheme, "APIKey" for an access_token header, "" for none.
//
//	guard, err := middleware.New(v, tel.Guard(nil))
func (t *Telemetry) Guard(o *middleware.Options) *middleware.Options {
	var c middleware.Options
	if o != nil {
		c = *o
	}
	accept, reject := c.OnAccept, c.OnReject
	c.OnAccept = func(r *http.Request, p *inbound.Principal) {
		scheme := ""
		if p != nil {
			scheme = p.Scheme
		}
		t.decisions.Add(r.Context(), 1, t.decisionOpts.get(OutcomeAccepted, "", scheme)...)
		if accept != nil {
			accept(r, p)
		}
	}
	c.OnReject = func(r *http.Request, err *inbound.Error) {
		code := ""
		if err != nil {
			code = err.Code
		}
		t.decisions.Add(r.Context(), 1, t.decisionOpts.get(OutcomeRejected, code, requestScheme(r))...)
		if reject != nil {
			reject(r, err)
		}
	}
	return &c
}

// requestScheme names the credential a refused request presented, from a
// fixed set, so that clients cannot grow the attribute's values.
func requestScheme(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		name, _, _ := strings.Cut(h, " ")
		switch {
		case strings.EqualFold(name, "Bearer"):
			return "Bearer"
		case strings.EqualFold(name, "DPoP"):
			return "DPoP"
		}
		return "other"
	}
	if r.Header.Get("Access_token") != "" {
		return inbound.SchemeAPIKey
	}
	return ""
}

// maxDecisionSets bounds the cache of attribute sets: codes and schemes come
// from validators, a small set, but a custom validator could make up codes.
const maxDecisionSets = 256

// optionCache keeps the measurement options of each (outcome, code,
// scheme), so that a decision costs a map lookup rather than building an
// attribute set. They are kept as a slice: passed on with ..., it needs no
// allocation per call.
type optionCache struct {
	m sync.Map // decisionKey -> []metric.AddOption
	n atomic.Int32
}

type decisionKey struct{ outcome, code, scheme string }

func (c *optionCache) get(outcome, code, scheme string) []metric.AddOption {
	k := decisionKey{outcome, code, scheme}
	if v, ok := c.m.Load(k); ok {
		return v.([]metric.AddOption)
	}
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, AttrOutcome.String(outcome), AttrScheme.String(scheme))
	if outcome == OutcomeRejected {
		attrs = append(attrs, AttrCode.String(code))
	}
	opt := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
	if c.n.Load() < maxDecisionSets {
		if _, loaded := c.m.LoadOrStore(k, opt); !loaded {
			c.n.Add(1)
		}
	}
	return opt
}
