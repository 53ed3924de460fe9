package inbound

import (
	"errors"
	"net/http"
	"slices"
)

// errNoValidators is returned by an All of nothing: not an *Error, so that
// the middleware answers 500. An empty All must not let every request in.
var errNoValidators = newConfigError("All", "no validators")

// errNilValidator is returned by All when one of its validators is nil.
var errNilValidator = newConfigError("All", "nil validator")

// All returns a Validator that runs validators in order and requires every
// one to pass. The first error is returned as is, and the validators after it
// do not run. The Principal is the first non-nil one returned (UserAgent
// returns nil), so All(UserAgent(), key) yields key's Principal.
//
// All of nothing, or with a nil validator among them, is a mistake that
// middleware.New refuses (through CheckConfig). Used without the middleware,
// such an All fails closed: every request fails with an error that is not an
// *Error, answered with 500.
func All(validators ...Validator) Validator {
	return all(slices.Clone(validators))
}

type all []Validator

// Validate implements Validator.
func (a all) Validate(r *http.Request) (*Principal, error) {
	if len(a) == 0 {
		return nil, errNoValidators
	}
	var first *Principal
	for _, v := range a {
		if v == nil {
			return nil, errNilValidator
		}
		p, err := v.Validate(r)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = p
		}
	}
	return first, nil
}

// CheckConfig implements ConfigChecker: an All of nothing, or with a nil
// validator, is an error, as is any error of the validators it holds.
func (a all) CheckConfig() error {
	if len(a) == 0 {
		return errNoValidators
	}
	var errs []error
	for _, v := range a {
		if v == nil {
			errs = append(errs, errNilValidator)
			continue
		}
		errs = append(errs, CheckConfig(v))
	}
	return errors.Join(errs...)
}
