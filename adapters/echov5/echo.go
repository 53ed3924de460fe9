package echoauth

import (
	"github.com/labstack/echo/v5"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// PrincipalKey is the *echo.Context key under which Require stores the
// *inbound.Principal of an accepted request.
const PrincipalKey = "gatehouse.principal"

// Require returns echo middleware that lets through only the requests g
// accepts. An accepted request continues with c.Request() carrying the
// Principal in its context and the Principal set under PrincipalKey. A
// refused one is answered by g.WriteError itself, not by echo's
// HTTPErrorHandler, so that the answer is the same as through stdauth and
// ginauth; the handler then returns nil.
func Require(g *middleware.Guard) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			r, err := g.Check(c.Request())
			if err != nil {
				g.WriteError(c.Response(), c.Request(), err)
				return nil
			}
			c.SetRequest(r)
			if p, ok := inbound.FromContext(r.Context()); ok {
				c.Set(PrincipalKey, p)
			}
			return next(c)
		}
	}
}

// Principal returns the Principal that Require stored in c, and whether
// there was one. It is false for skipped requests and for validators that
// identify nobody (inbound.UserAgent alone).
func Principal(c *echo.Context) (*inbound.Principal, bool) {
	if p, ok := c.Get(PrincipalKey).(*inbound.Principal); ok && p != nil {
		return p, true
	}
	if c.Request() == nil {
		return nil, false
	}
	return inbound.FromContext(c.Request().Context())
}
