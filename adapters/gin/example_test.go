package ginauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
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
	gin.SetMode(gin.TestMode)
	e := gin.New()
	e.Use(ginauth.Require(g))
	e.GET("/v3/payments", func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.String(http.StatusOK, "hello %s", p.Subject)
	})

	r := httptest.NewRequest(http.MethodGet, "/v3/payments", nil)
	r.Header.Set("access_token", "$aact_prod_example")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())

	r.Header.Set("User-Agent", "example/1.0")
	w = httptest.NewRecorder()
	e.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 400 {"errors":[{"code":"user_agent_required","description":"the User-Agent header is required; send your application's name"}]}
	// 200 hello acme
}
