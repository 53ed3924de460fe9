// Package middleware holds Guard, the one place where gatehouse turns a
// validator's verdict into HTTP: which requests are checked, how a refusal
// is rendered, which hooks run. The framework adapters (stdauth, ginauth,
// echoauth) are a few lines around a Guard, so a request gets the same
// status, headers and body whichever framework serves it.
//
// A Guard has two methods that adapters call. Check runs the validator and
// returns the request carrying the authenticated inbound.Principal in its
// context. WriteError renders a refusal:
//
//   - the status and stable code of the *inbound.Error, in the body
//     {"errors":[{"code":"…","description":"…"}]} (the shape Asaas uses), or
//     as RFC 9457 application/problem+json with Options.ProblemJSON;
//   - Cache-Control: no-store, so no proxy keeps an authentication answer;
//   - the WWW-Authenticate challenge the error asks for: `Bearer realm="api"`
//     when no token was presented, with error= and a sanitised
//     error_description= when one was refused (RFC 6750 §3), plus scope= on
//     403 insufficient_scope, none for API keys and User-Agent;
//   - for anything that is not an *inbound.Error, a 500 with a generic body:
//     an internal error's text may hold details (a database DSN, a file
//     path) that a client must never see.
//
// Configuration is checked once, by New, which also asks the validator
// (inbound.CheckConfig: an inbound.All of nothing is a mistake); its errors
// wrap ErrInvalidConfig. Nothing fails for configuration reasons at request
// time.
//
// Example, with net/http directly (stdauth.Require does exactly this):
//
//	keys, _ := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
//		key: {Subject: "acme"},
//	}), nil)
//	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), &middleware.Options{
//		Skip: func(r *http.Request) bool { return r.URL.Path == "/healthz" },
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		r2, err := g.Check(r)
//		if err != nil {
//			g.WriteError(w, r, err)
//			return
//		}
//		next.ServeHTTP(w, r2)
//	})
package middleware
