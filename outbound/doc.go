// Package outbound attaches credentials to the HTTP requests a program sends.
//
// Its pieces are http.RoundTripper decorators, composed with Chain:
//
//   - Bearer adds "Authorization: Bearer <token>" with a token from a Source,
//     and on a 401 from the API invalidates that token and retries once when
//     the request body can be replayed.
//   - Header and UserAgent set a fixed header, such as Asaas's access_token API
//     key and the User-Agent it requires.
//   - AllowHosts refuses requests to any host not listed, before anything is
//     sent.
//   - DPoP sends DPoP-bound tokens (RFC 9449) with a proof per request,
//     signed by a DPoPProver's key, and handles the server's nonces.
//
// # Tokens and their states
//
// A Source caches the token a Fetcher returns and refreshes it ahead of
// expiry. A cached token is in one of three states:
//
//   - fresh, until Expiry-RefreshAhead: returned with one atomic load, no lock
//     and no allocation;
//   - stale, until Expiry-ExpiryMargin: still returned, while one background
//     refresh runs;
//   - expired: not used; callers wait for a fetch, each on its own context.
//
// Every fetch goes through a singleflight group (one flight at a time,
// which every caller without a usable token joins, each waiting on its own
// context), so a thousand goroutines at expiry cause one call to the token
// endpoint; with refreshes ahead of expiry, none of them waits for it. Failed fetches back off exponentially
// (from MinBackoff, with jitter above it) and honour Retry-After; while a
// usable token exists, callers never see them. With the default clock these
// thresholds are kept on the monotonic clock, so a step of the wall clock
// moves none of them; an injected clock that steps back makes a token's age
// unknown, and the token is refreshed.
//
// Two Fetchers cover the token endpoints of the supported providers:
// ClientCredentials for OAuth2's client credentials grant (Efí), and
// JSONFetcher for JSON logins that are not OAuth2 (SoPague, DiviPay, the
// Banking API). Their Validate methods report every configuration error at
// once. A token value that cannot be sent in a header (control bytes, DEL),
// an empty one, or a token_type other than Bearer (or DPoP, when the request
// carried a DPoP proof) is refused on arrival with ErrInvalidResponse, never
// cached or sent.
//
// ClientCredentials authenticates the client with a secret (HTTP Basic or in
// the body), with a signed JWT instead of a secret (AuthPrivateKeyJWT and a
// ClientAssertion, RFC 7523, keys from PEM with ParsePrivateKeyPEM or from
// the PFX that outbound/mtls reads), or with the mTLS certificate alone
// (AuthTLSClient, RFC 8705). With DPoP set to a DPoPProver it asks for a
// token bound to the prover's key. The packages under outbound/
// (efi, sopague, divipay, bankingapi, asaas) configure them into a ready
// *http.Client per provider; outbound/mtls provides client certificates, and
// outbound/providertest fake providers for tests.
//
// # Keeping credentials secret
//
// Bearer and Header never attach their credential to a request that follows a
// redirect to another scheme, host or port than the client first sent it to,
// as net/http does for an Authorization header the caller set.
//
// Replicas of a service that use one credential can share its token: Shared
// wraps the provider's Fetcher with a Store (outbound/redisstore on Redis,
// MemoryStore within one process), so that the whole fleet makes one token
// request per refresh cycle instead of one per replica, with one process
// fetching under a lease while the others wait for its token. The Source
// above is unchanged, so a fresh token still costs one atomic load; a store
// that fails or is slow makes a replica fetch for itself, never fail; tokens
// can be sealed in the store with AES-256-GCM; CredentialKey names a
// credential's token without holding a secret.
//
// Failures are *Error values carrying the provider's status, error code and
// message; errors.Is matches them against ErrInvalidCredentials,
// ErrForbidden, ErrRateLimited, ErrUnavailable, ErrTLSConfig and
// ErrInvalidResponse. The provider's text is scrubbed of every secret the
// token request sent, as some endpoints echo the rejected value.
//
// Token, ClientCredentials, JSONFetcher and the presets' Configs redact their
// secrets in every fmt verb, in slog (LogValue) and in encoding/json
// (MarshalJSON), so that they stay redacted also when nested inside another
// value that slog's JSON handler or encoding/json prints field by field.
//
// A client for an OAuth2 API:
//
//	src := outbound.NewSource(&outbound.ClientCredentials{
//		TokenURL:     "https://auth.example.com/oauth/token",
//		ClientID:     os.Getenv("CLIENT_ID"),
//		ClientSecret: os.Getenv("CLIENT_SECRET"),
//	}, nil)
//	client := &http.Client{Transport: outbound.Chain(nil,
//		outbound.AllowHosts("api.example.com"),
//		outbound.UserAgent("shop/1.0"),
//		outbound.Bearer(src),
//	)}
package outbound
