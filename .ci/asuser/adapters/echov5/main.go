// A user's program for adapters/echov5: an echo v5 route guarded by echoauth.
package main

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echov5"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/labstack/echo/v5"
)

const apiKey = "user-program-key-0123456789abcdef"

func main() {
	v, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}), nil)
	if err != nil {
		log.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.GET("/v1/payments", func(c *echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.String(http.StatusOK, p.Subject)
	}, echoauth.Require(g))
	check(e, apiKey, http.StatusOK, "acme")
	check(e, "", http.StatusUnauthorized, "")
	fmt.Println("adapters/echov5: echoauth let the key through (200) and refused a request without one (401)")
}

func check(h http.Handler, key string, code int, body string) {
	req := httptest.NewRequest(http.MethodGet, "/v1/payments", nil)
	if key != "" {
		req.Header.Set(inbound.DefaultAPIKeyHeader, key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != code || (body != "" && rec.Body.String() != body) {
		log.Fatalf("key %t: %d %q, want %d %q", key != "", rec.Code, rec.Body.String(), code, body)
	}
}
