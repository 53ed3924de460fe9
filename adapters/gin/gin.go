package ginauth

import (
	"github.com/gin-gonic/gin"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// PrincipalKey is the gin.Context key under which Require stores the
// *inbound.Principal of an accepted request.
const PrincipalKey = "gatehouse.principal"

// Require returns gin middleware that lets through only the requests g
// accepts. An accepted request continues with c.Request carrying the
// Principal in its context and the Principal set under PrincipalKey; a
// refused one is answered by g.WriteError and the chain is aborted.
//
// Require panics when g is nil, as net/http does for a nil handler: a nil
// Guard is what middleware.New returns with an error, and a program that
// ignored that error would otherwise answer every request 500.
func Require(g *middleware.Guard) gin.HandlerFunc {
	if g == nil {
		panic("ginauth: Require called with a nil *middleware.Guard (did middleware.New return an error?)")
	}
	return func(c *gin.Context) {
		r, err := g.Check(c.Request)
		if err != nil {
			g.WriteError(c.Writer, c.Request, err)
			c.Abort()
			return
		}
		c.Request = r
		if p, ok := inbound.FromContext(r.Context()); ok {
			c.Set(PrincipalKey, p)
		}
		c.Next()
	}
}

// Principal returns the Principal that Require stored in c, and whether
// there was one. It is false for skipped requests and for validators that
// identify nobody (inbound.UserAgent alone).
func Principal(c *gin.Context) (*inbound.Principal, bool) {
	if v, ok := c.Get(PrincipalKey); ok {
		if p, ok := v.(*inbound.Principal); ok && p != nil {
			return p, true
		}
	}
	if c.Request == nil {
		return nil, false
	}
	return inbound.FromContext(c.Request.Context())
}
