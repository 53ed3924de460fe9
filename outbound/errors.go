package outbound

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Sentinel causes for errors.Is. An *Error matches the one its Status implies.
var (
	// ErrInvalidCredentials: the token endpoint refused the credentials (401).
	// It is permanent: retrying with the same credentials will not help.
	ErrInvalidCredentials = errors.New("outbound: invalid credentials")
	// ErrForbidden: the provider refused access (403), for example because
	// the caller's IP is not on the credential's allowlist. Also permanent.
	ErrForbidden = errors.New("outbound: forbidden")
	// ErrRateLimited: the provider answered 429.
	ErrRateLimited = errors.New("outbound: rate limited")
	// ErrUnavailable: the provider could not be reached or answered 5xx.
	ErrUnavailable = errors.New("outbound: provider unavailable")
	// ErrInvalidResponse: the provider answered with a body that could not be
	// understood (no token, malformed JSON, bad expiry).
	ErrInvalidResponse = errors.New("outbound: invalid token response")
	// ErrTLSConfig: the TLS handshake failed for a reason that configuration
	// must fix: the server requires a client certificate that was not sent
	// or refused it, the server's certificate is not trusted (unknown
	// authority, wrong host name), or the client's certificates have all
	// expired (mtls.ErrExpired). It is permanent: no tight retry helps.
	ErrTLSConfig = errors.New("outbound: TLS configuration failure")
	// ErrHostNotAllowed: a provider client was asked to send its credentials
	// to a host other than the provider's. The request was not sent.
	ErrHostNotAllowed = errors.New("outbound: host not allowed for these credentials")
	// ErrInvalidConfig is wrapped by the configuration errors of the provider
	// packages' New functions.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// MaxErrorBody is how many bytes of a provider's response body are read to
// parse an error or a token. Larger bodies are cut there.
const MaxErrorBody = 64 << 10

// Error is the error type of the outbound side. It describes a failed call to
// a provider: the HTTP status, the error code and message the provider put in
// its body, and the cause. It never holds a credential.
type Error struct {
	// Op is what was attempted, e.g. "fetch token".
	Op string
	// URL is the endpoint called, without query string or user info.
	URL string
	// Status is the HTTP status code, 0 if there was no response.
	Status int
	// Code is the provider's machine-readable error code, if any: OAuth2's
	// "error", Asaas's errors[0].code, DiviPay's "message" (the status
	// phrase, e.g. "Unauthorized").
	Code string
	// Message is the provider's human-readable message, if any: OAuth2's
	// "error_description", Asaas's errors[0].description, DiviPay's "error"
	// (e.g. "Invalid credentials").
	Message string
	// RetryAfter is the delay the provider asked for with Retry-After, if any.
	RetryAfter time.Duration
	// Err is the underlying cause (a transport error, a decoding error, or one
	// of the sentinels when nothing more specific is known).
	Err error
}

// Error returns a one-line description starting with "outbound:".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("outbound: ")
	if e.Op != "" {
		b.WriteString(e.Op)
	} else {
		b.WriteString("request")
	}
	if e.URL != "" {
		b.WriteString(" ")
		b.WriteString(e.URL)
	}
	if e.Status != 0 {
		b.WriteString(": status ")
		b.WriteString(strconv.Itoa(e.Status))
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil && !isSentinel(e.Err) {
		b.WriteString(": ")
		b.WriteString(unprefixed(e.Err.Error()))
	}
	return b.String()
}

// prefix starts every message of this package, once.
const prefix = "outbound: "

// unprefixed returns the text of a cause without this package's prefix: the
// message that holds it says it already. The sentinels and the causes made
// here start with it, also inside a wrapping cause ("invalid token
// response: …") and on each line of a joined one.
func unprefixed(s string) string {
	if !strings.Contains(s, prefix) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(strings.TrimPrefix(l, prefix), ": "+prefix, ": ")
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidCredentials) and the other sentinels
// match by status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidCredentials:
		// Some endpoints answer 200 with a failure flag; those carry the
		// sentinel as Err, which Unwrap exposes. OAuth2 servers may refuse a
		// client with 400 invalid_client (RFC 6749 §5.2).
		return e.Status == http.StatusUnauthorized ||
			(e.Status == http.StatusBadRequest && (e.Code == "invalid_client" || e.Code == "unauthorized_client"))
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrUnavailable:
		return e.Status >= 500 || (e.Status == 0 && e.Err != nil && transient(e.Err))
	case ErrTLSConfig:
		return e.Status == 0 && e.Err != nil && tlsConfigFailure(e.Err)
	}
	return false
}

// transient reports whether err, met before any response, is the kind that
// may pass (a refused connection, a timeout), rather than a mistake to fix
// (an untrusted certificate, a configuration error).
func transient(err error) bool {
	switch {
	case errors.Is(err, ErrInvalidResponse), errors.Is(err, ErrInvalidCredentials), errors.Is(err, ErrForbidden),
		errors.Is(err, ErrInvalidConfig), errors.Is(err, ErrHostNotAllowed), tlsConfigFailure(err):
		return false
	}
	return true
}

// tlsConfigFailure reports whether err is a TLS failure that configuration
// must fix (see ErrTLSConfig).
func tlsConfigFailure(err error) bool {
	var (
		unknownCA   x509.UnknownAuthorityError
		invalidCert x509.CertificateInvalidError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
		alert       tls.AlertError
		op          *net.OpError
	)
	switch {
	case errors.Is(err, ErrTLSConfig):
		return true
	case errors.As(err, &unknownCA), errors.As(err, &invalidCert), errors.As(err, &hostname), errors.As(err, &verify):
		return true
	case errors.As(err, &alert):
		// An alert this side raised, e.g. by mtls when every client
		// certificate has expired.
		return configAlert(uint8(alert))
	case errors.As(err, &op) && op.Op == "remote error":
		// An alert the server sent. crypto/tls reports it with an
		// unexported uint8 type; its code is read without matching text.
		v := reflect.ValueOf(op.Err)
		return v.Kind() == reflect.Uint8 && v.Type().PkgPath() == "crypto/tls" && configAlert(uint8(v.Uint()))
	}
	return false
}

// configAlert reports whether a TLS alert code (RFC 8446 §6.2) reports a
// mismatch of configuration: handshake_failure (no common parameters, or, in
// TLS 1.2, no client certificate), a certificate problem (bad_certificate,
// unsupported_certificate, certificate_revoked, certificate_expired,
// certificate_unknown, unknown_ca, certificate_required), protocol_version or
// insufficient_security.
func configAlert(code uint8) bool {
	switch code {
	case 40, 42, 43, 44, 45, 46, 48, 70, 71, 116:
		return true
	}
	return false
}

// Permanent reports whether retrying the same request cannot succeed: the
// provider refused the credentials (401) or the access (403), or the TLS
// configuration is wrong (ErrTLSConfig).
func (e *Error) Permanent() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden ||
		errors.Is(e.Err, ErrInvalidCredentials) || errors.Is(e.Err, ErrForbidden) || e.Is(ErrTLSConfig)
}

func isSentinel(err error) bool {
	switch err {
	case ErrInvalidCredentials, ErrForbidden, ErrRateLimited, ErrUnavailable:
		return true
	}
	return false
}

// ResponseError builds an *Error from a provider's non-success response. It
// reads at most MaxErrorBody bytes of the body (the caller still closes it),
// parses the error shapes the supported providers use (OAuth2's
// {error, error_description}, Asaas's {errors:[{code, description}]},
// DiviPay's {statusCode, message, error}), and honours Retry-After.
func ResponseError(op string, resp *http.Response) *Error {
	return responseError(op, resp, nil)
}

// responseError is ResponseError with the credentials the request sent
// scrubbed from the provider's text.
func responseError(op string, resp *http.Response, sent secrets) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	e := &Error{Op: op, Status: resp.StatusCode}
	if resp.Request != nil && resp.Request.URL != nil {
		e.URL = redactURL(resp.Request.URL.String())
	}
	e.Code, e.Message = parseErrorBody(body, sent)
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return e
}

// maxErrorText bounds the code and message copied from a provider's body, so a
// hostile or broken endpoint cannot make error strings huge.
const maxErrorText = 512

// parseErrorBody returns the provider's error code and message, without
// the secrets the request sent, clipped.
func parseErrorBody(body []byte, sent secrets) (code, message string) {
	var v struct {
		// OAuth2 (RFC 6749 §5.2) and DiviPay's {statusCode, message, error}.
		// Either may be a string or, in some frameworks (NestJS validation
		// errors), an object or a list; only strings are used.
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Message          json.RawMessage `json:"message"`
		// Asaas.
		Errors []struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &v) != nil {
		return "", ""
	}
	errStr, msg := jsonText(v.Error), jsonText(v.Message)
	switch {
	case len(v.Errors) > 0:
		code, message = v.Errors[0].Code, v.Errors[0].Description
	case errStr != "" && v.ErrorDescription != "":
		code, message = errStr, v.ErrorDescription
	case errStr != "" && msg != "":
		// DiviPay: {"statusCode":401,"message":"Unauthorized","error":"Invalid credentials"};
		// NestJS validation: {"statusCode":400,"message":["client_id must be a string"],"error":"Bad Request"}.
		if jsonIsList(v.Message) {
			code, message = errStr, msg
		} else {
			code, message = msg, errStr
		}
	default:
		code, message = errStr, msg
	}
	// Scrubbed before clipping, so that no secret is cut in two and half
	// of it kept.
	return clip(sent.scrub(code)), clip(sent.scrub(message))
}

// jsonText returns a JSON string's value, or a list of strings joined with
// "; ", or "" for anything else.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "; ")
	}
	return ""
}

func jsonIsList(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '['
}

func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "…"
	}
	return s
}

// parseRetryAfter reads a Retry-After header value: delay-seconds or an
// HTTP-date (RFC 9110 §10.2.3). It returns 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if d, ok := parseDelaySeconds(strings.TrimSpace(v)); ok {
		return d
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, MaxRetryAfter)
		}
	}
	return 0
}

// parseDelaySeconds reads delay-seconds (1*DIGIT). A delay too large to
// represent is clamped to MaxRetryAfter, never wrapped round to a negative
// duration.
func parseDelaySeconds(v string) (time.Duration, bool) {
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > int64(MaxRetryAfter/time.Second) {
		return MaxRetryAfter, true
	}
	return time.Duration(n) * time.Second, true
}

// redactURL drops user info and query from a URL string so that no
// credential placed there ends up in an error.
func redactURL(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		host := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			host = rest[:j]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			s = s[:i+3] + rest[at+1:]
		}
	}
	return s
}
