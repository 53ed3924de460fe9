// Package harness holds the comparisons that bench/cmd/report prints and the
// benchmarks of this module run: gatehouse side by side with its peers
// (golang.org/x/oauth2, golang-jwt by hand, labstack/echo-jwt, echo's
// KeyAuth), each measured the same way in the same process.
//
// There are four parts:
//
//   - Outbound overhead (OutboundCases): one request through gatehouse's
//     Bearer, through x/oauth2's Transport and through a bare RoundTripper
//     that returns a canned response, all holding a valid cached token, so
//     that the difference is what the decorator costs.
//   - Concurrent refresh load (RunLoad): many goroutines sending requests
//     through an *http.Client to a loopback API while a slow token endpoint
//     issues short-lived tokens. Two timing decorators, one outside and one
//     inside the library's own decorator, measure how long each request
//     waited for a token, with the same instrumentation for both libraries.
//   - Failing token endpoint (RunOutage): the endpoint answers 503 with
//     Retry-After for a while, then recovers; it counts the calls it received
//     during the outage and how long each library took to serve requests
//     again.
//   - Inbound (InboundCases): a request served through std, gin and echo
//     with gatehouse's validators and with the peers', with
//     httptest.NewRecorder and ServeHTTP, so no network is involved.
//
// Every remote party is an httptest server on loopback. The checks in this
// package's tests make sure that each peer really authorizes requests (and
// rejects bad credentials) and that the load counters add up, so that the
// numbers compare working code.
//
// A typical use, from a benchmark:
//
//	for _, c := range harness.OutboundCases() {
//		b.Run(c.Name, c.Run)
//	}
package harness
