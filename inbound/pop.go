package inbound

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// binding enforces the proof-of-possession options of a BearerJWT
// validator: certificate-bound tokens (RFC 8705 §3) and DPoP (RFC 9449).
// Both are checked on every request, whether the token came from the
// verified-token cache or not: a cached token proves nothing about who
// presents it.
type binding struct {
	certBound bool
	proxies   []netip.Prefix
	dpop      *dpopVerifier // nil: DPoP is off
}

// newBinding sets up the proof-of-possession checks. There is always a
// binding: a token that carries one is checked against it whatever the
// options (a certificate-bound token needs its certificate even when
// CertificateBound is off).
func newBinding(o *JWTOptions, now func() time.Time) (*binding, error) {
	b := &binding{certBound: o.CertificateBound}
	var errs []error
	if len(o.ClientCertProxies) > 0 {
		var err error
		if b.proxies, err = cleanPrefixes("BearerJWT", "ClientCertProxies", o.ClientCertProxies); err != nil {
			errs = append(errs, err)
		}
	}
	if o.DPoP != nil {
		if o.DPoP.Origin == "" && len(o.ClientCertProxies) > 0 {
			// A proxy that forwards client certificates terminates the
			// clients' TLS: the scheme and Host this server sees are not
			// the ones the clients' proofs name.
			errs = append(errs, newConfigError("BearerJWT", "DPoP: Origin is required with ClientCertProxies (behind a proxy the request's scheme and Host are not what clients sign)"))
		}
		var err error
		if b.dpop, err = newDPoPVerifier(o.DPoP, now); err != nil {
			errs = append(errs, unjoin(err)...)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b, nil
}

// unjoin returns the errors an errors.Join made, or err alone. A
// configError is one mistake, though it unwraps to several sentinels: it is
// kept whole, message and all.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if _, one := err.(*configError); !one {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			return j.Unwrap()
		}
	}
	return []error{err}
}

// validate is jwtValidator.Validate when proof of possession is on.
func (b *binding) validate(v *jwtValidator, r *http.Request) (*Principal, error) {
	scheme, tok, herr := b.token(r.Header)
	if herr != nil {
		return nil, herr
	}
	ent, err := v.lookup(r.Context(), tok)
	if err != nil {
		if e, ok := err.(*Error); ok && scheme == "DPoP" {
			b.dpopChallenge(e)
		}
		return nil, err
	}
	if e := b.check(r, scheme, tok, ent.cnf); e != nil {
		if scheme == "DPoP" {
			b.dpopChallenge(e)
		}
		return nil, e
	}
	return &ent.principal, nil
}

// dpopChallenge turns a Bearer challenge into a DPoP one.
func (b *binding) dpopChallenge(e *Error) {
	if e.Challenge == ChallengeBearerError || e.Challenge == ChallengeDPoPError {
		e.Challenge = ChallengeDPoPError
		e.DPoPAlgs = b.dpop.algNames
	}
}

// token reads the Authorization header: the Bearer scheme (unless DPoP is
// required) and, with DPoP on, the DPoP scheme.
func (b *binding) token(h http.Header) (scheme, tok string, _ *Error) {
	if b.dpop == nil {
		tok, e := bearerToken(h)
		return "Bearer", tok, e
	}
	missing := func() *Error {
		e := noToken()
		e.DPoPAlgs = b.dpop.algNames
		if b.dpop.required {
			e.Description = "a DPoP-bound token is required"
			e.Challenge = ChallengeDPoP
		}
		return e
	}
	vals := h["Authorization"]
	switch len(vals) {
	case 0:
		return "", "", missing()
	case 1:
	default:
		return "", "", badRequest("several Authorization headers")
	}
	scheme, rest := vals[0], ""
	if i := strings.IndexAny(scheme, " \t"); i >= 0 {
		scheme, rest = scheme[:i], scheme[i+1:]
	}
	switch {
	case strings.EqualFold(scheme, "DPoP"):
		scheme = "DPoP"
	case strings.EqualFold(scheme, "Bearer") && !b.dpop.required:
		scheme = "Bearer"
	default:
		return "", "", missing()
	}
	if tok = strings.Trim(rest, " \t"); tok == "" {
		e := badRequest("the token is empty")
		if scheme == "DPoP" {
			b.dpopChallenge(e)
		}
		return "", "", e
	}
	return scheme, tok, nil
}

// confirmation is a token's binding (the RFC 7800 cnf claim), as read once
// when the token verified and kept in its cache entry: never re-read from
// Principal.Claims, which handlers can change. The zero value is an unbound
// token.
type confirmation struct {
	jkt string // RFC 9449 §6.1: the SHA-256 JWK thumbprint of the DPoP key
	x5t string // RFC 8705 §3.1: the SHA-256 thumbprint of the client certificate
}

// parseConfirmation reads a token's cnf claim. A cnf that is present must be
// an object of at least one member, each a confirmation method this package
// enforces (jkt, x5t#S256) whose value is a SHA-256 thumbprint (43
// characters of base64url). Anything else ("x5t#S256": "", 0, null, a jwk or
// kid method) is a binding this server cannot check: the token is refused,
// never taken as unbound.
func parseConfirmation(claims map[string]any) (confirmation, *Error) {
	var c confirmation
	raw, present := claims["cnf"]
	if !present {
		return c, nil
	}
	cnf, isObj := raw.(map[string]any)
	if !isObj || len(cnf) == 0 {
		return c, invalidToken("the token's cnf claim is malformed")
	}
	for name, v := range cnf {
		s, ok := v.(string)
		if !ok || !isThumbprint(s) {
			return confirmation{}, invalidToken("the token's cnf claim is malformed")
		}
		switch name {
		case "jkt":
			c.jkt = s
		case "x5t#S256":
			c.x5t = s
		default:
			return confirmation{}, invalidToken("the token's cnf claim names a confirmation method this server does not support")
		}
	}
	return c, nil
}

// isThumbprint reports whether s is a SHA-256 digest in unpadded base64url
// (strict decoding also refuses non-zero padding bits; CR and LF, which the
// decoder skips, leave fewer than 32 bytes).
func isThumbprint(s string) bool {
	if len(s) != x5tLen {
		return false
	}
	b, ok := decodeSegment(s)
	return ok && len(b) == 32
}

// scheme is the Principal.Scheme of a token with this binding: "DPoP" for
// a DPoP-bound token, else "Bearer".
func (c confirmation) scheme() string {
	if c.jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

func bindingFailed(desc string) *Error {
	return newTokenError(CodeInvalidToken, desc, nil)
}

// check enforces the token's binding cnf on this request. The replay check
// of a DPoP proof runs last, once everything else passed.
func (b *binding) check(r *http.Request, scheme, tok string, cnf confirmation) *Error {
	var pr proof
	switch {
	case scheme == "DPoP" && cnf.jkt == "":
		return bindingFailed("the token is not DPoP-bound")
	case scheme == "DPoP":
		var e *Error
		if pr, e = b.dpop.check(r, tok, cnf.jkt); e != nil {
			e.DPoPAlgs = b.dpop.algNames
			return e
		}
	case cnf.jkt != "" && b.dpop == nil:
		// It would otherwise be taken as a bearer token, which is what
		// binding it was meant to prevent.
		return bindingFailed("the token is DPoP-bound and this server does not accept DPoP")
	case cnf.jkt != "":
		// A DPoP-bound token sent as a Bearer token: whoever sends it
		// proves nothing (RFC 9449 §7.1).
		e := bindingFailed("a DPoP-bound token must be sent with the DPoP scheme and a proof")
		b.dpopChallenge(e)
		return e
	}
	if e := b.checkCert(r, cnf.x5t); e != nil {
		return e
	}
	if scheme == "DPoP" {
		if e := b.dpop.consume(r.Context(), pr); e != nil {
			return e
		}
	}
	return nil
}

// checkCert checks a certificate-bound token (x5t is its cnf.x5t#S256)
// against the request's client certificate, and refuses an unbound one when
// CertificateBound is set.
func (b *binding) checkCert(r *http.Request, x5t string) *Error {
	if x5t == "" {
		if b.certBound {
			return bindingFailed("certificate binding failed: the token is not bound to a certificate")
		}
		return nil
	}
	got, ok := clientCertThumbprint(r, b.proxies)
	if !ok {
		return bindingFailed("certificate binding failed: no client certificate")
	}
	if !sameX5t(&got, x5t) {
		return bindingFailed("certificate binding failed: the client certificate is not the one the token is bound to")
	}
	return nil
}
