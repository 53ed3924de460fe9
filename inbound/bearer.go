package inbound

import (
	"net/http"
	"strings"
)

// Descriptions are fixed strings: nothing the client sent is ever echoed.
// Errors are allocated per request so that callers may annotate them freely.

// newTokenError returns a 401 with the Bearer error challenge.
func newTokenError(code, desc string, cause error) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: code, Description: desc, Err: cause, Challenge: ChallengeBearerError}
}

func invalidToken(desc string) *Error { return newTokenError(CodeInvalidToken, desc, nil) }

func badRequest(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Description: desc, Challenge: ChallengeBearerError}
}

func noToken() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeMissingToken, Description: "a Bearer token is required", Challenge: ChallengeBearer}
}

// bearerToken extracts the token from the Authorization header.
func bearerToken(h http.Header) (string, *Error) {
	vals := h["Authorization"]
	switch len(vals) {
	case 0:
		return "", noToken()
	case 1:
	default:
		return "", badRequest("several Authorization headers")
	}
	v := vals[0]
	scheme, rest := v, ""
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		scheme, rest = v[:i], v[i+1:]
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return "", noToken()
	}
	tok := strings.Trim(rest, " \t")
	if tok == "" {
		return "", badRequest("the Bearer token is empty")
	}
	return tok, nil
}
