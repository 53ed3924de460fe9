package inbound

import "errors"

// ErrInvalidConfig is wrapped by every error a constructor of this package
// returns for a bad configuration (BearerJWT, StaticKeys, JWKS, and
// CheckConfig for All), so that callers can tell a setup mistake from
// anything else with errors.Is. Several mistakes in one configuration are
// reported together (errors.Join).
var ErrInvalidConfig = errors.New("inbound: invalid configuration")

// configError is one configuration mistake of a constructor.
type configError struct{ ctor, msg string }

func (e *configError) Error() string { return "inbound: " + e.ctor + ": " + e.msg }

// Unwrap makes every configError match ErrInvalidConfig.
func (e *configError) Unwrap() error { return ErrInvalidConfig }

func newConfigError(ctor, msg string) error { return &configError{ctor: ctor, msg: msg} }

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
