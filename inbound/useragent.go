package inbound

import (
	"net/http"
	"strings"
)

// UserAgent returns a Validator that requires a non-empty User-Agent header,
// as Asaas does: it lets an API tell its clients' applications apart. A
// request without one, or with only whitespace, is refused with 400
// user_agent_required and no WWW-Authenticate challenge.
//
// It identifies nobody: on success it returns a nil Principal, so it is meant
// to be combined with an authenticating validator through All.
func UserAgent() Validator { return userAgent{} }

type userAgent struct{}

// Validate implements Validator.
func (userAgent) Validate(r *http.Request) (*Principal, error) {
	for _, v := range r.Header["User-Agent"] {
		if strings.TrimSpace(v) != "" {
			return nil, nil
		}
	}
	return nil, &Error{Status: http.StatusBadRequest, Code: CodeUserAgentRequired,
		Description: "the User-Agent header is required; send your application's name"}
}
