package inbound

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
)

// SchemeWebhook is the Principal.Scheme of requests authenticated by
// HeaderSecret, QuerySecret or StandardWebhook.
const SchemeWebhook = "Webhook"

// DefaultSecretMinLength is the shortest secret HeaderSecret and QuerySecret
// accept at construction when SecretOptions.MinLength is 0.
const DefaultSecretMinLength = 16

// maxSecretLength bounds the secrets accepted at construction and the values
// hashed per request: hashing is the only per-request cost an attacker
// controls.
const maxSecretLength = 1024

// SecretOptions configures HeaderSecret and QuerySecret. A nil
// *SecretOptions, like every zero field, means the documented defaults.
type SecretOptions struct {
	// Subject is the Principal.Subject of accepted requests, e.g. "asaas".
	// Empty means the header or parameter name.
	Subject string
	// MinLength is the shortest secret value accepted at construction, in
	// bytes. 0 means 16 (DefaultSecretMinLength).
	MinLength int
}

// namedHash is one secret value, kept as its SHA-256 only.
type namedHash struct {
	name string
	sum  [32]byte
}

// secretSet is a set of named secrets compared in constant time.
type secretSet struct {
	hashes []namedHash // sorted by name, so that KeyID is deterministic
}

// newSecretSet hashes secrets, checking each against the length bounds.
// The values themselves are not kept.
func newSecretSet(ctor string, secrets map[string]string, minLen int) (*secretSet, []error) {
	var errs []error
	if len(secrets) == 0 {
		errs = append(errs, newConfigError(ctor, "no secrets (every request would be refused)"))
	}
	set := &secretSet{}
	for name, value := range secrets {
		switch {
		case name == "":
			errs = append(errs, newConfigError(ctor, "a secret has an empty name"))
		case len(value) < minLen:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q is shorter than %d bytes", name, minLen)))
		case len(value) > maxSecretLength:
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q is longer than %d bytes", name, maxSecretLength)))
		case !headerSafe(value):
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secret %q holds characters other than printable ASCII, or starts or ends with a space", name)))
		}
		set.hashes = append(set.hashes, namedHash{name: name, sum: sha256.Sum256([]byte(value))})
	}
	slices.SortFunc(set.hashes, func(a, b namedHash) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(set.hashes); i++ {
		if set.hashes[i].sum == set.hashes[i-1].sum {
			errs = append(errs, newConfigError(ctor, fmt.Sprintf("secrets %q and %q have the same value", set.hashes[i-1].name, set.hashes[i].name)))
		}
	}
	return set, errs
}

// match returns the name of the secret equal to v. Every stored hash is
// compared, whatever matched, so the time taken says nothing about which
// secret (or how much of one) v matched.
func (s *secretSet) match(v string) (string, bool) {
	sum := sha256.Sum256([]byte(v))
	found := -1
	for i := range s.hashes {
		if subtle.ConstantTimeCompare(sum[:], s.hashes[i].sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return s.hashes[found].name, true
}

// visibleASCII reports whether s holds only visible ASCII (0x21–0x7e).
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// headerSafe reports whether s can be a header value as net/http delivers
// it: printable ASCII, inner spaces allowed, none at either end (they are
// trimmed on arrival, so such a secret could never match).
func headerSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// secretValidator is HeaderSecret and QuerySecret: where the value is
// read differs, the rest is shared.
type secretValidator struct {
	set     *secretSet
	subject string
	name    string // header (canonical) or parameter name
	query   bool
}

func secretOptions(ctor, name string, opts *SecretOptions) (SecretOptions, []error) {
	var o SecretOptions
	if opts != nil {
		o = *opts
	}
	var errs []error
	switch {
	case o.MinLength == 0:
		o.MinLength = DefaultSecretMinLength
	case o.MinLength < 0 || o.MinLength > maxSecretLength:
		errs = append(errs, newConfigError(ctor, fmt.Sprintf("MinLength %d out of range [1, %d]", o.MinLength, maxSecretLength)))
	}
	if o.Subject == "" {
		o.Subject = name
	}
	return o, errs
}

// HeaderSecret returns a Validator for requests that carry a static secret
// in a header, as Asaas ("asaas-access-token") and SoPague ("Access-Key")
// send their webhooks.
//
// secrets maps a name to a value; several values are valid at once, so a
// secret can be rotated without downtime, and Principal.KeyID is the name of
// the value that matched, so the rotation shows in logs. The values are
// hashed (SHA-256) at construction and only the hashes are kept; a presented
// value is hashed and compared with every stored hash in constant time. That
// is the secure way; comparing the presented value with each secret using ==
// leaks, through its running time, how many leading bytes matched.
//
// No header, or an empty one, is 401 missing_webhook_secret; several header
// lines are 400 invalid_webhook_request; a value that matches no secret (or
// is longer than any secret could be) is 401 invalid_webhook_secret. None of
// these asks for a WWW-Authenticate challenge, and none contains the value.
// The Principal has Scheme "Webhook" and Subject opts.Subject (default: the
// header name).
//
// A secret shorter than opts.MinLength (default 16 bytes), longer than 1024
// bytes, holding anything but printable ASCII or starting or ending with a
// space, two names with one value, an
// empty map or an invalid header name are construction errors, all reported
// at once, each wrapping ErrInvalidConfig.
func HeaderSecret(header string, secrets map[string]string, opts *SecretOptions) (Validator, error) {
	const ctor = "HeaderSecret"
	o, errs := secretOptions(ctor, header, opts)
	if !validHeaderName(header) {
		errs = append(errs, newConfigError(ctor, fmt.Sprintf("invalid header name %q", header)))
	}
	set, serrs := newSecretSet(ctor, secrets, o.MinLength)
	if err := errors.Join(append(errs, serrs...)...); err != nil {
		return nil, err
	}
	return &secretValidator{set: set, subject: o.Subject, name: textproto.CanonicalMIMEHeaderKey(header)}, nil
}

// QuerySecret returns a Validator for requests that carry a static secret
// in a query parameter: Efí's "hmac" parameter in its skip-mTLS mode, or a
// secret URL for a provider that documents no authentication (DiviPay).
// Combine it with IPAllowlist, since a URL is logged by many proxies.
//
// It works as HeaderSecret does, with these differences: a parameter given
// twice is 400 invalid_webhook_request, and a query string that cannot be
// parsed is 400 invalid_webhook_request too. The Principal's Subject
// defaults to the parameter name.
func QuerySecret(param string, secrets map[string]string, opts *SecretOptions) (Validator, error) {
	const ctor = "QuerySecret"
	o, errs := secretOptions(ctor, param, opts)
	if param == "" {
		errs = append(errs, newConfigError(ctor, "empty parameter name"))
	}
	set, serrs := newSecretSet(ctor, secrets, o.MinLength)
	if err := errors.Join(append(errs, serrs...)...); err != nil {
		return nil, err
	}
	return &secretValidator{set: set, subject: o.Subject, name: param, query: true}, nil
}

func webhookRequestError(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidWebhookRequest, Description: desc}
}

func webhookAuthError(code, desc string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: code, Description: desc}
}

// Validate implements Validator.
func (v *secretValidator) Validate(r *http.Request) (*Principal, error) {
	val, err := v.value(r)
	if err != nil {
		return nil, err
	}
	if val == "" {
		return nil, webhookAuthError(CodeMissingWebhookSecret, "the request carries no "+v.what())
	}
	if len(val) > maxSecretLength {
		return nil, webhookAuthError(CodeInvalidWebhookSecret, "the "+v.what()+" is not valid")
	}
	name, ok := v.set.match(val)
	if !ok {
		return nil, webhookAuthError(CodeInvalidWebhookSecret, "the "+v.what()+" is not valid")
	}
	return &Principal{Subject: v.subject, Scheme: SchemeWebhook, KeyID: name}, nil
}

// what names the credential in descriptions, never with its value.
func (v *secretValidator) what() string {
	if v.query {
		return "secret parameter " + v.name
	}
	return "secret header " + v.name
}

// value returns the one value presented, "" when there is none.
func (v *secretValidator) value(r *http.Request) (string, *Error) {
	var vals []string
	if v.query {
		if r.URL == nil {
			return "", nil
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return "", webhookRequestError("the query string cannot be read")
		}
		vals = q[v.name]
	} else {
		vals = r.Header[v.name]
	}
	switch len(vals) {
	case 0:
		return "", nil
	case 1:
		return vals[0], nil
	}
	return "", webhookRequestError("the " + v.what() + " is given more than once")
}
