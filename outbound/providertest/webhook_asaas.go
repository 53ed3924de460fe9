package providertest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// AsaasWebhookOptions configures an AsaasWebhookSender.
type AsaasWebhookOptions struct {
	// Token is the webhook token sent in the asaas-access-token header; ""
	// sends none (Asaas's token is optional).
	Token string
	// Client reaches the receiver; nil means http.DefaultClient. For an
	// httptest TLS server, its Client().
	Client *http.Client
	// MaxAttempts is how many times a delivery is tried before it fails.
	// 0 means 15: Asaas pauses a webhook's queue after 15 failures in a row.
	MaxAttempts int
	// RetryDelay is the wait between attempts; Asaas retries every 30 s.
	// 0 means no wait, for tests.
	RetryDelay time.Duration
	// Now stamps dateCreated; nil means time.Now.
	Now func() time.Time
}

// AsaasEvent is one Asaas webhook notification.
type AsaasEvent struct {
	// ID identifies the event ("evt_…"); a retry sends the same ID, so the
	// receiver can process each event once. Empty means a random one.
	ID string `json:"id"`
	// Event is the event type, e.g. "PAYMENT_RECEIVED".
	Event string `json:"event"`
	// DateCreated is set by Send ("2006-01-02 15:04:05").
	DateCreated string `json:"dateCreated"`
	// Payment is the payment object of a PAYMENT_* event.
	Payment map[string]any `json:"payment,omitempty"`
}

// AsaasWebhookSender delivers webhook calls as Asaas does: a POST with the
// event as JSON and the token in the asaas-access-token header, retried
// until the receiver answers 200 (only 200: Asaas counts a 201 or 204 as a
// failure). Deliveries are at least once: a receiver that processed an event
// but answered something else gets it again.
type AsaasWebhookSender struct {
	url  string
	opts AsaasWebhookOptions
}

// NewAsaasWebhookSender returns a sender for the receiver at url.
func NewAsaasWebhookSender(url string, opts *AsaasWebhookOptions) *AsaasWebhookSender {
	s := &AsaasWebhookSender{url: url}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxAttempts <= 0 {
		s.opts.MaxAttempts = 15
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	return s
}

// Send delivers ev, retrying until a 200 or MaxAttempts. The error wraps
// ErrWebhookRefused when no attempt got a 200, or is ctx's error.
func (s *AsaasWebhookSender) Send(ctx context.Context, ev AsaasEvent) (WebhookDelivery, error) {
	if ev.ID == "" {
		ev.ID = randomString("evt_", 12)
	}
	ev.DateCreated = s.opts.Now().Format(time.DateTime)
	body, err := json.Marshal(ev)
	if err != nil {
		return WebhookDelivery{}, err
	}
	h := http.Header{}
	if s.opts.Token != "" {
		h.Set("asaas-access-token", s.opts.Token)
	}
	var d WebhookDelivery
	var last error
	for d.Attempts < s.opts.MaxAttempts {
		if d.Attempts > 0 {
			if err := waitCtx(ctx, s.opts.RetryDelay); err != nil {
				return d, err
			}
		}
		d.Attempts++
		d.Status, last = postWebhook(ctx, clientOr(s.opts.Client), s.url, body, h)
		if last == nil && d.Status == http.StatusOK {
			return d, nil
		}
		if ctx.Err() != nil {
			return d, ctx.Err()
		}
	}
	return d, refused("asaas", d, last)
}
