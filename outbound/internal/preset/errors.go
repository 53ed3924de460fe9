package preset

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// configError is a configuration error of a provider. It reads
// "provider: invalid configuration: msg", with one prefix, and wraps
// outbound.ErrInvalidConfig and its cause.
type configError struct {
	provider, msg string
	cause         error
}

func (e *configError) Error() string {
	return e.provider + ": " + outbound.ErrInvalidConfig.Error() + ": " + e.msg
}

func (e *configError) Unwrap() []error {
	if e.cause == nil {
		return []error{outbound.ErrInvalidConfig}
	}
	return []error{outbound.ErrInvalidConfig, e.cause}
}

// Errorf returns a configuration error of provider: it wraps
// outbound.ErrInvalidConfig and reads "provider: invalid configuration: …".
// Callers never put a credential in it.
func Errorf(provider, format string, args ...any) error {
	return &configError{provider: provider, msg: fmt.Sprintf(format, args...)}
}

// wrap returns err, a configuration error of another package (outbound,
// mtls), as provider's: one error per error joined in err, each with
// provider's prefix in place of the other package's, and "invalid
// configuration" said once.
func wrap(provider string, err error) error {
	if err == nil {
		return nil
	}
	switch e := err.(type) {
	case *configError:
		return e
	case interface{ Unwrap() []error }:
		var errs []error
		for _, e := range e.Unwrap() {
			errs = append(errs, wrap(provider, e))
		}
		return errors.Join(errs...)
	}
	return &configError{provider: provider, msg: unprefixed(err.Error()), cause: err}
}

// unprefixed drops from msg the package prefixes and the "invalid
// configuration" that the provider's own prefix says again.
func unprefixed(msg string) string {
	for _, p := range [...]string{"outbound: ", "mtls: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return strings.ReplaceAll(msg, outbound.ErrInvalidConfig.Error()+": ", "")
}
