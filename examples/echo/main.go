// Command echo serves an API protected by gatehouse through echo:
//
//	GET /v1/payments    Bearer JWT (HS256, issuer and audience checked)
//	GET /keys/payments  Asaas-style API key in access_token, plus User-Agent
//	GET /healthz        open
//
// It reads the JWT secret from JWT_SECRET (at least 32 bytes) and the API key
// from API_KEY (a sandbox key, "$aact_hmlg_…"); unset, they are random.
//
//	go run ./examples/echo                # serve on 127.0.0.1:8080
//	go run ./examples/echo -selftest      # serve on a random port, send test requests, exit
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
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

	payments := func(c echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.JSON(http.StatusOK, map[string]string{"subject": p.Subject, "scheme": p.Scheme})
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(echomw.Recover())
	e.GET("/v1/payments", payments, echoauth.Require(jwtGuard))
	e.GET("/keys/payments", payments, echoauth.Require(keyGuard))
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })

	if test {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	if !test {
		log.Printf("listening on http://%s", ln.Addr())
		return srv.Serve(ln)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	return selftest.Run(context.Background(), "http://"+ln.Addr().String(), secret, apiKey, os.Stdout)
}
