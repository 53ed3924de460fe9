// Package inbound checks the credentials of requests a server receives.
//
// A [Validator] looks at one *http.Request and returns the authenticated
// [Principal], or an [*Error] that says how to refuse it: the HTTP status, a
// stable machine-readable code (the Code constants), a description that is
// safe to show the client (never the credential itself), the cause for logs,
// and which WWW-Authenticate challenge to send. Validators speak net/http
// only; package middleware turns one into a Guard, and the adapters wrap the
// Guard for net/http, gin and echo.
//
// # Bearer JWTs
//
// [BearerJWT] validates `Authorization: Bearer <JWT>`. It is strict where
// verifiers are known to go wrong: an algorithm allowlist is required
// ("none" can never be allowed) and a key is only ever used with an
// algorithm of its own type, so the HS256-with-the-RSA-key confusion is
// impossible by construction; the header and claims are parsed strictly
// (exact member names, valid UTF-8, no duplicate names), so that no two
// verifiers read one token two ways; issuer and audience are checked before
// any key is looked up. Its doc lists every check in order. Signatures are
// checked with the standard library's crypto primitives directly, HMAC
// without allocating.
//
// Keys come from a [KeySet]: [StaticKeys] for keys known in advance, or
// [JWKS] for an issuer's published JWK Set, which a [JWKSet] keeps fresh in
// the background and which lets a token with a just-rotated kid cause at most
// one refetch per interval. Weak keys (short RSA or HMAC, small RSA
// exponents, EC points off their curve, Ed25519 keys of small order) are
// refused where a set is built, never at request time.
//
// A token that fully verified is remembered in a bounded cache until its
// exp: presenting it again costs a map lookup instead of a signature
// verification. Every hit re-checks exp and nbf and asks the KeySet whether
// the token's key is still the same, so a key removed from a JWKS also
// revokes its cached tokens.
//
// # API keys and User-Agent
//
// [APIKey] validates a static key sent in a header (by default
// `access_token`, the Asaas convention) against a [KeyStore], which sees only
// the key's SHA-256 hash: [HashedKeys] keeps hashes, never keys, and a
// database-backed store can do the same. Key prefixes map to environments
// (e.g. "$aact_prod_" to production), and a key of another environment than
// the server's is refused before any lookup. [UserAgent] refuses requests
// without a User-Agent. [All] combines validators: every one must pass, in
// order, and the first Principal wins.
//
// # Proof of possession
//
// A bearer token works for whoever holds it. Two options of [JWTOptions] bind
// a token to a key its client must prove it holds, on every request, also
// when the token comes from the verified-token cache:
//
//   - CertificateBound (RFC 8705): the token's cnf.x5t#S256 must be the
//     SHA-256 thumbprint of the request's TLS client certificate, or of the
//     certificate a reverse proxy listed in ClientCertProxies forwards in the
//     RFC 9440 Client-Cert header (from anyone else the header is ignored).
//   - DPoP (RFC 9449, [DPoPOptions]): `Authorization: DPoP <token>` with a
//     DPoP header holding a proof JWT signed by the key whose RFC 7638
//     thumbprint is the token's cnf.jkt: typ dpop+jwt, an asymmetric
//     algorithm, a public jwk, htm and htu naming this request, a recent iat,
//     ath the token's hash, and a jti never seen before. A [ReplayCache]
//     remembers the jti values; the default is in-process and bounded, and
//     the redisstore module shares one between replicas. A DPoP-bound token
//     sent as a Bearer token is refused.
//
// Proof problems are 401 invalid_dpop_proof (or use_dpop_nonce, with the
// server's nonce, when [DPoPOptions].Nonces is set) with a
// `WWW-Authenticate: DPoP` challenge; the middleware renders it.
//
// # Network policy
//
// [IPAllowlist] admits only clients whose address lies in the allowed
// prefixes (403 ip_not_allowed otherwise). The client is the TCP peer unless
// the peer is one of IPOptions.TrustedProxies; then X-Forwarded-For and
// Forwarded are read from the right, past the trusted proxies, and a header
// sent by anyone else changes nothing. Combine it with a credential check:
// All(IPAllowlist(...), BearerJWT(...)).
//
// # Errors
//
// Each refusal is an *Error whose Code is one of the constants of this
// package, with its status: 401 missing_token (no credential), 400
// invalid_request (malformed Authorization), 401 invalid_token,
// token_expired, token_not_yet_valid, invalid_issuer, invalid_audience and
// unknown_key, 403 insufficient_scope, 503 key_set_unavailable (a JWKS that
// never loaded), the API-key codes, 403 ip_not_allowed, 401
// invalid_dpop_proof and use_dpop_nonce, and 503 replay_cache_unavailable. Match on Code or use errors.Is with an
// *Error of that code; never on the text.
//
// Constructors report configuration mistakes, all of them at once, as errors
// that wrap [ErrInvalidConfig].
//
// # Example
//
//	keys, err := inbound.JWKS("https://auth.example.com/.well-known/jwks.json", nil)
//	if err != nil {
//		return err
//	}
//	defer keys.Close() // stops the background refresh
//	v, err := inbound.BearerJWT(inbound.JWTOptions{
//		Keys:       keys,
//		Algorithms: []string{"RS256"},
//		Issuer:     "https://auth.example.com",
//		Audience:   "payments-api",
//	})
//	if err != nil {
//		return err
//	}
//	p, err := v.Validate(r) // p.Subject, p.Scopes, p.Claims; or an *inbound.Error
package inbound
