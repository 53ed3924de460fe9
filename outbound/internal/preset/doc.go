// Package preset holds what the provider packages under outbound/ share. A
// provider is a value, a Provider, that says what is its own: its APIs'
// URLs, its token request's wire format, its error bodies. Everything else
// (reading the common Config fields, the checks, the transport with its
// client certificates, the guard that keeps credentials on the provider's
// host, the token Source and its Store, redaction) is done here, once.
package preset
