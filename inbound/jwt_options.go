package inbound

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultMaxTokenSize is the largest token BearerJWT parses when
// JWTOptions.MaxTokenSize is 0. Larger tokens are refused before any parsing.
const DefaultMaxTokenSize = 8 << 10

// MaxTokenSizeLimit is the largest JWTOptions.MaxTokenSize accepted: 64 KiB.
// Every byte of a token is decoded and hashed before its signature can be
// refused, so the limit bounds what one forged token costs; no access token
// in use comes near it.
const MaxTokenSizeLimit = 64 << 10

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
	// With StaticKeys, an allowlist that none of the keys can serve (HMAC
	// secrets with only RS256 allowed) would refuse every token, so it is a
	// construction error naming the algorithms. A JWKS set can change, so
	// there it is not checked: check that the issuer's keys match the
	// allowlist, or every token fails as unknown_key.
	//
	// Insecure: allowing HS* when the keys come from a third party's JWKS;
	// symmetric secrets belong to tokens you mint yourself.
	Algorithms []string

	// Issuer, when set, must equal the token's "iss" claim. It is checked
	// before any key lookup, so tokens of foreign issuers never cause a JWKS
	// refetch.
	Issuer string

	// Issuers are further accepted issuers: with Issuer, the token's "iss"
	// must equal one of them. Empty strings are a construction error.
	Issuers []string

	// Audience, when set, must equal the token's "aud" claim or be one of its
	// elements (aud may be a string or an array). Also checked before any key
	// lookup.
	Audience string

	// Audiences are further accepted audiences: with Audience, at least one
	// of them must be the token's "aud" or among its elements.
	Audiences []string

	// Types, when set, restricts the header's "typ" (explicit typing,
	// RFC 8725 §3.11), e.g. {"at+jwt"} for RFC 9068 access tokens: a token
	// without typ, or of another type, is 401 invalid_token. Types are
	// compared case-insensitively, with an "application/" prefix ignored on
	// either side ("application/at+jwt" is "at+jwt"). Nil accepts any type
	// or none.
	//
	// Secure: {"at+jwt"} when the issuer types its access tokens, so that an
	// ID token or a logout token of the same issuer and keys is never taken
	// for an access token.
	Types []string

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

	// OnCache, if set, is called for every token that reaches the
	// verified-token cache (not with CacheSize < 0): hit is true when the
	// cache answered, false when the token was verified afresh (first
	// sight, or an entry dropped because its key changed). For metrics; it
	// runs on the request path, so keep it fast.
	OnCache func(hit bool)

	// Now is the clock. Nil means time.Now.
	Now func() time.Time

	// MaxTokenSize is the largest token accepted, in bytes. 0 means
	// DefaultMaxTokenSize (8 KiB); more than MaxTokenSizeLimit (64 KiB) is a
	// construction error.
	MaxTokenSize int

	// CertificateBound requires certificate-bound tokens (RFC 8705 §3):
	// a token without cnf.x5t#S256 is refused with 401 invalid_token.
	//
	// Whatever this option, a token that carries cnf.x5t#S256 is accepted
	// only from a request whose client certificate (the TLS leaf, or the
	// Client-Cert header of a proxy in ClientCertProxies) has that SHA-256
	// thumbprint, and a malformed cnf is refused. It is checked on every
	// request, also when the token comes from the verified-token cache, so
	// a stolen token is worthless without the certificate's private key.
	// Leave it off to serve mTLS clients and ordinary ones from one API.
	CertificateBound bool

	// ClientCertProxies are the reverse proxies that terminate the
	// clients' TLS and forward their certificate in the RFC 9440
	// Client-Cert header. From a peer in these prefixes the header is the
	// client certificate; from any other peer it is ignored. Nil means the
	// header is never read. With DPoP, DPoPOptions.Origin is then required.
	//
	// Insecure: a prefix covering addresses clients connect from: they
	// could then name any certificate. Secure: the proxies' own addresses.
	ClientCertProxies []netip.Prefix

	// DPoP, when set, accepts DPoP-bound tokens (RFC 9449): `Authorization:
	// DPoP <token>` with one DPoP proof header signed by the key whose
	// thumbprint is the token's cnf.jkt. A DPoP-bound token sent with the
	// Bearer scheme is refused, and so is every DPoP-bound token when DPoP
	// is nil. See DPoPOptions, and its Origin behind a proxy.
	DPoP *DPoPOptions
}

// jwtValidator is the Validator BearerJWT returns.
type jwtValidator struct {
	keys        KeySet
	algs        []algorithm
	issuers     []string // accepted iss values; nil accepts any
	audiences   []string // accepted aud values; nil accepts any
	types       []string // accepted typ values as mediaType gives them; nil accepts any
	leeway      int64    // nanoseconds
	scopes      []string
	scopeAttr   string // the required scopes, space-separated
	expOptional bool
	now         func() time.Time
	maxSize     int
	cache       *tokenCache
	onCache     func(hit bool)
	scratch     sync.Pool // *[]byte for decoding, see getScratch
	b64         *base64.Encoding
	pop         *binding // proof of possession; nil when off
}

// BearerJWT returns a Validator for `Authorization: Bearer <JWT>` requests.
// It checks, in this order:
//
//   - the scheme is matched case-insensitively; no Authorization header, or
//     another scheme, is 401 missing_token; "Bearer" with no token or several
//     Authorization headers is 400 invalid_request;
//   - a token over MaxTokenSize is refused before any parsing; it must have
//     exactly three segments of strict unpadded base64url;
//   - the header and the claims are read strictly, as RFC 7515 §5.2 and
//     RFC 7519 §7.2 say and other verifiers read them: member names are
//     case-sensitive ("ALG" is not "alg"), text must be valid UTF-8 (no
//     silent U+FFFD), a member name may appear only once, and "alg" is
//     required;
//   - the header's "alg" must be in the allowlist, unknown "crit" parameters
//     are refused, and keys embedded in or referenced by the header ("jwk",
//     "jku", "x5u", "x5c") are never used;
//   - the header's "typ" is checked against Types, when set;
//   - iss and aud are checked before any key is looked up (aud is a string
//     or an array of strings only); the key must be of the algorithm's own
//     type; then the signature, exp (required unless ExpOptional), nbf and
//     the required scopes are checked;
//   - exp, nbf and iat must be numbers of seconds within the years 1678 to
//     2262; a fraction never lengthens validity (exp is rounded down, nbf
//     up).
//
// The Principal carries sub as Subject, "Bearer" as Scheme, the kid as KeyID,
// the scopes and the claims. Verified tokens are cached (see
// JWTOptions.CacheSize); the Principal of a cached token is shared between
// requests and must be treated as read-only.
func BearerJWT(opts JWTOptions) (Validator, error) {
	v := &jwtValidator{
		keys:        opts.Keys,
		issuers:     nonEmpty(opts.Issuer, opts.Issuers),
		audiences:   nonEmpty(opts.Audience, opts.Audiences),
		leeway:      int64(opts.Leeway),
		expOptional: opts.ExpOptional,
		now:         opts.Now,
		onCache:     opts.OnCache,
		maxSize:     opts.MaxTokenSize,
		scopes:      slices.Clone(opts.RequiredScopes),
		b64:         base64.RawURLEncoding.Strict(),
	}
	if v.now == nil {
		v.now = time.Now
	}
	err := v.configure(&opts)
	var perr error
	if v.pop, perr = newBinding(&opts, v.now); perr != nil {
		// One flat list of every mistake.
		err = errors.Join(append(unjoin(err), unjoin(perr)...)...)
	}
	if err != nil {
		return nil, err
	}
	if v.maxSize == 0 {
		v.maxSize = DefaultMaxTokenSize
	}
	switch {
	case opts.CacheSize == 0:
		v.cache = newTokenCache(DefaultCacheSize)
	case opts.CacheSize > 0:
		v.cache = newTokenCache(opts.CacheSize)
	}
	return v, nil
}

// nonEmpty returns one and many as one list, without one when it is empty.
func nonEmpty(one string, many []string) []string {
	if one == "" {
		return slices.Clone(many)
	}
	return append([]string{one}, many...)
}

// configure checks opts and sets up the algorithms and types, reporting
// every mistake at once.
func (v *jwtValidator) configure(opts *JWTOptions) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, newConfigError("BearerJWT", fmt.Sprintf(format, args...)))
	}
	if opts.Keys == nil {
		bad("Keys is required")
	}
	v.configureAlgorithms(opts.Algorithms, bad)
	// An HMAC secret too short for every allowed HS algorithm (40 bytes with
	// only HS384 allowed) would fail every request: that is a configuration
	// error, found here.
	if sk, ok := opts.Keys.(*staticKeys); ok {
		if err := v.checkSecrets(sk); err != nil {
			errs = append(errs, err)
		} else if err := v.checkServed(sk); err != nil {
			errs = append(errs, err)
		}
	}
	if opts.Leeway < 0 || opts.Leeway > MaxLeeway {
		bad("Leeway must be between 0 and %v", MaxLeeway)
	}
	if opts.MaxTokenSize < 0 || opts.MaxTokenSize > MaxTokenSizeLimit {
		bad("MaxTokenSize must be between 0 and %d", MaxTokenSizeLimit)
	}
	v.configureLists(opts, bad)
	return errors.Join(errs...)
}

// configureAlgorithms sets up the allowlist.
func (v *jwtValidator) configureAlgorithms(names []string, bad func(string, ...any)) {
	if len(names) == 0 {
		bad("Algorithms is required (an allowlist such as {\"RS256\"})")
	}
	for _, name := range names {
		a := newAlgorithm(name)
		switch {
		case strings.EqualFold(name, "none"):
			bad("algorithm \"none\" is never allowed")
		case a == nil:
			bad("unsupported algorithm %q", name)
		case v.allowed(name) == nil:
			v.algs = append(v.algs, *a)
		}
	}
}

// configureLists checks the required scopes, issuers, audiences and types.
func (v *jwtValidator) configureLists(opts *JWTOptions, bad func(string, ...any)) {
	for _, s := range opts.RequiredScopes {
		if !validScope(s) {
			bad("invalid required scope %q", s)
		}
	}
	v.scopeAttr = strings.Join(opts.RequiredScopes, " ")
	if slices.Contains(opts.Issuers, "") {
		bad("Issuers holds an empty string")
	}
	if slices.Contains(opts.Audiences, "") {
		bad("Audiences holds an empty string")
	}
	for _, t := range opts.Types {
		if t = mediaType(t); t == "" {
			bad("Types holds an empty type")
			continue
		}
		v.types = append(v.types, t)
	}
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
			return newConfigError("BearerJWT", fmt.Sprintf("the HMAC secret of key %q (%d bytes) is too short for %s",
				e.kid, len(secret), strings.Join(hs, ", ")))
		}
	}
	return nil
}

// checkServed refuses an allowlist that no static key can serve (HMAC
// secrets with only RS256 allowed): every request would fail with 401. An
// allowed algorithm without a key beside one with a key is accepted (its
// tokens fail as unknown_key), since a set shared by several validators may
// legitimately hold keys for only some of them.
func (v *jwtValidator) checkServed(sk *staticKeys) error {
	if len(v.algs) == 0 || len(sk.m.all) == 0 {
		return nil
	}
	var kinds []string
	for _, e := range sk.m.all {
		for _, a := range v.algs {
			if e.usableWith(a.name) {
				return nil
			}
		}
		if k := keyKind(e.key); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	names := make([]string, len(v.algs))
	for i, a := range v.algs {
		names[i] = a.name
	}
	return newConfigError("BearerJWT", fmt.Sprintf(
		"no static key serves the allowed algorithms %s (the set holds only %s keys), so every token would be refused",
		strings.Join(names, ", "), strings.Join(kinds, ", ")))
}
