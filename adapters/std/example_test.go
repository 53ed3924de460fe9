package stdauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func Example() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		"$aact_prod_example": {Subject: "acme"},
	}), nil)
	if err != nil {
		panic(err)
	}
	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/payments", func(w http.ResponseWriter, r *http.Request) {
		p, _ := stdauth.Principal(r)
		fmt.Fprintf(w, "hello %s", p.Subject)
	})
	h := stdauth.Require(g)(mux)

	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	r.Header.Set("User-Agent", "example/1.0")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())

	r.Header.Set("access_token", "$aact_prod_example")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 401 {"errors":[{"code":"access_token_not_found","description":"the 'access_token' authentication header is required and was not found in the request"}]}
	// 200 hello acme
}
