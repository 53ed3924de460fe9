package mtls

import (
	"errors"
	"strings"
)

// Sentinel causes for errors.Is. Every error this package returns is, or
// joins, an *Error whose Err is or wraps one of these, an fs error such as
// fs.ErrNotExist for a missing file, or a description of a bad
// configuration.
var (
	// ErrWrongPassword: the PFX password is wrong (the MAC or the
	// decryption failed).
	ErrWrongPassword = errors.New("mtls: wrong password")
	// ErrKeyMismatch: the private key does not belong to the certificate.
	ErrKeyMismatch = errors.New("mtls: private key does not match certificate")
	// ErrExpired: the certificate's NotAfter has passed.
	ErrExpired = errors.New("mtls: certificate has expired")
	// ErrNotYetValid: the certificate's NotBefore has not come yet. The
	// loaders accept such a certificate (so a rotation can be staged); a Set
	// skips it until it becomes valid.
	ErrNotYetValid = errors.New("mtls: certificate is not yet valid")
	// ErrNoCertificate: the input holds no certificate, or a Set is empty.
	ErrNoCertificate = errors.New("mtls: no certificate found")
	// ErrNoKey: the input holds no private key.
	ErrNoKey = errors.New("mtls: no private key found")
	// ErrMalformed: the input could not be parsed (bad PEM, bad DER, an
	// unsupported PFX structure or key type, an encrypted PEM key).
	ErrMalformed = errors.New("mtls: malformed certificate or key")
)

// Error is the error type of this package: what was attempted, on which
// file, and why. It never holds a password or key material.
type Error struct {
	// Op is what was attempted, e.g. "load PFX" or "select client certificate".
	Op string
	// Path is the file involved, if any.
	Path string
	// Err is the cause: one of the sentinels (possibly wrapped with detail),
	// or an fs error for a file that could not be read.
	Err error
}

// Error returns a one-line description starting with "mtls:".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mtls: ")
	b.WriteString(e.Op)
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "mtls: "))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
