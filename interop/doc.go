// Package interop tests gatehouse against implementations it did not write:
// a real OAuth2 server and a JOSE library that other Go programs use. The
// package has no API; its tests are the point.
//
// Our own fakes (outbound/providertest) and our own verifiers agree with
// our own signers by construction; a misreading of an RFC shared by both
// sides passes every such test. Here the other side is third-party code:
//
//   - github.com/ory/fosite, the OAuth2 server library behind Ory Hydra,
//     issues tokens to outbound.ClientCredentials with private_key_jwt
//     client authentication (RFC 7523 §2.2) and checks them with its own
//     introspection, for RS256, PS256 and ES256 assertions.
//   - github.com/go-jose/go-jose/v4 verifies the DPoP proofs that
//     outbound.DPoPProver and the outbound.DPoP decorator sign (signature
//     over the embedded key, typ, claims, RFC 7638 thumbprint, ath), and
//     signs the tokens and proofs that inbound's DPoP check must accept,
//     or refuse when they do not match.
//
// It is a module of its own so that fosite's dependency graph stays out of
// the core module's.
package interop
