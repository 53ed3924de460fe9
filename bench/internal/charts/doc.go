// Package charts draws the report's figures as SVG with gonum.org/v1/plot:
// callers' token waits under concurrent refresh, calls to a failing token
// endpoint, a fleet's token requests per refresh cycle, and the inbound
// overhead per request. It draws what it is given; the numbers come from
// the report's run.
package charts
