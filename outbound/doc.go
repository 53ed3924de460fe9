// Package outbound attaches credentials to the HTTP requests a program sends.
//
// Its pieces are http.RoundTripper decorators, composed with Chain:
//
//   - Bearer adds "Authorization: Bearer <token>" with a token from a Source,
//     and on a 401 from the API invalidates that token and retries once when
//     the request body can be replayed.
//   - Header and UserAgent set a fixed header, such as Asaas's access_token API
//     key and the User-Agent it requires.
//
// A Source caches the token a Fetcher returns and refreshes it ahead of
// expiry. A cached token is fresh until Expiry-RefreshAhead (then returned with
// one atomic load, no lock and no allocation), stale until Expiry-ExpiryMargin
// (still returned, while one background refresh runs), then expired. Every
// fetch goes through a singleflight group, so a thousand goroutines at expiry
// cause one call to the token endpoint; with refreshes ahead of expiry, none of
// them waits for it. Failed fetches back off exponentially with jitter and
// honour Retry-After; while a usable token exists, callers never see them.
//
// Two Fetchers cover the token endpoints of the supported providers:
// ClientCredentials for OAuth2's client credentials grant (Efí), and
// JSONFetcher for JSON logins that are not OAuth2 (SoPague, DiviPay, the
// Banking API). The packages under outbound/ (efi, sopague, divipay,
// bankingapi, asaas) configure them into a ready *http.Client per provider;
// outbound/mtls provides client certificates, and outbound/providertest fake
// providers for tests.
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
// message; errors.Is matches them against ErrInvalidCredentials, ErrForbidden,
// ErrRateLimited, ErrUnavailable and ErrInvalidResponse. No credential appears
// in an error, and Token, ClientCredentials and JSONFetcher redact their
// secrets when printed.
//
// A client for an OAuth2 API:
//
//	src := outbound.NewSource(&outbound.ClientCredentials{
//		TokenURL:     "https://auth.example.com/oauth/token",
//		ClientID:     os.Getenv("CLIENT_ID"),
//		ClientSecret: os.Getenv("CLIENT_SECRET"),
//	}, nil)
//	client := &http.Client{Transport: outbound.Chain(nil,
//		outbound.UserAgent("shop/1.0"),
//		outbound.Bearer(src),
//	)}
package outbound
