package inbound

import (
	"errors"
	"net/http"
)

// Stable error codes carried by *Error. Clients may match on them; they never
// change once released. The HTTP status that goes with each is in the comment.
const (
	CodeMissingToken        = "missing_token"         // 401: no Authorization header, or another scheme
	CodeInvalidRequest      = "invalid_request"       // 400: malformed Authorization or access_token header
	CodeInvalidToken        = "invalid_token"         // 401: bad signature, algorithm, format or claims
	CodeTokenExpired        = "token_expired"         // 401
	CodeTokenNotYetValid    = "token_not_yet_valid"   // 401
	CodeInvalidIssuer       = "invalid_issuer"        // 401
	CodeInvalidAudience     = "invalid_audience"      // 401
	CodeUnknownKey          = "unknown_key"           // 401: no key for the token's kid
	CodeInsufficientScope   = "insufficient_scope"    // 403
	CodeKeySetUnavailable   = "key_set_unavailable"   // 503: the JWKS was never loaded
	CodeKeyStoreUnavailable = "key_store_unavailable" // 503: the API-key store failed

	CodeAccessTokenNotFound      = "access_token_not_found"      // 401: no access_token header
	CodeInvalidAccessTokenFormat = "invalid_access_token_format" // 401: the key has the wrong shape
	CodeInvalidEnvironment       = "invalid_environment"         // 401: a key of another environment
	CodeInvalidAccessToken       = "invalid_access_token"        // 401: unknown or revoked key

	CodeUserAgentRequired = "user_agent_required" // 400: no or empty User-Agent

	CodeMissingWebhookSecret       = "missing_webhook_secret"         // 401: no secret header or parameter
	CodeInvalidWebhookSecret       = "invalid_webhook_secret"         // 401: a secret that matches none
	CodeClientCertificateRequired  = "client_certificate_required"    // 401: no client certificate
	CodeInvalidClientCertificate   = "invalid_client_certificate"     // 401: a certificate that does not verify
	CodeInvalidWebhookRequest      = "invalid_webhook_request"        // 400: webhook headers missing or malformed
	CodeInvalidWebhookSignature    = "invalid_webhook_signature"      // 401: no signature matches
	CodeWebhookTimestampOutOfRange = "webhook_timestamp_out_of_range" // 401: timestamp outside the tolerance
	CodeWebhookBodyTooLarge        = "webhook_body_too_large"         // 413: body over the limit
)

// Challenge says which WWW-Authenticate challenge an *Error asks for.
type Challenge int

const (
	// ChallengeNone asks for no WWW-Authenticate header (API keys, User-Agent).
	ChallengeNone Challenge = iota
	// ChallengeBearer asks for `Bearer realm="…"` without error attributes:
	// the client presented no token (RFC 6750 §3.1).
	ChallengeBearer
	// ChallengeBearerError asks for `Bearer realm="…", error="…",
	// error_description="…"`: a token was presented and refused. The error
	// attribute is BearerError's value.
	ChallengeBearerError
	// ChallengeDPoP asks for `DPoP realm="…", algs="…"` without error
	// attributes: no token was presented to a validator that takes only
	// DPoP (RFC 9449 §7.1).
	ChallengeDPoP
	// ChallengeDPoPError asks for `DPoP realm="…", algs="…", error="…",
	// error_description="…"`: a DPoP token or proof was refused. The error
	// attribute is DPoPError's value.
	ChallengeDPoPError
)

// Error is the one error type validators return for a refused request. It
// carries the HTTP status and the stable code to send, a description safe to
// show the client (it never contains the credential), and the underlying cause
// for logs.
type Error struct {
	// Status is the HTTP status code to answer with.
	Status int
	// Code is one of the Code constants.
	Code string
	// Description is a human-readable explanation safe to send to the client.
	Description string
	// Scope, on an insufficient_scope error, lists the scopes the request
	// needs, space-separated, for the challenge's scope attribute (RFC 6750
	// §3). Empty otherwise.
	Scope string
	// Err is the underlying cause, if any. It is for logs and errors.Is; the
	// middleware never sends it to the client.
	Err error
	// Challenge says which WWW-Authenticate header the response wants.
	Challenge Challenge
	// DPoPAlgs lists the DPoP proof algorithms accepted (space-separated),
	// for the algs attribute of a DPoP challenge. When set on a
	// ChallengeBearer error, the server takes both schemes and the
	// response carries a DPoP challenge beside the Bearer one.
	DPoPAlgs string
	// DPoPNonce, when set, is the nonce to send in the DPoP-Nonce header
	// (with CodeUseDPoPNonce).
	DPoPNonce string
}

// Error returns "inbound: <code>: <description>" followed by the cause, if any.
func (e *Error) Error() string {
	s := "inbound: " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &inbound.Error{Code: inbound.CodeTokenExpired}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code
}

// BearerError returns the RFC 6750 error attribute for the WWW-Authenticate
// header: "invalid_request", "invalid_token" or "insufficient_scope".
func (e *Error) BearerError() string {
	switch {
	case e.Code == CodeInsufficientScope:
		return "insufficient_scope"
	case e.Status == http.StatusBadRequest:
		return "invalid_request"
	default:
		return "invalid_token"
	}
}

// DPoPError returns the error attribute of a DPoP challenge (RFC 9449
// §7.1): "invalid_dpop_proof", "use_dpop_nonce", or BearerError's value.
func (e *Error) DPoPError() string {
	switch e.Code {
	case CodeInvalidDPoPProof, CodeUseDPoPNonce:
		return e.Code
	}
	return e.BearerError()
}

// AsError returns err as an *Error if it is one (or wraps one).
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
