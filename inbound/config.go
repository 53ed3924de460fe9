package inbound

import "errors"

// ErrInvalidConfig is wrapped by every error a constructor of this package
// returns for a bad configuration (BearerJWT, StaticKeys, JWKS, APIKey,
// NewHashedKeys, NewAPIKey, and CheckConfig for All), so that callers can
// tell a setup mistake from anything else with errors.Is. Several mistakes in
// one configuration are reported together (errors.Join).
var ErrInvalidConfig = errors.New("inbound: invalid configuration")

// configError is one configuration mistake of a constructor. cause, when
// set, is a more precise sentinel (such as ErrInvalidKey) that it wraps too.
type configError struct {
	ctor, msg string
	cause     error
}

func (e *configError) Error() string {
	if e.cause != nil {
		return "inbound: " + e.ctor + ": " + e.cause.Error() + ": " + e.msg
	}
	return "inbound: " + e.ctor + ": " + e.msg
}

// Unwrap makes every configError match ErrInvalidConfig, and its cause.
func (e *configError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrInvalidConfig, e.cause}
	}
	return []error{ErrInvalidConfig}
}

func newConfigError(ctor, msg string) error { return &configError{ctor: ctor, msg: msg} }

// newConfigErrorOf is newConfigError wrapping a sentinel cause as well.
func newConfigErrorOf(ctor string, cause error, msg string) error {
	return &configError{ctor: ctor, msg: msg, cause: cause}
}

// ConfigChecker is implemented by validators that can tell before any
// request that they cannot work, such as an All of nothing. middleware.New
// calls CheckConfig, so that such a mistake fails at start-up instead of
// answering 500 to every request.
type ConfigChecker interface {
	CheckConfig() error
}

// CheckConfig reports, for a validator that implements ConfigChecker,
// whether it is misconfigured; an error wraps ErrInvalidConfig. A nil
// validator is an error too. Validators that cannot tell are assumed sound.
func CheckConfig(v Validator) error {
	if v == nil {
		return newConfigError("CheckConfig", "nil Validator")
	}
	if c, ok := v.(ConfigChecker); ok {
		return c.CheckConfig()
	}
	return nil
}
