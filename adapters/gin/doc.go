// Package ginauth is gatehouse's adapter for gin: Require turns a
// *middleware.Guard into a gin.HandlerFunc, and Principal reads who the
// request was authenticated as. The package is named ginauth so that it never
// collides with gin itself.
//
// All behaviour (what is checked, how refusals are rendered, which requests
// are skipped) lives in the Guard, so a request gets the same answer here as
// through stdauth or echoauth.
//
//	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
//	if err != nil {
//		log.Fatal(err)
//	}
//	r := gin.New()
//	r.Use(ginauth.Require(g))
//	r.GET("/v3/payments", func(c *gin.Context) {
//		p, _ := ginauth.Principal(c)
//		c.String(http.StatusOK, "hello %s", p.Subject)
//	})
package ginauth
