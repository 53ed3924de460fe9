package inbound

import (
	"github.com/gatehouse-go/gatehouse/internal/jose"
	"math"
	"slices"
)

// tokenTimes are a token's exp and nbf as unix nanoseconds.
type tokenTimes struct {
	exp, nbf       int64
	hasExp, hasNbf bool
}

// claim is one claim's value, and whether the token has it at all (a JSON
// null is present).
type claim struct {
	v       any
	present bool
}

// registered holds the registered claims the validator reads, captured
// while the claims are parsed.
type registered = jose.Registered

// claimOf is the claim c of a registered claims set.
func claimOf(c jose.Claim) claim { return claim{c.V, c.Present} }

// checkClaims makes the checks that need no key: issuer, audience, the types
// of the time claims and of sub, and exp's presence.
func (v *jwtValidator) checkClaims(c *registered) (tokenTimes, string, *Error) {
	var t tokenTimes
	if v.issuers != nil {
		if iss, _ := c.Iss.V.(string); !slices.Contains(v.issuers, iss) {
			return t, "", newTokenError(CodeInvalidIssuer, "the token's issuer is not accepted", nil)
		}
	}
	if v.audiences != nil && !hasAudience(c.Aud.V, v.audiences) {
		return t, "", newTokenError(CodeInvalidAudience, "the token's audience is not accepted", nil)
	}
	var ok1, ok2, ok3 bool
	t.exp, t.hasExp, ok1 = numericClaim(claimOf(c.Exp), math.Floor)
	t.nbf, t.hasNbf, ok2 = numericClaim(claimOf(c.Nbf), math.Ceil)
	_, _, ok3 = numericClaim(claimOf(c.Iat), math.Floor)
	if !ok1 || !ok2 || !ok3 {
		return t, "", invalidToken("the token's time claims are not numbers of seconds from 1678 to 2262")
	}
	if !t.hasExp && !v.expOptional {
		return t, "", invalidToken("the token has no exp claim")
	}
	sub, ok := c.Sub.V.(string)
	if c.Sub.Present && !ok {
		return t, "", invalidToken("the token's sub claim is not a string")
	}
	return t, sub, nil
}

// checkTimes checks exp and nbf against now, with the leeway.
func (v *jwtValidator) checkTimes(t tokenTimes, now int64) *Error {
	if t.hasExp && now-v.leeway >= t.exp {
		return newTokenError(CodeTokenExpired, "the token has expired", nil)
	}
	if t.hasNbf && now+v.leeway < t.nbf {
		return newTokenError(CodeTokenNotYetValid, "the token is not valid yet", nil)
	}
	return nil
}

// numericClaim reads a NumericDate claim as unix nanoseconds, in whole
// seconds: rounded down (exp) or up (nbf) by round, so that a fraction never
// makes a token valid for longer, or sooner, than a verifier counting whole
// seconds (as golang-jwt does) would have it. ok is false when the claim is
// present but not a number, or outside the years 1678 to 2262 (int64
// nanoseconds): an exp in the year 10^290 is a token that never expires.
func numericClaim(c claim, round func(float64) float64) (nanos int64, present, ok bool) {
	if !c.present {
		return 0, false, true
	}
	f, isNum := c.v.(float64)
	if !isNum {
		return 0, true, false
	}
	const limit = math.MaxInt64 / 1e9
	f = round(f)
	if f >= limit || f <= -limit {
		return 0, true, false
	}
	return int64(f) * 1e9, true, true
}

// hasAudience reports whether aud, a string or an array of them, names one
// of want.
func hasAudience(aud any, want []string) bool {
	switch a := aud.(type) {
	case string:
		return slices.Contains(want, a)
	case []any:
		// Every element must be a string (RFC 7519 §4.1.3), as golang-jwt
		// requires too.
		found := false
		for _, x := range a {
			s, ok := x.(string)
			if !ok {
				return false
			}
			found = found || slices.Contains(want, s)
		}
		return found
	}
	return false
}
