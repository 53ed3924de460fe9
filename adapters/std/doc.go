// Package stdauth is gatehouse's adapter for net/http: Require turns a
// *middleware.Guard into the plain func(http.Handler) http.Handler
// middleware that any router (http.ServeMux, chi, gorilla/mux) accepts, and
// Principal reads who the request was authenticated as.
//
// All behaviour (what is checked, how refusals are rendered, which requests
// are skipped) lives in the Guard, so a request gets the same answer here as
// through ginauth or echoauth.
//
//	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
//	if err != nil {
//		log.Fatal(err)
//	}
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /v3/payments", func(w http.ResponseWriter, r *http.Request) {
//		p, _ := stdauth.Principal(r)
//		fmt.Fprintln(w, "hello", p.Subject)
//	})
//	log.Fatal(http.ListenAndServe(":8080", stdauth.Require(g)(mux)))
package stdauth
