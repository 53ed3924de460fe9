package inbound

import (
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/jose"
)

// Defaults and bounds of StandardWebhookOptions.
const (
	// DefaultWebhookTolerance is how far webhook-timestamp may be from now
	// when StandardWebhookOptions.Tolerance is 0.
	DefaultWebhookTolerance = 5 * time.Minute
	// MaxWebhookTolerance is the largest Tolerance accepted.
	MaxWebhookTolerance = time.Hour
	// DefaultWebhookMaxBody is the largest body read when
	// StandardWebhookOptions.MaxBody is 0.
	DefaultWebhookMaxBody = 1 << 20
	// DefaultWebhookSubject is the Principal.Subject of StandardWebhook's
	// requests when StandardWebhookOptions.Subject is empty.
	DefaultWebhookSubject = "webhook"
)

// minWebhookSecret is the shortest HMAC secret accepted (the Standard
// Webhooks specification recommends 24 to 64 bytes).
const minWebhookSecret = 16

// StandardWebhookOptions configures StandardWebhook.
type StandardWebhookOptions struct {
	// Secrets maps a name to a symmetric secret, "whsec_" followed by the
	// base64 of at least 16 random bytes, for v1 (HMAC-SHA256) signatures.
	// Several are valid at once, for a rotation.
	Secrets Secrets
	// PublicKeys maps a name to an Ed25519 public key, "whpk_" followed by
	// the base64 of its 32 bytes, for v1a signatures. At least one secret or
	// key is required in all.
	PublicKeys map[string]string
	// Tolerance is how far webhook-timestamp may be from now, either way.
	// 0 means 5 minutes; at most 1 hour. A short tolerance is what makes a
	// replayed message fail; deduplicate by Principal.ID within it.
	Tolerance time.Duration
	// MaxBody is the largest body read, in bytes. 0 means 1 MiB. A larger
	// body is 413 webhook_body_too_large, answered without reading past the
	// limit (at once when Content-Length says so).
	MaxBody int64
	// Subject is the Principal.Subject of accepted requests; empty means
	// "webhook".
	Subject string
	// Now is the clock for the tolerance; nil means time.Now.
	Now func() time.Time
}

// webhookHMACKey is one v1 secret, with its pads hashed once.
type webhookHMACKey struct {
	name         string
	inner, outer []byte // SHA-256 states after the pads; nil: use raw with crypto/hmac
	raw          []byte
}

type webhookEdKey struct {
	name string
	key  ed25519.PublicKey
}

type stdWebhook struct {
	secrets   []webhookHMACKey // sorted by name
	keys      []webhookEdKey   // sorted by name
	tolerance int64            // seconds
	maxBody   int64
	subject   string
	now       func() time.Time
}

// StandardWebhook returns a Validator for webhooks signed as the Standard
// Webhooks specification (standardwebhooks.com) says, as Svix and many APIs
// send them: the headers webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature, a space-separated list of "v1,<base64 HMAC-SHA256>"
// and "v1a,<base64 Ed25519>" signatures over "{id}.{timestamp}.{body}".
//
// It reads the body (at most opts.MaxBody bytes), verifies it, and leaves
// r.Body readable again with the same bytes for the handler, so the handler
// parses exactly what was signed; this holds through every adapter
// (stdauth, ginauth, echoauth). A body already read by another middleware
// is shorter than its Content-Length (400 invalid_webhook_request), or,
// chunked, the empty body, whose signature does not match.
//
// The answers, none with a WWW-Authenticate challenge:
//   - 400 invalid_webhook_request: a header missing, given twice or
//     malformed (a timestamp with a sign, leading zeros or anything but
//     digits), or a signature list with no entry left to try: entries of an
//     unknown version or unreadable base64 are skipped, as the
//     specification says; more than 32 entries, or a header over 8 KiB, is
//     refused whole;
//   - 401 webhook_timestamp_out_of_range: the timestamp is further from now
//     than opts.Tolerance (checked before the body is read);
//   - 413 webhook_body_too_large: the body is larger than opts.MaxBody;
//   - 401 invalid_webhook_signature: no signature matches any secret or key.
//
// Signatures are compared in constant time. The Principal has Scheme
// "Webhook", KeyID the name of the secret or key whose signature matched,
// and ID the webhook-id: record it to process each message once, since
// senders deliver at least once.
//
// Configuration errors, all reported at once, each wrapping
// ErrInvalidConfig: no secret and no key, a secret without its "whsec_"
// prefix, unreadable or shorter than 16 bytes, a public key that is not 32
// bytes of base64 after "whpk_" or is of small order, a negative
// Tolerance or one over an hour, a negative MaxBody.
func StandardWebhook(opts StandardWebhookOptions) (Validator, error) {
	const ctor = "StandardWebhook"
	v := &stdWebhook{subject: opts.Subject, now: opts.Now}
	errs := v.setSecrets(ctor, opts.Secrets)
	errs = append(errs, v.setKeys(ctor, opts.PublicKeys)...)
	if len(opts.Secrets)+len(opts.PublicKeys) == 0 {
		errs = append(errs, newConfigError(ctor, "no Secrets and no PublicKeys (every request would be refused)"))
	}
	switch {
	case opts.Tolerance == 0:
		opts.Tolerance = DefaultWebhookTolerance
	case opts.Tolerance < time.Second || opts.Tolerance > MaxWebhookTolerance:
		errs = append(errs, newConfigError(ctor, fmt.Sprintf("Tolerance %s out of range [1s, 1h]", opts.Tolerance)))
	}
	switch {
	case opts.MaxBody == 0:
		opts.MaxBody = DefaultWebhookMaxBody
	case opts.MaxBody < 0:
		errs = append(errs, newConfigError(ctor, "negative MaxBody"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	v.tolerance, v.maxBody = int64(opts.Tolerance/time.Second), opts.MaxBody
	if v.subject == "" {
		v.subject = DefaultWebhookSubject
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

func (v *stdWebhook) setSecrets(ctor string, secrets map[string]string) []error {
	var errs []error
	for name, s := range secrets {
		b64, ok := strings.CutPrefix(s, "whsec_")
		raw, err := base64.StdEncoding.Strict().DecodeString(b64)
		switch {
		case name == "":
			errs = append(errs, newConfigError(ctor, "a secret has an empty name"))
		case !ok:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q does not start with whsec_", name)))
		case err != nil:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q is not base64 after whsec_", name)))
		case len(raw) < minWebhookSecret:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q is shorter than %d bytes", name, minWebhookSecret)))
		}
		k := webhookHMACKey{name: name, raw: raw}
		if inner, outer, ok := prepareHMAC(raw); ok {
			k.inner, k.outer = inner, outer
		}
		v.secrets = append(v.secrets, k)
	}
	slices.SortFunc(v.secrets, func(a, b webhookHMACKey) int { return strings.Compare(a.name, b.name) })
	return errs
}

func (v *stdWebhook) setKeys(ctor string, keys map[string]string) []error {
	var errs []error
	for name, k := range keys {
		b64, ok := strings.CutPrefix(k, "whpk_")
		raw, err := base64.StdEncoding.Strict().DecodeString(b64)
		switch {
		case name == "":
			errs = append(errs, newConfigError(ctor, "a public key has an empty name"))
		case !ok:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("public key %q does not start with whpk_", name)))
		case err != nil:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("public key %q is not base64 after whpk_", name)))
		default:
			if _, kerr := jose.CheckKey(ed25519.PublicKey(raw)); kerr != nil {
				errs = append(errs, newConfigError(ctor, fmt.Sprintf("public key %q: %v", name, kerr)))
			}
		}
		v.keys = append(v.keys, webhookEdKey{name: name, key: ed25519.PublicKey(raw)})
	}
	slices.SortFunc(v.keys, func(a, b webhookEdKey) int { return strings.Compare(a.name, b.name) })
	return errs
}

// Validate implements Validator.
func (v *stdWebhook) Validate(r *http.Request) (*Principal, error) {
	id, ts, sigHeader, e := webhookHeaders(r.Header)
	if e != nil {
		return nil, e
	}
	if now := v.now().Unix(); ts < now-v.tolerance || ts > now+v.tolerance {
		return nil, webhookAuthError(CodeWebhookTimestampOutOfRange, "the webhook timestamp is outside the accepted range")
	}
	var sigs webhookSigs
	if !parseSignatureHeader(sigHeader, &sigs) {
		return nil, webhookRequestError("the webhook-signature header is too long or has too many entries")
	}
	if sigs.n == 0 {
		return nil, webhookRequestError("the webhook-signature header has no signature this server can check")
	}
	res := new(webhookResult) // the body put back and the Principal: one allocation
	body, e := readBody(r, v.maxBody, &res.body)
	if e != nil {
		return nil, e
	}
	name, ok := v.verify(id, r.Header[hdrWebhookTimestamp][0], body, &sigs)
	if !ok {
		return nil, webhookAuthError(CodeInvalidWebhookSignature, "no webhook signature matches")
	}
	res.p = Principal{Subject: v.subject, Scheme: SchemeWebhook, KeyID: name, ID: id}
	return &res.p, nil
}

// webhookResult holds what a verified webhook leaves behind.
type webhookResult struct {
	p    Principal
	body replayBody
}

// The canonical forms of the Standard Webhooks headers, for map lookups
// without canonicalisation.
const (
	hdrWebhookID        = "Webhook-Id"
	hdrWebhookTimestamp = "Webhook-Timestamp"
	hdrWebhookSignature = "Webhook-Signature"
)

// webhookHeaders reads the three headers, each present exactly once.
func webhookHeaders(h http.Header) (id string, ts int64, sig string, e *Error) {
	ids, tss, sigs := h[hdrWebhookID], h[hdrWebhookTimestamp], h[hdrWebhookSignature]
	if len(ids) != 1 || len(tss) != 1 || len(sigs) != 1 {
		return "", 0, "", webhookRequestError("webhook-id, webhook-timestamp and webhook-signature must each be present once")
	}
	if !validWebhookID(ids[0]) {
		return "", 0, "", webhookRequestError("the webhook-id header is malformed")
	}
	ts, ok := parseWebhookTimestamp(tss[0])
	if !ok {
		return "", 0, "", webhookRequestError("the webhook-timestamp header is not Unix seconds")
	}
	return ids[0], ts, sigs[0], nil
}

// maxV1aTried is how many v1a entries of one header are checked against each
// key. Each Ed25519 check hashes the whole body again (the hash covers the
// signature's R), so junk entries would multiply an unauthenticated
// request's work; a key rotation needs two.
const maxV1aTried = 4

// verify returns the name of the secret or key one of sigs verifies under.
// v1 costs one HMAC per secret whatever the number of entries; v1a checks
// at most maxV1aTried entries per key.
func (v *stdWebhook) verify(id, ts string, body []byte, sigs *webhookSigs) (string, bool) {
	var v1, v1a bool
	for i := range sigs.n {
		v1 = v1 || sigs.entries[i].version == sigV1
		v1a = v1a || sigs.entries[i].version == sigV1a
	}
	if v1 {
		for i := range v.secrets {
			if v.matchV1(&v.secrets[i], id, ts, body, sigs) {
				return v.secrets[i].name, true
			}
		}
	}
	if v1a && len(v.keys) > 0 {
		msg := make([]byte, 0, len(id)+len(ts)+2+len(body))
		msg = append(webhookPrefix(msg, id, ts), body...)
		for i := range v.keys {
			tried := 0
			for j := 0; j < sigs.n && tried < maxV1aTried; j++ {
				s := &sigs.entries[j]
				if s.version != sigV1a {
					continue
				}
				tried++
				if ed25519.Verify(v.keys[i].key, msg, s.sig[:]) {
					return v.keys[i].name, true
				}
			}
		}
	}
	return "", false
}

// match reports whether one entry of version ver equals mac, comparing in
// constant time.
func (sigs *webhookSigs) match(ver sigVersion, mac []byte) bool {
	for i := range sigs.n {
		s := &sigs.entries[i]
		if s.version == ver && subtle.ConstantTimeCompare(s.sig[:len(mac)], mac) == 1 {
			return true
		}
	}
	return false
}

// String describes the validator by the names of its secrets and keys, never
// their values (the HMAC states it keeps are as good as the secrets).
func (v *stdWebhook) String() string {
	names := func(n int, name func(int) string) string {
		s := make([]string, n)
		for i := range s {
			s[i] = name(i)
		}
		return strings.Join(s, " ")
	}
	return fmt.Sprintf("inbound.StandardWebhook{Secrets: [%s], PublicKeys: [%s], Tolerance: %ds, MaxBody: %d}",
		names(len(v.secrets), func(i int) string { return v.secrets[i].name }),
		names(len(v.keys), func(i int) string { return v.keys[i].name }), v.tolerance, v.maxBody)
}

// Format prints String in every verb.
func (v *stdWebhook) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// LogValue logs String.
func (v *stdWebhook) LogValue() slog.Value { return slog.StringValue(v.String()) }
