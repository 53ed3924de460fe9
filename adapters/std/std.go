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
func Require(g *middleware.Guard) func(http.Handler) http.Handler {
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
