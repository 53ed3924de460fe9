package providertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ErrWebhookRefused is wrapped by the error of a webhook sender whose
// receiver did not accept a delivery (any status the provider does not
// count as delivered, or no answer).
var ErrWebhookRefused = errors.New("providertest: webhook not delivered")

// ErrProbeAccepted is returned by EfiWebhookSender.Register when the
// receiver accepted Efí's probe, a call without a client certificate: Efí
// refuses to register such a URL, since anyone could call it.
var ErrProbeAccepted = errors.New("providertest: efi webhook: the receiver accepted the probe sent without a client certificate")

// WebhookDelivery says how a delivery went.
type WebhookDelivery struct {
	// Status is the receiver's last status; 0 when it never answered.
	Status int
	// Attempts is how many requests were sent (Asaas retries).
	Attempts int
}

// maxWebhookAnswer bounds what a sender reads of the receiver's answer.
const maxWebhookAnswer = 64 << 10

// postWebhook sends one webhook request and returns the receiver's status.
// The answer's body is read (bounded) and discarded, so the connection is
// reused.
func postWebhook(ctx context.Context, c *http.Client, url string, body []byte, h http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, redactURL(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	return resp.StatusCode, nil
}

// redactURL removes the query of the URL that net/http puts in a request's
// error: a registered URL may carry a secret there (Efí's hmac parameter).
func redactURL(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return fmt.Errorf("%s (URL not shown): %w", ue.Op, ue.Err)
	}
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.User = nil
	return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
}

// refused is the error of a delivery the receiver did not accept; it never
// holds a credential.
func refused(provider string, d WebhookDelivery, cause error) error {
	if cause != nil {
		return fmt.Errorf("%w: %s: after %d attempts: %w", ErrWebhookRefused, provider, d.Attempts, cause)
	}
	return fmt.Errorf("%w: %s: the receiver answered %d after %d attempts", ErrWebhookRefused, provider, d.Status, d.Attempts)
}

// clientOr returns c, or http.DefaultClient.
func clientOr(c *http.Client) *http.Client {
	if c == nil {
		return http.DefaultClient
	}
	return c
}

// waitCtx waits d or until ctx ends.
func waitCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
