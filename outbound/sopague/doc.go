// Package sopague is a ready client for SoPague's Gateway API and its other
// ("Integration") APIs.
//
// SoPague is not OAuth2: the client logs in with a JSON body
// {"userName", "password"} and receives {"authenticated", "created",
// "expiration", "accessToken", "message"}. The token's lifetime is taken as
// expiration minus created, both on SoPague's clock, so a skewed local clock
// does not shorten or stretch it; it is renewed ahead of expiry as SoPague
// asks integrators to do.
//
//	client, err := sopague.New(sopague.Config{
//		Environment: sopague.Production,
//		API:         sopague.Gateway,
//		UserName:    os.Getenv("SOPAGUE_USERNAME"),
//		Password:    os.Getenv("SOPAGUE_PASSWORD"),
//	})
//
// The client sends its credentials only to the configured base URL's host; a
// request for any other host fails with outbound.ErrHostNotAllowed.
package sopague
