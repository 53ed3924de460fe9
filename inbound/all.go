package inbound

import (
	"errors"
	"net/http"
	"slices"
)

// errNoValidators is returned by an All of nothing: a plain error, so that
// the middleware answers 500. An empty All must not let every request in.
var errNoValidators = errors.New("inbound: All: no validators")

// errNilValidator is returned by All when one of its validators is nil.
var errNilValidator = errors.New("inbound: All: nil validator")

// All returns a Validator that runs validators in order and requires every
// one to pass. The first error is returned as is, and the validators after it
// do not run. The Principal is the first non-nil one returned (UserAgent
// returns nil), so All(UserAgent(), key) yields key's Principal.
//
// All fails closed: with no validators, or a nil one among them, every
// request fails with an error that is not an *Error, which the middleware
// answers with 500.
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
