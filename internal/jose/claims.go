package jose

import "strings"

// Claim is one claim's value, and whether the claims set has it at all (a
// JSON null is present).
type Claim struct {
	V       any
	Present bool
}

// Registered holds the claims a verifier reads, captured while the claims
// set is parsed, so that reading them costs no map lookup.
type Registered struct {
	Iss, Sub, Aud, Exp, Nbf, Iat, Scope, Scp Claim
}

// capture keeps the value of a top-level member a verifier reads.
func (r *Registered) capture(name string, v any) {
	c := Claim{v, true}
	switch name {
	case "iss":
		r.Iss = c
	case "sub":
		r.Sub = c
	case "aud":
		r.Aud = c
	case "exp":
		r.Exp = c
	case "nbf":
		r.Nbf = c
	case "iat":
		r.Iat = c
	case "scope":
		r.Scope = c
	case "scp":
		r.Scp = c
	}
}

// MediaType drops the "application/" prefix (in any case) that RFC 7515
// §4.1.9 lets typ omit, so that "application/at+jwt" and "at+jwt" are one
// type.
func MediaType(typ string) string {
	const prefix = "application/"
	if len(typ) > len(prefix) && strings.EqualFold(typ[:len(prefix)], prefix) {
		return typ[len(prefix):]
	}
	return typ
}

// TypeIs reports whether typ names the media type want ("dpop+jwt"):
// case-insensitively, with or without "application/".
func TypeIs(typ, want string) bool { return strings.EqualFold(MediaType(typ), want) }
