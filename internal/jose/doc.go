// Package jose holds what both sides of gatehouse need to make and check
// proof-of-possession JWTs, with the standard library only: the public JWK
// of a key and its RFC 7638 thumbprint, compact JWS signing with any
// crypto.Signer (so keys in HSMs work too), and reading private keys from
// PEM. Verification of untrusted input lives in package inbound, which
// parses strictly; nothing here parses untrusted JSON.
package jose
