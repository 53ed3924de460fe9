// A user's program for adapters/gin: a gin route guarded by ginauth.
package main

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gin-gonic/gin"
)

const apiKey = "user-program-key-0123456789abcdef"

func main() {
	gin.SetMode(gin.ReleaseMode)
	v, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}), nil)
	if err != nil {
		log.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/v1/payments", ginauth.Require(g), func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.String(http.StatusOK, p.Subject)
	})
	check(r, apiKey, http.StatusOK, "acme")
	check(r, "", http.StatusUnauthorized, "")
	fmt.Println("adapters/gin: ginauth let the key through (200) and refused a request without one (401)")
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
