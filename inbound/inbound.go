package inbound

import (
	"context"
	"net/http"
)

// Validator checks the credentials of one incoming request.
//
// Validate returns the authenticated Principal, or nil and an error when the
// request must be refused. Errors meant for the client are *Error values; any
// other error is treated by the middleware as an internal failure (500) whose
// text is never shown to the client. A Validator may return (nil, nil) when it
// checks something that identifies nobody, as UserAgent does.
//
// Implementations must be safe for concurrent use.
type Validator interface {
	Validate(r *http.Request) (*Principal, error)
}

// ValidatorFunc adapts an ordinary function to the Validator interface.
type ValidatorFunc func(r *http.Request) (*Principal, error)

// Validate calls f(r).
func (f ValidatorFunc) Validate(r *http.Request) (*Principal, error) { return f(r) }

// Principal is who a request was authenticated as.
//
// A Principal returned by a validator is shared: treat it as read-only.
type Principal struct {
	// Subject identifies the caller: the JWT "sub" claim, or the name an
	// API-key store gives the key's owner.
	Subject string
	// Scheme is how the caller authenticated: "Bearer", "DPoP" (a DPoP-bound
	// token, presented with a proof), "APIKey", "Webhook" (a webhook secret
	// or signature) or "ClientCertificate".
	Scheme string
	// KeyID is the identifier of the key that verified the credential: the
	// JWT "kid" (or the key set's name for the key it picked), or an API-key
	// store's identifier for the key. It is never the secret itself.
	KeyID string
	// Environment is the environment an API key belongs to (from
	// APIKeyOptions.Environments), empty for other schemes.
	Environment string
	// Scopes are the granted scopes: the JWT "scope" (space-separated) and
	// "scp" (array) claims, or those a key store assigns.
	Scopes []string
	// Claims holds the JWT's claims as decoded JSON. Nil for API keys.
	Claims map[string]any
	// ID identifies the authenticated message or token when it has an
	// identifier: a webhook's webhook-id (process each message once by it),
	// a JWT's "jti". Empty otherwise.
	ID string
}

// HasScope reports whether p was granted scope s.
func (p *Principal) HasScope(s string) bool {
	if p == nil {
		return false
	}
	for _, have := range p.Scopes {
		if have == s {
			return true
		}
	}
	return false
}

type principalKey struct{}

// NewContext returns a copy of ctx that carries p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the Principal stored in ctx by NewContext, and whether
// there was one.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
