package outbound

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Token is a credential obtained from a token endpoint.
//
// Its String, GoString and Format methods and its slog LogValue redact Value,
// so printing or logging a Token never shows the secret.
type Token struct {
	// Value is the secret sent to the API.
	Value string
	// Type is the authorization scheme; "" means "Bearer".
	Type string
	// Expiry is when the token stops working; the zero time means never.
	Expiry time.Time
}

// Scheme returns the authorization scheme: Type, or "Bearer" when Type is empty.
func (t Token) Scheme() string {
	if t.Type == "" {
		return "Bearer"
	}
	return t.Type
}

// String describes the token without its value.
func (t Token) String() string {
	exp := "never"
	if !t.Expiry.IsZero() {
		exp = t.Expiry.UTC().Format(time.RFC3339)
	}
	v := "empty"
	if t.Value != "" {
		v = "REDACTED"
	}
	return fmt.Sprintf("Token{Type: %s, Value: %s, Expiry: %s}", t.Scheme(), v, exp)
}

// GoString is String, so that %#v redacts too.
func (t Token) GoString() string { return t.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %q,
// %x) prints the redacted form.
func (t Token) Format(f fmt.State, verb rune) {
	s := t.String()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue implements slog.LogValuer: the value is never logged.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", t.Scheme()),
		slog.Bool("empty", t.Value == ""),
		slog.Time("expiry", t.Expiry),
	)
}

// Fetcher obtains a new token, typically from a token endpoint. Fetch must
// honour ctx. Implementations must be safe for concurrent use, although a
// Source never calls one Fetcher concurrently with itself.
type Fetcher interface {
	Fetch(ctx context.Context) (Token, error)
}

// FetcherFunc adapts an ordinary function to the Fetcher interface.
type FetcherFunc func(ctx context.Context) (Token, error)

// Fetch calls f(ctx).
func (f FetcherFunc) Fetch(ctx context.Context) (Token, error) { return f(ctx) }

func redactedValue(v string) string {
	if v == "" {
		return ""
	}
	return "REDACTED"
}

// checkValue returns why a token value cannot be sent in a header, or "".
// Control bytes (CR and LF above all, which would split the header) and DEL
// are refused, as is an empty value.
func checkValue(v string) string {
	if v == "" {
		return "empty token"
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return "token holds a control character"
		}
	}
	return ""
}

// checkScheme returns why a token type cannot be an authorization scheme, or
// "": a scheme is an RFC 9110 token (no space, control or separator).
func checkScheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return "token type is not a valid scheme"
		}
	}
	return ""
}

// MarshalJSON redacts the value: a Token nested in a struct, map or slice that
// encoding/json or slog's JSON handler prints shows its type and expiry only.
// To store a token, marshal its fields explicitly.
func (t Token) MarshalJSON() ([]byte, error) {
	var exp *time.Time
	if !t.Expiry.IsZero() {
		exp = &t.Expiry
	}
	return json.Marshal(struct {
		Type   string     `json:"type"`
		Value  string     `json:"value"`
		Expiry *time.Time `json:"expiry"`
	}{t.Scheme(), redactedValue(t.Value), exp})
}

// MarshalText is String, for encoders that use encoding.TextMarshaler.
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
