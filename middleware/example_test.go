package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func Example() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		"$aact_prod_example": {Subject: "acme"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if err != nil {
		panic(err)
	}
	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		panic(err)
	}
	serve := func(r *http.Request) {
		w := httptest.NewRecorder()
		r2, err := g.Check(r)
		if err != nil {
			g.WriteError(w, r, err)
			fmt.Println(w.Code, w.Body.String())
			return
		}
		p, _ := inbound.FromContext(r2.Context())
		fmt.Println("hello", p.Subject, "from", p.Environment)
	}

	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	r.Header.Set("User-Agent", "example/1.0")
	r.Header.Set("access_token", "$aact_hmlg_example")
	serve(r)

	r.Header.Set("access_token", "$aact_prod_example")
	serve(r)
	// Output:
	// 401 {"errors":[{"code":"invalid_environment","description":"the API key provided does not belong to this environment"}]}
	// hello acme from production
}

func ExampleGuard_WriteError() {
	g, _ := middleware.New(inbound.UserAgent(), &middleware.Options{Realm: "payments"})
	w := httptest.NewRecorder()
	g.WriteError(w, nil, &inbound.Error{
		Status:      http.StatusUnauthorized,
		Code:        inbound.CodeTokenExpired,
		Description: "the token has expired",
		Challenge:   inbound.ChallengeBearerError,
	})
	fmt.Println(w.Code)
	fmt.Println(w.Header().Get("WWW-Authenticate"))
	fmt.Println(w.Body.String())
	// Output:
	// 401
	// Bearer realm="payments", error="invalid_token", error_description="the token has expired"
	// {"errors":[{"code":"token_expired","description":"the token has expired"}]}
}
