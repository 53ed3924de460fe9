// Package conformance holds no code, only tests: one table of requests (API
// keys, User-Agent, JWT attacks and edge cases, DPoP, certificate-bound
// tokens, the IP allowlist, webhooks, skip rules, internal errors)
// run through stdauth, ginauth and echoauth, asserting that each request gets
// the same status, the same authentication headers and the same body from
// all three. The adapters are meant to be thin wrappers around
// middleware.Guard; these tests keep them so.
package conformance
