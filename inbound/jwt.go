package inbound

import (
	"context"
	"github.com/gatehouse-go/gatehouse/internal/jose"
	"net/http"
)

// Validate implements Validator: the token, then its binding (pop.go).
func (v *jwtValidator) Validate(r *http.Request) (*Principal, error) {
	return v.pop.validate(v, r)
}

// validateToken is lookup without the binding, for tests.
func (v *jwtValidator) validateToken(ctx context.Context, tok string) (*Principal, error) {
	e, err := v.lookup(ctx, tok)
	if err != nil {
		return nil, err
	}
	return &e.principal, nil
}

// lookup answers from the verified-token cache when it can, and verifies the
// token otherwise. The entry is the token's verified result, its binding
// included, and is read-only.
func (v *jwtValidator) lookup(ctx context.Context, tok string) (*cacheEntry, error) {
	if len(tok) > v.maxSize {
		return nil, invalidToken("the token is too large")
	}
	var shard *cacheShard
	if v.cache != nil {
		shard = v.cache.shard(tok)
		if e := shard.get(tok); e != nil {
			if p, err, done := v.fromCache(ctx, tok, e); done {
				if v.onCache != nil {
					v.onCache(true)
				}
				return p, err
			}
		}
		if v.onCache != nil {
			v.onCache(false)
		}
	}
	return v.verify(ctx, tok, shard)
}

// fromCache answers from a cache entry. done is false when the entry was
// dropped and the token must be verified afresh.
func (v *jwtValidator) fromCache(ctx context.Context, tok string, e *cacheEntry) (_ *cacheEntry, err error, done bool) {
	if terr := v.checkTimes(e.times, v.now().UnixNano()); terr != nil {
		if terr.Code == CodeTokenExpired {
			v.cache.remove(tok, e)
		}
		return nil, terr, true
	}
	// The key set may have dropped or replaced the key since: then the entry
	// goes, and the token is judged again against the current keys.
	k, kerr := v.keys.Key(ctx, e.kid, e.alg)
	if kerr != nil || !sameKey(k, e.key) {
		v.cache.remove(tok, e)
		return nil, nil, false
	}
	if !e.scopeOK {
		return nil, v.insufficientScope(), true
	}
	return e, nil, true
}

// verify is the full, uncached path: decoding, the checks that need no key,
// the signature, and the checks worth making only on a genuine token.
//
// shard is where the token's entry goes, nil when the cache is off.
func (v *jwtValidator) verify(ctx context.Context, tok string, shard *cacheShard) (*cacheEntry, error) {
	// Twice the token holds its copy and its decoded segments.
	scratch := v.getScratch(2 * len(tok))
	defer v.putScratch(scratch)
	d, derr := v.decodeJWS(tok, (*scratch)[:cap(*scratch)])
	if derr != nil {
		return nil, derr
	}
	c, cerr := v.readClaims(d.payload, jose.ClaimsBudget)
	if cerr != nil {
		return nil, cerr
	}
	key, verr := v.verifyJWS(ctx, &d)
	if verr != nil {
		return nil, verr
	}
	if c.deferred {
		// Too large to read before the signature was checked: read in full
		// now that it is.
		if c, cerr = v.readClaims(d.payload, jose.Unbounded); cerr != nil {
			return nil, cerr
		}
	}
	claims, reg, times, sub := c.m, &c.reg, c.times, c.sub
	cnf, cnfErr := parseConfirmation(claims)
	if cnfErr != nil {
		return nil, cnfErr
	}
	// Scopes only once the signature holds: a forged token must not cost
	// more than a signature check.
	scopes, ok := scopesOf(reg)
	if !ok {
		return nil, invalidToken("the token's scope claims are malformed")
	}
	if terr := v.checkTimes(times, v.now().UnixNano()); terr != nil {
		return nil, terr
	}
	// The Principal lives inside its cache entry: one allocation for both.
	e := &cacheEntry{
		principal: Principal{Subject: sub, Scheme: cnf.scheme(), KeyID: v.keyID(&d, key), Scopes: scopes, Claims: claims, ID: jtiOf(claims)},
		kid:       d.kid, alg: d.alg, key: key, times: times, cnf: cnf,
	}
	e.scopeOK = v.scopesGranted(&e.principal)
	if shard != nil && times.hasExp {
		shard.put(tok, e)
	}
	if !e.scopeOK {
		return nil, v.insufficientScope()
	}
	return e, nil
}

// jtiOf returns the token's "jti" claim when it is a string, else "".
func jtiOf(claims map[string]any) string {
	jti, _ := claims["jti"].(string)
	return jti
}

// keyID is the token's kid, or the name under which the key set holds the
// key that verified a token without one.
func (v *jwtValidator) keyID(d *jws, key any) string {
	if d.kid != "" {
		return d.kid
	}
	if n, ok := v.keys.(keyNamer); ok {
		return n.nameOf(key)
	}
	return ""
}

// tokenClaims are a token's claims and what the validator reads of them.
type tokenClaims struct {
	m        map[string]any
	reg      registered
	times    tokenTimes
	sub      string
	deferred bool // over the budget: read again once the signature holds
}

// readClaims reads the claims within budget and makes the checks that need
// no key (checkClaims): a token for another issuer or audience never costs
// a key lookup (nor, with JWKS, a refetch). Claims over the budget are not
// an error: c.deferred is set, and the claims are to be read again without
// a budget once the signature holds. So the work a forged token can cause
// is bounded by the budget, whatever its claims hold.
func (v *jwtValidator) readClaims(payload string, budget int) (c tokenClaims, _ *Error) {
	var err error
	c.m, c.reg, err = jose.ParseClaims(payload, budget)
	if err == jose.ErrBudget {
		c.deferred = true
		return c, nil
	}
	if err != nil {
		return c, newTokenError(CodeInvalidToken, "the token's claims are not a JSON object", err)
	}
	var e *Error
	c.times, c.sub, e = v.checkClaims(&c.reg)
	return c, e
}
