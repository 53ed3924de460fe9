package outbound

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// JSONFetcher is a Fetcher for token endpoints that are not OAuth2: it POSTs
// a JSON body and reads the token and its expiry from named fields of the JSON
// object the endpoint answers with. It serves SoPague's login, DiviPay's
// /api/auth and the Banking API's token-v2; the provider packages configure it.
//
// The expiry is taken, in this order of preference, from ExpiresInField
// (seconds from now), from ExpiresAtField minus IssuedAtField (a lifetime
// measured on the provider's clock and applied to ours, so clock skew does not
// matter), or from ExpiresAtField alone (an absolute time). With none of them,
// the token never expires.
//
// Its String, GoString and Format methods redact Body, which holds the
// credentials.
type JSONFetcher struct {
	// URL is the token endpoint.
	URL string
	// Body is marshalled with encoding/json as the request body, e.g.
	// map[string]string{"client_id": id, "client_secret": secret}.
	Body any
	// TokenField names the field holding the token. Required.
	TokenField string
	// TypeField, if set, names the field holding the token type ("Bearer").
	TypeField string
	// ExpiresInField names a field holding the lifetime in seconds (a number
	// or a string holding one).
	ExpiresInField string
	// ExpiresAtField names a field holding the expiry as an ISO 8601 time.
	// A time without a zone is taken as UTC.
	ExpiresAtField string
	// IssuedAtField names a field holding the issue time as an ISO 8601
	// time; with ExpiresAtField it gives the token's lifetime.
	IssuedAtField string
	// SuccessField, if set, names a boolean field that must be true (such as
	// SoPague's "authenticated"); false is ErrInvalidCredentials.
	SuccessField string
	// Statuses are the success statuses. Nil means {200}; DiviPay answers
	// 201.
	Statuses []int
	// Client sends the request. Nil means http.DefaultClient. Give it a
	// transport with the client certificate when the provider needs mTLS.
	Client *http.Client
	// Now is the clock used to compute Expiry. Nil means time.Now.
	Now func() time.Time
}

// Fetch requests a token.
func (j *JSONFetcher) Fetch(ctx context.Context) (Token, error) {
	const op = "fetch token"
	if j.TokenField == "" {
		return Token{}, &Error{Op: op, URL: redactURL(j.URL), Err: fmt.Errorf("%w: JSONFetcher.TokenField is empty", ErrInvalidConfig)}
	}
	body, err := json.Marshal(j.Body)
	if err != nil {
		// The error text of encoding/json names types, never values.
		return Token{}, &Error{Op: op, URL: redactURL(j.URL), Err: fmt.Errorf("marshal body: %w", err)}
	}
	sent := bodySecrets(body)
	r := tokenRequest{op: op, url: j.URL, contentType: "application/json", body: body, sent: sent}
	if len(j.Statuses) > 0 {
		r.ok = func(s int) bool { return slices.Contains(j.Statuses, s) }
	}
	resp, err := r.post(ctx, j.Client)
	if err != nil {
		return Token{}, err
	}
	return j.parse(resp, now(j.Now), sent)
}

func (j *JSONFetcher) parse(body []byte, now time.Time, sent secrets) (Token, error) {
	const op = "fetch token"
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return Token{}, invalidResponse(op, j.URL, 0, "malformed JSON")
	}
	if j.SuccessField != "" {
		var ok bool
		if json.Unmarshal(m[j.SuccessField], &ok) != nil || !ok {
			var msg string
			_ = json.Unmarshal(m["message"], &msg)
			return Token{}, &Error{Op: op, URL: redactURL(j.URL), Code: j.SuccessField + "=false",
				Message: clip(sent.scrub(msg)), Err: ErrInvalidCredentials}
		}
	}
	var tok Token
	if json.Unmarshal(m[j.TokenField], &tok.Value) != nil || tok.Value == "" {
		return Token{}, invalidResponse(op, j.URL, 0, "no "+j.TokenField)
	}
	if why := checkValue(tok.Value); why != "" {
		return Token{}, invalidResponse(op, j.URL, 0, j.TokenField+": "+why)
	}
	if j.TypeField != "" {
		var t string
		_ = json.Unmarshal(m[j.TypeField], &t)
		if !isBearer(t) {
			return Token{}, invalidResponse(op, j.URL, 0, j.TypeField+" is not Bearer")
		}
	}
	exp, err := j.expiry(m, now)
	if err != nil {
		return Token{}, invalidResponse(op, j.URL, 0, err.Error())
	}
	tok.Expiry = exp
	return tok, nil
}

func (j *JSONFetcher) expiry(m map[string]json.RawMessage, now time.Time) (time.Time, error) {
	if raw, ok := m[j.ExpiresInField]; ok && j.ExpiresInField != "" && string(raw) != "null" {
		secs, ok := parseSeconds(raw)
		if !ok {
			return time.Time{}, fmt.Errorf("bad %s", j.ExpiresInField)
		}
		return now.Add(time.Duration(secs) * time.Second), nil
	}
	if j.ExpiresAtField == "" {
		return time.Time{}, nil
	}
	raw, ok := m[j.ExpiresAtField]
	if !ok || string(raw) == "null" {
		return time.Time{}, nil
	}
	at, err := parseISOTime(raw)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad %s", j.ExpiresAtField)
	}
	if j.IssuedAtField != "" {
		if issued, err := parseISOTime(m[j.IssuedAtField]); err == nil {
			life := at.Sub(issued)
			if life < 0 || life > maxLifetime*time.Second {
				return time.Time{}, fmt.Errorf("bad %s/%s", j.IssuedAtField, j.ExpiresAtField)
			}
			return now.Add(life), nil
		}
	}
	return at, nil
}

func parseISOTime(raw json.RawMessage) (time.Time, error) {
	// The ISO 8601 forms token endpoints use: RFC 3339 with fractions, and
	// the zone-less form .NET emits for times of unspecified kind.
	isoLayouts := [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, err
	}
	s = strings.TrimSpace(s)
	var err error
	for _, layout := range isoLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// Format redacts Body in every verb.
func (j JSONFetcher) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, j.String()) }

// String describes j without its body.
func (j JSONFetcher) String() string {
	return fmt.Sprintf("outbound.JSONFetcher{URL: %q, Body: REDACTED, TokenField: %q}", redactURL(j.URL), j.TokenField)
}

// GoString is String.
func (j JSONFetcher) GoString() string { return j.String() }

// LogValue logs String, redacted.
func (j JSONFetcher) LogValue() slog.Value { return slog.StringValue(j.String()) }

// MarshalJSON encodes String, redacted.
func (j JSONFetcher) MarshalJSON() ([]byte, error) { return json.Marshal(j.String()) }

// MarshalText is String, for encoders that use encoding.TextMarshaler.
func (j JSONFetcher) MarshalText() ([]byte, error) { return []byte(j.String()), nil }
