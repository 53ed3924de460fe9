package echoauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echov5"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func Example() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		"$aact_prod_example": {Subject: "acme"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
	})
	if err != nil {
		panic(err)
	}
	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		panic(err)
	}
	e := echo.New()
	e.Use(echoauth.Require(g))
	e.GET("/v3/payments", func(c *echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.String(http.StatusOK, "hello "+p.Subject+" ("+p.Environment+")")
	})

	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	r.Header.Set("User-Agent", "example/1.0")
	r.Header.Set("access_token", "sk_live_example")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())

	r.Header.Set("access_token", "$aact_prod_example")
	w = httptest.NewRecorder()
	e.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 401 {"errors":[{"code":"invalid_access_token_format","description":"the value provided does not look like a valid API key; check the key's format"}]}
	// 200 hello acme (production)
}
