package inbound

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultMaxTokenSize is the largest token BearerJWT parses when
// JWTOptions.MaxTokenSize is 0. Larger tokens are refused before any parsing.
const DefaultMaxTokenSize = 8 << 10

// MaxLeeway bounds JWTOptions.Leeway. A day is far more than any clock skew;
// more would only make expired tokens valid.
const MaxLeeway = 24 * time.Hour

// JWTOptions configures BearerJWT. Keys and Algorithms are required; every
// other zero field means the documented default.
type JWTOptions struct {
	// Keys gives the key for a token's kid and algorithm. Required. Use
	// StaticKeys for keys known in advance and JWKS for an issuer's published
	// key set.
	Keys KeySet

	// Algorithms is the allowlist of JWS algorithms, e.g. {"RS256"}. Required:
	// there is no default that accepts everything. Supported: HS256, HS384,
	// HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 and
	// EdDSA. "none" and unknown names are a construction error. Whatever is
	// allowed, a key is only ever used with an algorithm of its own type, so
	// allowing both HS256 and RS256 does not open the HS/RS confusion attack.
	//
	// Insecure: allowing HS* when the keys come from a third party's JWKS;
	// symmetric secrets belong to tokens you mint yourself.
	Algorithms []string

	// Issuer, when set, must equal the token's "iss" claim. It is checked
	// before any key lookup, so tokens of foreign issuers never cause a JWKS
	// refetch.
	Issuer string

	// Audience, when set, must equal the token's "aud" claim or be one of its
	// elements (aud may be a string or an array). Also checked before any key
	// lookup.
	Audience string

	// Leeway is the clock skew tolerated on "exp" and "nbf". Default 0; at
	// most MaxLeeway.
	Leeway time.Duration

	// RequiredScopes must all be granted by the token ("scope", a
	// space-separated string, and "scp", an array or string), else the
	// request is refused with 403 insufficient_scope.
	RequiredScopes []string

	// ExpOptional accepts tokens without an "exp" claim. By default "exp" is
	// required: a token that never expires is a credential that can never be
	// taken back. Tokens without "exp" are never cached.
	ExpOptional bool

	// CacheSize bounds the verified-token cache: a token that fully verified
	// is remembered until its "exp", so that presenting it again costs a map
	// lookup instead of a signature verification. 0 means DefaultCacheSize;
	// a negative value disables the cache.
	CacheSize int

	// Now is the clock. Nil means time.Now.
	Now func() time.Time

	// MaxTokenSize is the largest token accepted, in bytes. 0 means
	// DefaultMaxTokenSize (8 KiB).
	MaxTokenSize int

	// CertificateBound requires certificate-bound tokens (RFC 8705 §3):
	// every token must carry cnf.x5t#S256, equal to the SHA-256 thumbprint
	// of the client certificate of the request (the TLS leaf), else 401
	// invalid_token. It is checked on every request, also when the token
	// comes from the verified-token cache, so a stolen token is worthless
	// without the certificate's private key.
	CertificateBound bool

	// ClientCertProxies are the reverse proxies that terminate the
	// clients' TLS and forward their certificate in the RFC 9440
	// Client-Cert header. From a peer in these prefixes the header is the
	// client certificate; from any other peer it is ignored. Nil means the
	// header is never read. Requires CertificateBound.
	//
	// Insecure: a prefix covering addresses clients connect from: they
	// could then name any certificate. Secure: the proxies' own addresses.
	ClientCertProxies []netip.Prefix

	// DPoP, when set, accepts DPoP-bound tokens (RFC 9449): `Authorization:
	// DPoP <token>` with one DPoP proof header signed by the key whose
	// thumbprint is the token's cnf.jkt. A DPoP-bound token sent with the
	// Bearer scheme is refused. See DPoPOptions.
	DPoP *DPoPOptions
}

// algorithm is one allowed JWS algorithm and the golang-jwt method that
// verifies it.
type algorithm struct {
	name   string
	method jwt.SigningMethod
}

// signingMethod returns the verifier for a supported algorithm name, or nil.
// PS* verification is strict: RFC 7518 §3.5 fixes the salt length to the
// hash size, whereas golang-jwt's shared PS* methods also accept any salt
// length for compatibility with old signers.
func signingMethod(name string) jwt.SigningMethod {
	switch name {
	case "HS256":
		return jwt.SigningMethodHS256
	case "HS384":
		return jwt.SigningMethodHS384
	case "HS512":
		return jwt.SigningMethodHS512
	case "RS256":
		return jwt.SigningMethodRS256
	case "RS384":
		return jwt.SigningMethodRS384
	case "RS512":
		return jwt.SigningMethodRS512
	case "PS256", "PS384", "PS512":
		var base *jwt.SigningMethodRSAPSS
		switch name {
		case "PS256":
			base = jwt.SigningMethodPS256
		case "PS384":
			base = jwt.SigningMethodPS384
		default:
			base = jwt.SigningMethodPS512
		}
		return &jwt.SigningMethodRSAPSS{
			SigningMethodRSA: base.SigningMethodRSA,
			Options:          &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash},
		}
	case "ES256":
		return jwt.SigningMethodES256
	case "ES384":
		return jwt.SigningMethodES384
	case "ES512":
		return jwt.SigningMethodES512
	case "EdDSA":
		return jwt.SigningMethodEdDSA
	}
	return nil
}

// jwtValidator is the Validator BearerJWT returns.
type jwtValidator struct {
	keys        KeySet
	algs        []algorithm
	issuer      string
	audience    string
	leeway      int64 // nanoseconds
	scopes      []string
	expOptional bool
	now         func() time.Time
	maxSize     int
	cache       *tokenCache
	b64         *base64.Encoding
	pop         *binding // proof of possession; nil when off
}

// BearerJWT returns a Validator for `Authorization: Bearer <JWT>` requests,
// verified with golang-jwt's signature algorithms under a stricter parser of
// its own:
//
//   - the scheme is matched case-insensitively; no Authorization header, or
//     another scheme, is 401 missing_token; "Bearer" with no token or several
//     Authorization headers is 400 invalid_request;
//   - a token over MaxTokenSize is refused before any parsing; it must have
//     exactly three segments of strict unpadded base64url;
//   - the header's "alg" must be in the allowlist, unknown "crit" parameters
//     are refused, and keys embedded in or referenced by the header ("jwk",
//     "jku", "x5u", "x5c") are never used;
//   - iss and aud are checked before any key is looked up; the key must be of
//     the algorithm's own type; then the signature, exp (required unless
//     ExpOptional), nbf and the required scopes are checked.
//
// The Principal carries sub as Subject, "Bearer" as Scheme, the kid as KeyID,
// the scopes and the claims. Verified tokens are cached (see
// JWTOptions.CacheSize); the Principal of a cached token is shared between
// requests and must be treated as read-only.
func BearerJWT(opts JWTOptions) (Validator, error) {
	if opts.Keys == nil {
		return nil, errors.New("inbound: BearerJWT: Keys is required")
	}
	if len(opts.Algorithms) == 0 {
		return nil, errors.New("inbound: BearerJWT: Algorithms is required (an allowlist such as {\"RS256\"})")
	}
	v := &jwtValidator{
		keys:        opts.Keys,
		issuer:      opts.Issuer,
		audience:    opts.Audience,
		leeway:      int64(opts.Leeway),
		expOptional: opts.ExpOptional,
		now:         opts.Now,
		maxSize:     opts.MaxTokenSize,
		b64:         base64.RawURLEncoding.Strict(),
	}
	for _, name := range opts.Algorithms {
		if strings.EqualFold(name, "none") {
			return nil, errors.New("inbound: BearerJWT: algorithm \"none\" is never allowed")
		}
		m := signingMethod(name)
		if m == nil {
			return nil, fmt.Errorf("inbound: BearerJWT: unsupported algorithm %q", name)
		}
		if v.allowed(name) == nil {
			v.algs = append(v.algs, algorithm{name: name, method: m})
		}
	}
	// An HMAC secret too short for every allowed HS algorithm (40 bytes with
	// only HS384 allowed) would fail every request: that is a configuration
	// error, found here.
	if sk, ok := opts.Keys.(*staticKeys); ok {
		if err := v.checkSecrets(sk); err != nil {
			return nil, err
		}
	}
	if opts.Leeway < 0 || opts.Leeway > MaxLeeway {
		return nil, fmt.Errorf("inbound: BearerJWT: Leeway must be between 0 and %v", MaxLeeway)
	}
	if opts.MaxTokenSize < 0 {
		return nil, errors.New("inbound: BearerJWT: MaxTokenSize must not be negative")
	}
	if v.maxSize == 0 {
		v.maxSize = DefaultMaxTokenSize
	}
	for _, s := range opts.RequiredScopes {
		if !validScope(s) {
			return nil, fmt.Errorf("inbound: BearerJWT: invalid required scope %q", s)
		}
	}
	v.scopes = append([]string(nil), opts.RequiredScopes...)
	if v.now == nil {
		v.now = time.Now
	}
	var err error
	if v.pop, err = newBinding(&opts, v.now); err != nil {
		return nil, err
	}
	switch {
	case opts.CacheSize == 0:
		v.cache = newTokenCache(DefaultCacheSize)
	case opts.CacheSize > 0:
		v.cache = newTokenCache(opts.CacheSize)
	}
	return v, nil
}

// checkSecrets refuses a static HMAC secret that no allowed HS algorithm can
// use, when HS algorithms are allowed at all.
func (v *jwtValidator) checkSecrets(sk *staticKeys) error {
	var hs []string
	for _, a := range v.algs {
		if strings.HasPrefix(a.name, "HS") {
			hs = append(hs, a.name)
		}
	}
	if len(hs) == 0 {
		return nil
	}
	for _, e := range sk.m.all {
		secret, ok := e.key.([]byte)
		if !ok {
			continue
		}
		if !slices.ContainsFunc(hs, func(alg string) bool { return keyFitsAlg(secret, alg) }) {
			return fmt.Errorf("inbound: BearerJWT: the HMAC secret of key %q (%d bytes) is too short for %s",
				e.kid, len(secret), strings.Join(hs, ", "))
		}
	}
	return nil
}

func (v *jwtValidator) allowed(alg string) jwt.SigningMethod {
	for i := range v.algs {
		if v.algs[i].name == alg {
			return v.algs[i].method
		}
	}
	return nil
}

// Descriptions are fixed strings: nothing the client sent is ever echoed.
// Errors are allocated per request so that callers may annotate them freely.

// newTokenError returns a 401 with the Bearer error challenge.
func newTokenError(code, desc string, cause error) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: code, Description: desc, Err: cause, Challenge: ChallengeBearerError}
}

func invalidToken(desc string) *Error { return newTokenError(CodeInvalidToken, desc, nil) }

func badRequest(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Description: desc, Challenge: ChallengeBearerError}
}

func noToken() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeMissingToken, Description: "a Bearer token is required", Challenge: ChallengeBearer}
}

// bearerToken extracts the token from the Authorization header.
func bearerToken(h http.Header) (string, *Error) {
	vals := h["Authorization"]
	switch len(vals) {
	case 0:
		return "", noToken()
	case 1:
	default:
		return "", badRequest("several Authorization headers")
	}
	v := vals[0]
	scheme, rest := v, ""
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		scheme, rest = v[:i], v[i+1:]
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return "", noToken()
	}
	tok := strings.Trim(rest, " \t")
	if tok == "" {
		return "", badRequest("the Bearer token is empty")
	}
	return tok, nil
}

// Validate implements Validator.
func (v *jwtValidator) Validate(r *http.Request) (*Principal, error) {
	if v.pop != nil {
		return v.pop.validate(v, r)
	}
	tok, herr := bearerToken(r.Header)
	if herr != nil {
		return nil, herr
	}
	return v.validateToken(r.Context(), tok)
}

func (v *jwtValidator) validateToken(ctx context.Context, tok string) (*Principal, error) {
	if len(tok) > v.maxSize {
		return nil, invalidToken("the token is too large")
	}
	if v.cache != nil {
		if e := v.cache.get(tok); e != nil {
			if p, err, done := v.fromCache(ctx, tok, e); done {
				return p, err
			}
		}
	}
	return v.verify(ctx, tok)
}

// fromCache answers from a cache entry. done is false when the entry was
// dropped and the token must be verified afresh.
func (v *jwtValidator) fromCache(ctx context.Context, tok string, e *cacheEntry) (p *Principal, err error, done bool) {
	now := v.now().UnixNano()
	if now-v.leeway >= e.exp {
		v.cache.remove(tok, e)
		return nil, newTokenError(CodeTokenExpired, "the token has expired", nil), true
	}
	if e.nbf != 0 && now+v.leeway < e.nbf {
		return nil, newTokenError(CodeTokenNotYetValid, "the token is not valid yet", nil), true
	}
	// The key set may have dropped or replaced the key since: then the entry
	// goes, and the token is judged again against the current keys.
	k, kerr := v.keys.Key(ctx, e.kid, e.alg)
	if kerr != nil || !sameKey(k, e.key) {
		v.cache.remove(tok, e)
		return nil, nil, false
	}
	if !e.scopeOK {
		return nil, insufficientScope(), true
	}
	return e.principal, nil, true
}

func insufficientScope() *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeInsufficientScope, Description: "the token lacks a required scope", Challenge: ChallengeBearerError}
}

// jws is a compact JWS split and decoded, not yet verified.
type jws struct {
	alg, kid     string
	method       jwt.SigningMethod
	signingInput string // header.payload, as signed
	payload      []byte
	sig          []byte
}

// isB64URL reports whether c may appear in an unpadded base64url segment.
// Go's base64 decoder skips CR and LF even in strict mode, so the token's
// alphabet is checked first.
func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// decodeJWS splits a compact JWS into exactly three strict base64url segments,
// decodes its protected header and checks the algorithm against the allowlist
// and the crit parameter. It verifies nothing.
func (v *jwtValidator) decodeJWS(tok string) (jws, *Error) {
	var d jws
	dot1, dot2 := -1, -1
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c == '.' {
			switch {
			case dot1 < 0:
				dot1 = i
			case dot2 < 0:
				dot2 = i
			default:
				return d, invalidToken("the token does not have three segments")
			}
			continue
		}
		if !isB64URL(c) {
			return d, invalidToken("the token is not base64url")
		}
	}
	if dot2 < 0 {
		return d, invalidToken("the token does not have three segments")
	}
	hs, ps, ss := tok[:dot1], tok[dot1+1:dot2], tok[dot2+1:]
	if hs == "" || ss == "" {
		// The payload may be empty in a JWS, never the header or signature.
		return d, invalidToken("the token has an empty header or signature")
	}
	// One buffer for the three decoded segments.
	hn, pn, sn := v.b64.DecodedLen(len(hs)), v.b64.DecodedLen(len(ps)), v.b64.DecodedLen(len(ss))
	buf := make([]byte, hn+pn+sn+len(tok))
	raw := buf[hn+pn+sn:]
	copy(raw, tok)
	n, err := v.b64.Decode(buf[:hn], raw[:dot1])
	if err != nil {
		return d, invalidToken("the token header is not strict base64url")
	}
	hdr := buf[:n]
	n, err = v.b64.Decode(buf[hn:hn+pn], raw[dot1+1:dot2])
	if err != nil {
		return d, invalidToken("the token payload is not strict base64url")
	}
	d.payload = buf[hn : hn+n]
	n, err = v.b64.Decode(buf[hn+pn:hn+pn+sn], raw[dot2+1:])
	if err != nil {
		return d, invalidToken("the token signature is not strict base64url")
	}
	d.sig = buf[hn+pn : hn+pn+n]
	d.signingInput = tok[:dot2]

	// A struct rather than a map: several times cheaper, and members the
	// validator must never act on (jwk, jku, x5u, x5c) are not even
	// decoded. encoding/json matches member names case-insensitively; that
	// cannot weaken verification, as the signature covers the header and
	// must verify under a key of the named algorithm's own type.
	var h struct {
		Alg  string          `json:"alg"`
		Kid  string          `json:"kid"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(hdr, &h); err != nil {
		return d, invalidToken("the token header is malformed")
	}
	if h.Alg == "" {
		return d, invalidToken("the token header has no algorithm")
	}
	d.alg, d.kid = h.Alg, h.Kid
	if d.method = v.allowed(h.Alg); d.method == nil {
		return d, invalidToken("the token's algorithm is not allowed")
	}
	// No JWS extension is understood here, so any crit is refused
	// (RFC 7515 §4.1.11).
	if h.Crit != nil {
		return d, invalidToken("the token has unsupported critical header parameters")
	}
	return d, nil
}

// verifyJWS looks up the key for d and checks the signature with it.
func (v *jwtValidator) verifyJWS(ctx context.Context, d *jws) (any, *Error) {
	key, err := v.keys.Key(ctx, d.kid, d.alg)
	if err != nil {
		return nil, keySetError(err)
	}
	// Checked again here so that a faulty KeySet cannot cause confusion.
	if !keyFitsAlg(key, d.alg) {
		return nil, newTokenError(CodeInvalidToken, "the key for the token does not fit its algorithm", ErrWrongKeyType)
	}
	if err := d.method.Verify(d.signingInput, d.sig, key); err != nil {
		return nil, newTokenError(CodeInvalidToken, "the token's signature is invalid", err)
	}
	return key, nil
}

func keySetError(err error) *Error {
	switch {
	case errors.Is(err, ErrUnknownKey):
		return newTokenError(CodeUnknownKey, "no key matches the token", err)
	case errors.Is(err, ErrWrongKeyType):
		return newTokenError(CodeInvalidToken, "the key for the token does not fit its algorithm", err)
	default:
		if !errors.Is(err, ErrKeySetUnavailable) {
			err = fmt.Errorf("%w: %w", ErrKeySetUnavailable, err)
		}
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeKeySetUnavailable, Description: "the signing keys are unavailable", Err: err}
	}
}

// verify is the full, uncached path.
func (v *jwtValidator) verify(ctx context.Context, tok string) (*Principal, error) {
	d, derr := v.decodeJWS(tok)
	if derr != nil {
		return nil, derr
	}
	var claims map[string]any
	if err := json.Unmarshal(d.payload, &claims); err != nil || claims == nil {
		return nil, invalidToken("the token's claims are not a JSON object")
	}
	// Static claims first: a token for another issuer or audience never
	// costs a key lookup (nor, with JWKS, a refetch).
	if v.issuer != "" {
		if iss, _ := claims["iss"].(string); iss != v.issuer {
			return nil, newTokenError(CodeInvalidIssuer, "the token's issuer is not accepted", nil)
		}
	}
	if v.audience != "" && !hasAudience(claims["aud"], v.audience) {
		return nil, newTokenError(CodeInvalidAudience, "the token's audience is not accepted", nil)
	}
	exp, hasExp, ok1 := numericClaim(claims, "exp")
	nbf, hasNbf, ok2 := numericClaim(claims, "nbf")
	_, _, ok3 := numericClaim(claims, "iat")
	if !ok1 || !ok2 || !ok3 {
		return nil, invalidToken("the token's time claims are not numbers")
	}
	if !hasExp && !v.expOptional {
		return nil, invalidToken("the token has no exp claim")
	}
	sub, ok := claims["sub"].(string)
	if _, present := claims["sub"]; present && !ok {
		return nil, invalidToken("the token's sub claim is not a string")
	}

	key, verr := v.verifyJWS(ctx, &d)
	if verr != nil {
		return nil, verr
	}
	if e := v.dpopBoundOK(claims); e != nil {
		return nil, e
	}
	// Scopes only once the signature holds: a forged token must not cost
	// more than a signature check.
	scopes, ok := scopesOf(claims)
	if !ok {
		return nil, invalidToken("the token's scope claims are malformed")
	}

	now := v.now().UnixNano()
	if hasExp && now-v.leeway >= exp {
		return nil, newTokenError(CodeTokenExpired, "the token has expired", nil)
	}
	if hasNbf && now+v.leeway < nbf {
		return nil, newTokenError(CodeTokenNotYetValid, "the token is not valid yet", nil)
	}
	keyID := d.kid
	if keyID == "" {
		if n, ok := v.keys.(keyNamer); ok {
			keyID = n.nameOf(key)
		}
	}
	p := &Principal{Subject: sub, Scheme: schemeOf(claims), KeyID: keyID, Scopes: scopes, Claims: claims}
	scopeOK := v.scopesGranted(p)
	if v.cache != nil && hasExp {
		e := &cacheEntry{principal: p, kid: d.kid, alg: d.alg, key: key, exp: exp, scopeOK: scopeOK}
		if hasNbf {
			e.nbf = nbf
		}
		v.cache.put(tok, e)
	}
	if !scopeOK {
		return nil, insufficientScope()
	}
	return p, nil
}

func (v *jwtValidator) scopesGranted(p *Principal) bool {
	for _, s := range v.scopes {
		if !p.HasScope(s) {
			return false
		}
	}
	return true
}

// numericClaim reads a NumericDate claim as unix nanoseconds. ok is false when
// the claim is present but not a number.
func numericClaim(claims map[string]any, name string) (nanos int64, present, ok bool) {
	raw, present := claims[name]
	if !present {
		return 0, false, true
	}
	f, isNum := raw.(float64)
	if !isNum {
		return 0, true, false
	}
	return secondsToNanos(f), true, true
}

// secondsToNanos converts seconds to nanoseconds, saturating far outside the
// years 1678 to 2262 instead of overflowing.
func secondsToNanos(f float64) int64 {
	const limit = math.MaxInt64 / 1e9
	switch {
	case f >= limit:
		return math.MaxInt64
	case f <= -limit:
		return math.MinInt64 + 1
	}
	return int64(f * 1e9)
}

func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}

// maxScopes bounds the scopes one token may carry; more is invalid_token.
const maxScopes = 256

// scopesOf collects "scope" (space-separated, RFC 8693) and "scp" (an array,
// or a space-separated string, as Azure AD and Okta send it). Scopes are
// separated by the space character only, and each must be made of the
// characters RFC 6749 §3.3 allows (printable ASCII but '"' and '\'):
// splitting on other white space, as strings.Fields does, would let a scope
// such as "read\u00a0admin" grant "admin".
func scopesOf(claims map[string]any) ([]string, bool) {
	var out []string
	var seen map[string]struct{} // built once out is long, to keep this linear
	add := func(s string) bool {
		if !validScope(s) {
			return false
		}
		if seen != nil {
			if _, dup := seen[s]; dup {
				return true
			}
		} else {
			for _, have := range out {
				if have == s {
					return true
				}
			}
		}
		if len(out) == maxScopes {
			return false
		}
		out = append(out, s)
		if seen == nil && len(out) > 16 {
			seen = make(map[string]struct{}, 2*len(out))
			for _, have := range out {
				seen[have] = struct{}{}
			}
		} else if seen != nil {
			seen[s] = struct{}{}
		}
		return true
	}
	addList := func(list string) bool {
		for f := range strings.SplitSeq(list, " ") {
			if f != "" && !add(f) {
				return false
			}
		}
		return true
	}
	if raw, present := claims["scope"]; present {
		s, ok := raw.(string)
		if !ok || !addList(s) {
			return nil, false
		}
	}
	if raw, present := claims["scp"]; present {
		switch x := raw.(type) {
		case string:
			if !addList(x) {
				return nil, false
			}
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok || !add(s) {
					return nil, false
				}
			}
		default:
			return nil, false
		}
	}
	return out, true
}

// validScope reports whether s is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
