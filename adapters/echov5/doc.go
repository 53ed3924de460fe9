// Package echoauth is gatehouse's adapter for echo v5: Require turns a
// *middleware.Guard into an echo.MiddlewareFunc, and Principal reads who the
// request was authenticated as. The package is named echoauth so that it
// never collides with echo itself. It is imported from
// github.com/gatehouse-go/gatehouse/adapters/echov5; the adapter for echo v4,
// with the same API, is github.com/gatehouse-go/gatehouse/adapters/echo.
//
// All behaviour (what is checked, how refusals are rendered, which requests
// are skipped) lives in the Guard, so a request gets the same answer here as
// through stdauth or ginauth.
//
//	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
//	if err != nil {
//		log.Fatal(err)
//	}
//	e := echo.New()
//	e.Use(echoauth.Require(g))
//	e.GET("/v3/payments", func(c *echo.Context) error {
//		p, _ := echoauth.Principal(c)
//		return c.String(http.StatusOK, "hello "+p.Subject)
//	})
package echoauth
