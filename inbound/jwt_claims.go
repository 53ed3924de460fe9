package inbound

import (
	"math"
)

// tokenTimes are a token's exp and nbf as unix nanoseconds.
type tokenTimes struct {
	exp, nbf       int64
	hasExp, hasNbf bool
}

// checkClaims makes the checks that need no key: issuer, audience, the types
// of the time claims and of sub, and exp's presence.
func (v *jwtValidator) checkClaims(claims map[string]any) (tokenTimes, string, *Error) {
	var t tokenTimes
	if v.issuer != "" {
		if iss, _ := claims["iss"].(string); iss != v.issuer {
			return t, "", newTokenError(CodeInvalidIssuer, "the token's issuer is not accepted", nil)
		}
	}
	if v.audience != "" && !hasAudience(claims["aud"], v.audience) {
		return t, "", newTokenError(CodeInvalidAudience, "the token's audience is not accepted", nil)
	}
	var ok1, ok2, ok3 bool
	t.exp, t.hasExp, ok1 = numericClaim(claims, "exp")
	t.nbf, t.hasNbf, ok2 = numericClaim(claims, "nbf")
	_, _, ok3 = numericClaim(claims, "iat")
	if !ok1 || !ok2 || !ok3 {
		return t, "", invalidToken("the token's time claims are not numbers")
	}
	if !t.hasExp && !v.expOptional {
		return t, "", invalidToken("the token has no exp claim")
	}
	sub, ok := claims["sub"].(string)
	if _, present := claims["sub"]; present && !ok {
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
