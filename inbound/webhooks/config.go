package webhooks

import "github.com/gatehouse-go/gatehouse/inbound"

// configError is one configuration mistake of a constructor of this
// package. It wraps inbound.ErrInvalidConfig, as the errors of the inbound
// constructors the providers are built on do, so that one errors.Is tells a
// setup mistake from anything else.
type configError struct{ ctor, msg string }

func (e *configError) Error() string { return "webhooks: " + e.ctor + ": " + e.msg }

func (e *configError) Unwrap() error { return inbound.ErrInvalidConfig }

func newConfigError(ctor, msg string) error { return &configError{ctor: ctor, msg: msg} }
