// Command echo serves an API protected by gatehouse through echo:
//
//	GET /v1/payments    Bearer JWT (ES256, issuer and audience checked)
//	GET /keys/payments  Asaas-style API key in access_token, plus User-Agent
//	GET /healthz        open
//
// The JWT keys come from the JWK Set of a local test issuer
// (providertest.NewIssuer) standing in for your identity provider; in server
// mode the program prints a curl line with a valid token of it. The API key
// is API_KEY (a sandbox key, "$aact_hmlg_…"), or a random one, printed in
// its curl line.
//
//	go run ./examples/echo                # serve on 127.0.0.1:8080, print curl lines to try
//	go run ./examples/echo -selftest      # serve on a random port, send test requests, exit
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	echoauth "github.com/gatehouse-go/gatehouse/adapters/echo"
	"github.com/gatehouse-go/gatehouse/examples/internal/selftest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	test := flag.Bool("selftest", false, "serve on a random loopback port, send a few requests, print the answers and exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, *test, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves the API on addr (a random loopback port with test) until ctx
// ends, or with test until the self-test is done, writing what it has to
// say to w.
func run(ctx context.Context, addr string, test bool, w io.Writer) error {
	// A Bearer-JWT guard over a local test issuer's JWK Set and an API-key
	// + User-Agent guard, built in examples/internal/selftest/guards.go.
	env, err := selftest.NewEnv()
	if err != nil {
		return err
	}
	defer env.Close()
	jwtGuard, keyGuard := env.JWTGuard, env.KeyGuard

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
	return env.Serve(ctx, ln, e, test, w)
}
