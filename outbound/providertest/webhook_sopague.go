package providertest

import (
	"context"
	"net/http"
)

// SoPagueWebhookOptions configures a SoPagueWebhookSender: an access key,
// or a Basic credential, as registered with SoPague.
type SoPagueWebhookOptions struct {
	// AccessKey is sent in the Access-Key header when set.
	AccessKey string
	// User and Password are sent as HTTP Basic credentials when User is
	// set (the credential registered with POST /v1/security/webhook-auth).
	User, Password string
	// Client reaches the receiver; nil means http.DefaultClient.
	Client *http.Client
}

// SoPagueWebhookSender delivers webhook calls as SoPague does: a POST of the
// JSON notification with the Access-Key header or a Basic credential. Any
// 2xx counts as delivered.
type SoPagueWebhookSender struct {
	url  string
	opts SoPagueWebhookOptions
}

// NewSoPagueWebhookSender returns a sender for the receiver at url.
func NewSoPagueWebhookSender(url string, opts *SoPagueWebhookOptions) *SoPagueWebhookSender {
	s := &SoPagueWebhookSender{url: url}
	if opts != nil {
		s.opts = *opts
	}
	return s
}

// Send delivers body once. The error wraps ErrWebhookRefused unless the
// receiver answered 2xx.
func (s *SoPagueWebhookSender) Send(ctx context.Context, body []byte) (WebhookDelivery, error) {
	h := http.Header{}
	if s.opts.AccessKey != "" {
		h.Set("Access-Key", s.opts.AccessKey)
	}
	if s.opts.User != "" {
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(s.opts.User, s.opts.Password)
		h.Set("Authorization", r.Header.Get("Authorization"))
	}
	d := WebhookDelivery{Attempts: 1}
	var err error
	if d.Status, err = postWebhook(ctx, clientOr(s.opts.Client), s.url, body, h); err != nil || d.Status/100 != 2 {
		return d, refused("sopague", d, err)
	}
	return d, nil
}
