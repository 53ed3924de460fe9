// Package conformance holds no code, only tests: one table of requests (API
// keys, User-Agent, JWT attacks and edge cases, DPoP, certificate-bound
// tokens, the IP allowlist, webhooks, skip rules, internal errors)
// run through stdauth, ginauth, echoauth (echo v4 and v5), asserting that
// each request gets the same status, the same authentication headers and the
// same body from all four, and through grpcauth as unary and streaming gRPC
// calls (webhooks excepted: they are HTTP), asserting the same answer as
// grpcauth maps it (status code, message "<code>: <description>",
// challenges in the www-authenticate trailer). The adapters are meant to be
// thin wrappers around middleware.Guard; these tests keep them so.
package conformance
