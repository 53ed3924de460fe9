package middleware

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// DefaultRealm is the realm of the WWW-Authenticate challenge when
// Options.Realm is empty.
const DefaultRealm = "api"

// CodeInternalError is the code of the 500 response WriteError sends for an
// error that is not an *inbound.Error (a validator's bug, a nil validator in
// inbound.All). The error's text is never sent; OnReject receives it as the
// cause.
const CodeInternalError = "internal_error"

// ErrInvalidConfig is wrapped by every error New returns for a bad
// configuration; when the validator itself is misconfigured (see
// inbound.CheckConfig), the error wraps inbound.ErrInvalidConfig too.
var ErrInvalidConfig = errors.New("middleware: invalid configuration")

// errZeroGuard is what a Guard not made by New answers every request with:
// not an *inbound.Error, so it is a 500.
var errZeroGuard = fmt.Errorf("%w: Guard not made by New", ErrInvalidConfig)

// maxDescription caps error_description in the challenge: a header is no
// place for an essay, and the full text is in the body anyway.
const maxDescription = 200

// maxScope caps the scope attribute of an insufficient_scope challenge.
const maxScope = 2048

// Options configures a Guard. A nil *Options, like every zero field, means
// the documented defaults.
type Options struct {
	// Realm is the realm of the `WWW-Authenticate: Bearer realm="…"`
	// challenge. Default "api". It must be printable ASCII without `"` or
	// `\`, so that it needs no escaping.
	Realm string

	// Skip, when set, lets requests for which it returns true through
	// without validation: health checks, CORS preflight. Such requests carry
	// no Principal and reach no hook. Nil means every request is checked.
	//
	// Insecure: a Skip that looks at anything the client controls beyond the
	// method and path (a header, a query parameter) lets clients opt out of
	// authentication. Secure: func(r *http.Request) bool { return r.URL.Path
	// == "/healthz" }.
	Skip func(r *http.Request) bool

	// ProblemJSON selects RFC 9457 `application/problem+json` bodies instead
	// of the default `{"errors":[{"code":"…","description":"…"}]}`.
	ProblemJSON bool

	// OnAccept, when set, is called for every request that passed, with its
	// Principal (nil when the validator identifies nobody, as
	// inbound.UserAgent). For logs and metrics; it runs on the request path,
	// so keep it fast. The Principal never holds the credential; r still
	// carries it in its headers (Authorization, access_token), so log chosen
	// fields of r, never all its headers.
	OnAccept func(r *http.Request, p *inbound.Principal)

	// OnReject, when set, is called for every refused request with the
	// *inbound.Error that WriteError renders. An error that is not an
	// *inbound.Error arrives as a 500 CodeInternalError whose Err is the
	// original error, so it can be logged. Validators never put the
	// credential in their errors; r still carries it in its headers, so log
	// chosen fields of r, never all its headers.
	OnReject func(r *http.Request, err *inbound.Error)
}

// Guard is a Validator plus the policy around it: which requests to skip,
// how to render a refusal, which hooks to call. Every adapter (stdauth,
// ginauth, echoauth) wraps a Guard, so that the same request gets the same
// answer from each.
//
// A Guard is immutable and safe for concurrent use. Make one with New: the
// zero Guard (or a nil *Guard) has no validator, so its Check refuses every
// request with an error wrapping ErrInvalidConfig, which WriteError answers
// with 500. It never panics and never lets a request through.
type Guard struct {
	v        inbound.Validator
	skip     func(*http.Request) bool
	onAccept func(*http.Request, *inbound.Principal)
	onReject func(*http.Request, *inbound.Error)
	problem  bool
	// challenge is `Bearer realm="…"`, computed once.
	challenge string
}

// New returns a Guard that checks requests with v. It fails when v is nil or
// says it is misconfigured (inbound.CheckConfig: an inbound.All of nothing),
// or when the options are invalid, with every mistake at once
// (errors.Join), each wrapping ErrInvalidConfig. Nothing a Guard does later
// can fail for configuration reasons.
func New(v inbound.Validator, opts *Options) (*Guard, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Realm == "" {
		o.Realm = DefaultRealm
	}
	var errs []error
	if v == nil {
		errs = append(errs, fmt.Errorf("%w: nil Validator", ErrInvalidConfig))
	} else if err := inbound.CheckConfig(v); err != nil {
		errs = append(errs, fmt.Errorf("%w: the Validator: %w", ErrInvalidConfig, err))
	}
	if !validRealm(o.Realm) {
		errs = append(errs, fmt.Errorf("%w: invalid Realm %q: want printable ASCII without '\"' or '\\'", ErrInvalidConfig, o.Realm))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Guard{
		v:         v,
		skip:      o.Skip,
		onAccept:  o.OnAccept,
		onReject:  o.OnReject,
		problem:   o.ProblemJSON,
		challenge: `Bearer realm="` + o.Realm + `"`,
	}, nil
}

// validRealm reports whether realm can be sent between quotes as it is.
func validRealm(realm string) bool {
	for i := 0; i < len(realm); i++ {
		if c := realm[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Check validates r. On success it returns r with the Principal in its
// context (read it with inbound.FromContext or the adapter's Principal
// function); when the validator returns a nil Principal, or Skip says so, it
// returns r itself. On failure it returns a nil request and the validator's
// error, which the caller passes to WriteError.
func (g *Guard) Check(r *http.Request) (*http.Request, error) {
	if g == nil || g.v == nil {
		return nil, errZeroGuard
	}
	if g.skip != nil && g.skip(r) {
		return r, nil
	}
	p, err := g.v.Validate(r)
	if err != nil {
		if g.onReject != nil {
			g.onReject(r, responseError(err))
		}
		return nil, err
	}
	if g.onAccept != nil {
		g.onAccept(r, p)
	}
	if p == nil {
		return r, nil
	}
	return r.WithContext(inbound.NewContext(r.Context(), p)), nil
}

// WriteError answers r with err: the status and body of the *inbound.Error
// it is (or wraps), `Cache-Control: no-store`, and the WWW-Authenticate
// challenge the error asks for (see inbound.Challenge). Anything else,
// including an *inbound.Error whose Status is not a 4xx or 5xx, becomes a
// 500 with a generic body: the error's text is never sent.
func (g *Guard) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := responseError(err)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	switch e.Challenge {
	case inbound.ChallengeBearer:
		h.Set("WWW-Authenticate", g.bearerChallenge())
		if e.DPoPAlgs != "" {
			// The validator takes DPoP too (RFC 9449 §7.1).
			h.Add("WWW-Authenticate", g.dpopChallenge(e, false))
		}
	case inbound.ChallengeBearerError:
		h.Set("WWW-Authenticate", g.errorChallenge(e))
	case inbound.ChallengeDPoP:
		h.Set("WWW-Authenticate", g.dpopChallenge(e, false))
	case inbound.ChallengeDPoPError:
		h.Set("WWW-Authenticate", g.dpopChallenge(e, true))
	}
	if e.DPoPNonce != "" && quotable(e.DPoPNonce) {
		h.Set("DPoP-Nonce", e.DPoPNonce)
	}
	var body []byte
	if g != nil && g.problem {
		h.Set("Content-Type", "application/problem+json")
		body = problemBody(e)
	} else {
		h.Set("Content-Type", "application/json")
		body = errorsBody(e)
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// bearerChallenge is `Bearer realm="…"`, with the default realm for a Guard
// not made by New.
func (g *Guard) bearerChallenge() string {
	if g == nil || g.challenge == "" {
		return `Bearer realm="` + DefaultRealm + `"`
	}
	return g.challenge
}

// responseError returns the *inbound.Error to render for err.
func responseError(err error) *inbound.Error {
	if e, ok := inbound.AsError(err); ok && e != nil && e.Status >= 400 && e.Status <= 599 {
		return e
	}
	return &inbound.Error{
		Status:      http.StatusInternalServerError,
		Code:        CodeInternalError,
		Description: "internal server error",
		Err:         err,
	}
}

// errorChallenge returns the RFC 6750 §3 challenge for a refused token, with
// the scopes needed (scope="…") on an insufficient_scope error.
func (g *Guard) errorChallenge(e *inbound.Error) string {
	var b strings.Builder
	b.WriteString(g.bearerChallenge())
	writeErrorAttrs(&b, e, e.BearerError())
	return b.String()
}

// dpopChallenge returns the RFC 9449 §7.1 challenge: `DPoP realm="…",
// algs="…"`, with error attributes when withError is set.
func (g *Guard) dpopChallenge(e *inbound.Error, withError bool) string {
	var b strings.Builder
	b.WriteString("DPoP")
	b.WriteString(strings.TrimPrefix(g.bearerChallenge(), "Bearer"))
	if e.DPoPAlgs != "" && quotable(e.DPoPAlgs) {
		b.WriteString(`, algs="`)
		b.WriteString(e.DPoPAlgs)
		b.WriteByte('"')
	}
	if withError {
		writeErrorAttrs(&b, e, e.DPoPError())
	}
	return b.String()
}

func writeErrorAttrs(b *strings.Builder, e *inbound.Error, code string) {
	b.WriteString(`, error="`)
	b.WriteString(code)
	b.WriteByte('"')
	if e.Description != "" {
		b.WriteString(`, error_description="`)
		writeQuotable(b, e.Description, maxDescription)
		b.WriteByte('"')
	}
	if e.Scope != "" && e.Code == inbound.CodeInsufficientScope {
		b.WriteString(`, scope="`)
		writeQuotable(b, e.Scope, maxScope)
		b.WriteByte('"')
	}
}

// quotable reports whether s may appear in a quoted-string as it is:
// printable ASCII without '"' or '\\', at most 1 KiB.
func quotable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return len(s) <= 1024
}

// writeQuotable writes s restricted to the characters RFC 6750 §3 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E), so the value needs no
// escaping and cannot break out of its quotes or the header: `"` becomes `'`,
// `\` becomes `/`, anything else outside the set becomes '?'. The result is
// capped at limit bytes.
func writeQuotable(b *strings.Builder, s string, limit int) {
	n := 0
	for _, r := range s {
		if n == limit {
			return
		}
		switch {
		case r == '"':
			r = '\''
		case r == '\\':
			r = '/'
		case r < 0x20 || r > 0x7e:
			r = '?'
		}
		b.WriteByte(byte(r))
		n++
	}
}

type errorItem struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// errorsBody renders the default body, Asaas's shape:
// {"errors":[{"code":"…","description":"…"}]}.
func errorsBody(e *inbound.Error) []byte {
	b, err := json.Marshal(struct {
		Errors [1]errorItem `json:"errors"`
	}{[1]errorItem{{e.Code, e.Description}}})
	if err != nil { // cannot happen: only strings
		return []byte(`{"errors":[{"code":"internal_error","description":"internal server error"}]}`)
	}
	return b
}

// problemBody renders an RFC 9457 problem with the stable code as an
// extension member.
func problemBody(e *inbound.Error) []byte {
	b, err := json.Marshal(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail,omitempty"`
		Code   string `json:"code"`
	}{"about:blank", http.StatusText(e.Status), e.Status, e.Description, e.Code})
	if err != nil { // cannot happen: only strings and an int
		return []byte(`{"type":"about:blank","status":` + strconv.Itoa(e.Status) + `}`)
	}
	return b
}
