package inbound

import (
	"crypto/subtle"
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

// newBinding returns nil when no proof-of-possession option is set.
func newBinding(o *JWTOptions, now func() time.Time) (*binding, error) {
	if !o.CertificateBound && o.DPoP == nil && len(o.ClientCertProxies) == 0 {
		return nil, nil
	}
	b := &binding{certBound: o.CertificateBound}
	var errs []error
	if len(o.ClientCertProxies) > 0 {
		if !o.CertificateBound {
			errs = append(errs, newConfigError("BearerJWT", "ClientCertProxies is set but CertificateBound is not"))
		}
		var err error
		if b.proxies, err = cleanPrefixes("BearerJWT", "ClientCertProxies", o.ClientCertProxies); err != nil {
			errs = append(errs, err)
		}
	}
	if o.DPoP != nil {
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

// unjoin returns the errors an errors.Join made, or err alone.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// validate is jwtValidator.Validate when proof of possession is on.
func (b *binding) validate(v *jwtValidator, r *http.Request) (*Principal, error) {
	scheme, tok, herr := b.token(r.Header)
	if herr != nil {
		return nil, herr
	}
	p, err := v.validateToken(r.Context(), tok)
	if err != nil {
		if e, ok := err.(*Error); ok && scheme == "DPoP" {
			b.dpopChallenge(e)
		}
		return nil, err
	}
	if e := b.check(r, scheme, tok, p); e != nil {
		if scheme == "DPoP" {
			b.dpopChallenge(e)
		}
		return nil, e
	}
	return p, nil
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

// confirmation returns the token's cnf members jkt and x5t#S256 (RFC 7800).
// ok is false when cnf, or one of them, has the wrong type.
func confirmation(claims map[string]any) (jkt, x5t string, ok bool) {
	raw, present := claims["cnf"]
	if !present {
		return "", "", true
	}
	cnf, isObj := raw.(map[string]any)
	if !isObj {
		return "", "", false
	}
	if v, present := cnf["jkt"]; present {
		if jkt, ok = v.(string); !ok || jkt == "" {
			return "", "", false
		}
	}
	if v, present := cnf["x5t#S256"]; present {
		if x5t, ok = v.(string); !ok || x5t == "" {
			return "", "", false
		}
	}
	return jkt, x5t, true
}

// dpopBoundOK refuses a DPoP-bound token when DPoP is off: it would
// otherwise be taken as a bearer token, which is what binding it was meant
// to prevent.
func (v *jwtValidator) dpopBoundOK(claims map[string]any) *Error {
	if v.pop != nil && v.pop.dpop != nil {
		return nil
	}
	if jkt, _, _ := confirmation(claims); jkt != "" {
		return invalidToken("the token is DPoP-bound and this server does not accept DPoP")
	}
	return nil
}

// schemeOf is the Principal.Scheme of a token with these claims: "DPoP" for
// a DPoP-bound token, else "Bearer".
func schemeOf(claims map[string]any) string {
	if jkt, _, _ := confirmation(claims); jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

func bindingFailed(desc string) *Error {
	return newTokenError(CodeInvalidToken, desc, nil)
}

// check enforces the token's binding on this request. The replay check of
// a DPoP proof runs last, once everything else passed.
func (b *binding) check(r *http.Request, scheme, tok string, p *Principal) *Error {
	jkt, x5t, ok := confirmation(p.Claims)
	if !ok {
		return bindingFailed("the token's cnf claim is malformed")
	}
	var pr proof
	switch {
	case scheme == "DPoP" && jkt == "":
		return bindingFailed("the token is not DPoP-bound")
	case scheme == "DPoP":
		var e *Error
		if pr, e = b.dpop.check(r, tok); e != nil {
			e.DPoPAlgs = b.dpop.algNames
			return e
		}
		if subtle.ConstantTimeCompare([]byte(pr.jkt), []byte(jkt)) != 1 {
			return bindingFailed("the DPoP proof is not signed by the key the token is bound to")
		}
	case jkt != "":
		// A DPoP-bound token sent as a Bearer token: whoever sends it
		// proves nothing (RFC 9449 §7.1).
		e := bindingFailed("a DPoP-bound token must be sent with the DPoP scheme and a proof")
		if b.dpop != nil {
			b.dpopChallenge(e)
		}
		return e
	}
	if b.certBound {
		if x5t == "" {
			return bindingFailed("certificate binding failed: the token is not bound to a certificate")
		}
		got, ok := clientCertThumbprint(r, b.proxies)
		if !ok {
			return bindingFailed("certificate binding failed: no client certificate")
		}
		if !sameX5t(&got, x5t) {
			return bindingFailed("certificate binding failed: the client certificate is not the one the token is bound to")
		}
	}
	if scheme == "DPoP" {
		if e := b.dpop.consume(r.Context(), pr); e != nil {
			return e
		}
	}
	return nil
}
