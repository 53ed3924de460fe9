// Package preset holds what the provider packages under outbound/ share: the
// transport with its client certificates, the check of a base URL, and the
// guard that keeps credentials on the provider's host.
package preset
