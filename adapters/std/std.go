package stdauth

import (
	"net/http"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// Require returns net/http middleware that lets through only the requests g
// accepts. An accepted request reaches next carrying its Principal (read it
// with Principal); a refused one is answered by g.WriteError and never
// reaches next.
//
// Require panics when g is nil, as http.Handle does for a nil handler: a nil
// Guard is what middleware.New returns with an error, and a program that
// ignored that error would otherwise answer every request 500.
func Require(g *middleware.Guard) func(http.Handler) http.Handler {
	if g == nil {
		panic("stdauth: Require called with a nil *middleware.Guard (did middleware.New return an error?)")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2, err := g.Check(r)
			if err != nil {
				g.WriteError(w, r, err)
				return
			}
			next.ServeHTTP(w, r2)
		})
	}
}

// Principal returns the Principal that Require put into r's context, and
// whether there was one. It is false for skipped requests and for validators
// that identify nobody (inbound.UserAgent alone).
func Principal(r *http.Request) (*inbound.Principal, bool) {
	return inbound.FromContext(r.Context())
}
