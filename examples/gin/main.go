// Command gin serves an API protected by gatehouse through gin:
//
//	GET /v1/payments    Bearer JWT (HS256, issuer and audience checked)
//	GET /keys/payments  Asaas-style API key in access_token, plus User-Agent
//	GET /healthz        open
//
// It reads the JWT secret from JWT_SECRET (at least 32 bytes) and the API key
// from API_KEY (a sandbox key, "$aact_hmlg_…"); unset, they are random.
//
//	go run ./examples/gin                # serve on 127.0.0.1:8080
//	go run ./examples/gin -selftest      # serve on a random port, send test requests, exit
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	ginauth "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/examples/internal/selftest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	test := flag.Bool("selftest", false, "serve on a random loopback port, send a few requests, print the answers and exit")
	flag.Parse()
	if err := run(*addr, *test); err != nil {
		log.Fatal(err)
	}
}

func run(addr string, test bool) error {
	secret, apiKey := selftest.Credentials(!test)

	// A Bearer-JWT guard and an API-key + User-Agent guard, built as in
	// examples/internal/selftest/guards.go (the README shows the same).
	jwtGuard, keyGuard, err := selftest.Guards(secret, apiKey)
	if err != nil {
		return err
	}

	payments := func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.JSON(http.StatusOK, gin.H{"subject": p.Subject, "scheme": p.Scheme})
	}
	gin.SetMode(gin.ReleaseMode) // no debug banner and route listing
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/v1/payments", ginauth.Require(jwtGuard), payments)
	r.GET("/keys/payments", ginauth.Require(keyGuard), payments)
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })

	if test {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	if !test {
		log.Printf("listening on http://%s", ln.Addr())
		return srv.Serve(ln)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	return selftest.Run(context.Background(), "http://"+ln.Addr().String(), secret, apiKey, os.Stdout)
}
