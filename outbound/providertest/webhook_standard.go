package providertest

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StandardWebhookOptions configures a StandardWebhookSender: at least one
// secret or key. With several, each signs, and the webhook-signature header
// carries all the signatures, as during a key rotation.
type StandardWebhookOptions struct {
	// Secrets are symmetric secrets, "whsec_" + base64, for v1
	// (HMAC-SHA256) signatures.
	Secrets []string
	// Keys are Ed25519 private keys for v1a signatures.
	Keys []ed25519.PrivateKey
	// Client reaches the receiver; nil means http.DefaultClient.
	Client *http.Client
	// Now is the clock for webhook-timestamp; nil means time.Now.
	Now func() time.Time
}

// StandardWebhookSender signs and delivers webhooks as the Standard
// Webhooks specification (standardwebhooks.com) says: webhook-id,
// webhook-timestamp and webhook-signature headers, the signatures over
// "{id}.{timestamp}.{body}". Any 2xx counts as delivered.
type StandardWebhookSender struct {
	url     string
	secrets [][]byte
	keys    []ed25519.PrivateKey
	client  *http.Client
	now     func() time.Time
}

// NewStandardWebhookSender returns a sender for the receiver at url. A
// secret that is not "whsec_" + base64, a key of the wrong size, or no
// secret and no key is an error.
func NewStandardWebhookSender(url string, opts StandardWebhookOptions) (*StandardWebhookSender, error) {
	s := &StandardWebhookSender{url: url, client: clientOr(opts.Client), now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if len(opts.Secrets)+len(opts.Keys) == 0 {
		return nil, errors.New("providertest: standard webhook: no secret and no key")
	}
	for i, sec := range opts.Secrets {
		b64, ok := strings.CutPrefix(sec, "whsec_")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil || len(raw) == 0 {
			return nil, fmt.Errorf("providertest: standard webhook: secret %d is not whsec_ followed by base64", i)
		}
		s.secrets = append(s.secrets, raw)
	}
	for i, k := range opts.Keys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("providertest: standard webhook: key %d is not an Ed25519 private key", i)
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// NewWebhookSecret returns a new random secret, "whsec_" + the base64 of 24
// bytes, as Standard Webhooks senders issue them.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// NewWebhookKey returns a new Ed25519 key and its public key in the form
// receivers configure, "whpk_" + base64.
func NewWebhookKey() (ed25519.PrivateKey, string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", fmt.Errorf("providertest: standard webhook: %w", err)
	}
	return priv, "whpk_" + base64.StdEncoding.EncodeToString(pub), nil
}

// Sign returns the webhook-signature value for a message: one "v1,…" entry
// per secret and one "v1a,…" entry per key, space-separated.
func (s *StandardWebhookSender) Sign(id string, ts time.Time, body []byte) string {
	msg := append([]byte(id+"."+strconv.FormatInt(ts.Unix(), 10)+"."), body...)
	var entries []string
	for _, sec := range s.secrets {
		m := hmac.New(sha256.New, sec)
		m.Write(msg)
		entries = append(entries, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	for _, k := range s.keys {
		entries = append(entries, "v1a,"+base64.StdEncoding.EncodeToString(ed25519.Sign(k, msg)))
	}
	return strings.Join(entries, " ")
}

// Headers returns the three Standard Webhooks headers for a message sent
// now.
func (s *StandardWebhookSender) Headers(id string, body []byte) http.Header {
	ts := s.now()
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	h.Set("webhook-signature", s.Sign(id, ts, body))
	return h
}

// Send signs body and posts it once. An empty id means a random "msg_…".
// The error wraps ErrWebhookRefused unless the receiver answered 2xx.
func (s *StandardWebhookSender) Send(ctx context.Context, id string, body []byte) (WebhookDelivery, error) {
	if id == "" {
		id = randomString("msg_", 12)
	}
	d := WebhookDelivery{Attempts: 1}
	var err error
	if d.Status, err = postWebhook(ctx, s.client, s.url, body, s.Headers(id, body)); err != nil || d.Status/100 != 2 {
		return d, refused("standard webhook", d, err)
	}
	return d, nil
}
