package inbound

import (
	"net/http"
	"strings"
)

// insufficientScope is the 403 of a token without the required scopes, which
// it lists for the challenge's scope attribute.
func (v *jwtValidator) insufficientScope() *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeInsufficientScope, Description: "the token lacks a required scope",
		Scope: v.scopeAttr, Challenge: ChallengeBearerError}
}

func (v *jwtValidator) scopesGranted(p *Principal) bool {
	for _, s := range v.scopes {
		if !p.HasScope(s) {
			return false
		}
	}
	return true
}

// maxScopes bounds the scopes one token may carry; more is invalid_token.
const maxScopes = 256

// scopesOf collects "scope" (space-separated, RFC 8693) and "scp" (an array,
// or a space-separated string, as Azure AD and Okta send it). Scopes are
// separated by the space character only, and each must be made of the
// characters RFC 6749 §3.3 allows (printable ASCII but '"' and '\'):
// splitting on other white space, as strings.Fields does, would let a scope
// such as "read\u00a0admin" grant "admin".
func scopesOf(c *registered) ([]string, bool) {
	var set scopeSet
	if c.Scope.Present {
		s, ok := c.Scope.V.(string)
		if !ok || !set.addList(s) {
			return nil, false
		}
	}
	if c.Scp.Present {
		switch x := c.Scp.V.(type) {
		case string:
			if !set.addList(x) {
				return nil, false
			}
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok || !set.add(s) {
					return nil, false
				}
			}
		default:
			return nil, false
		}
	}
	return set.list, true
}

// scopeSet collects distinct valid scopes in order, at most maxScopes.
type scopeSet struct {
	list []string
	seen map[string]struct{} // built once list is long, to keep adding linear
}

// add adds s; false means s is not a valid scope, or one too many.
func (c *scopeSet) add(s string) bool {
	if !validScope(s) {
		return false
	}
	if c.has(s) {
		return true
	}
	if len(c.list) == maxScopes {
		return false
	}
	c.list = append(c.list, s)
	switch {
	case c.seen != nil:
		c.seen[s] = struct{}{}
	case len(c.list) > 16:
		c.seen = make(map[string]struct{}, 2*len(c.list))
		for _, have := range c.list {
			c.seen[have] = struct{}{}
		}
	}
	return true
}

func (c *scopeSet) has(s string) bool {
	if c.seen != nil {
		_, ok := c.seen[s]
		return ok
	}
	for _, have := range c.list {
		if have == s {
			return true
		}
	}
	return false
}

// addList adds the scopes of a list separated by spaces.
func (c *scopeSet) addList(list string) bool {
	if c.list == nil { // sized once: most tokens carry a single scope list
		c.list = make([]string, 0, min(strings.Count(list, " ")+1, maxScopes))
	}
	for f := range strings.SplitSeq(list, " ") {
		if f != "" && !c.add(f) {
			return false
		}
	}
	return true
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
