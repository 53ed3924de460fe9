package outbound

import (
	"context"
	"time"
)

// freshness is the one rule that tells a token's states apart: fresh until
// Expiry less RefreshAhead (at most half the token's lifetime), usable
// (stale) until Expiry less ExpiryMargin (at most a tenth of it), the
// lifetime counted from when the token was issued. A Source judges its
// cached token by it, and hands it to a Shared fetcher, which judges the
// stored token by the same rule (see ruleFetcher).
type freshness struct {
	refreshAhead, expiryMargin time.Duration
}

// limits returns how long after its issue a token of lifetime life is fresh,
// and how long it is usable.
func (r freshness) limits(life time.Duration) (fresh, usable time.Duration) {
	return life - min(r.refreshAhead, life/2), life - min(r.expiryMargin, life/10)
}

// ruleFetcher is implemented by Fetchers that judge tokens they did not fetch
// themselves (Shared, with the tokens of other processes). A Source calls
// fetchRule instead of Fetch, with its own rule, and learns when the token
// it gets was issued, so that it counts the token's lifetime from there, as
// the fetcher did, rather than from its arrival.
type ruleFetcher interface {
	fetchRule(ctx context.Context, r freshness) (tok Token, issued time.Time, err error)
}
