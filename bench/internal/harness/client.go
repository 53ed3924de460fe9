package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Library names a client library under load.
type Library string

// The libraries RunLoad and RunOutage compare.
const (
	Gatehouse Library = "gatehouse"
	XOAuth2   Library = "x/oauth2"
)

// margin is the early-expiry margin both libraries get for a token lifetime:
// gatehouse's default (DefaultExpiryMargin capped at a tenth of the
// lifetime), given to x/oauth2 with ReuseTokenSourceWithExpiry, whose own
// default (10 s) would make a 2 s token unusable from the start.
func margin(lifetime time.Duration) time.Duration {
	return min(outbound.DefaultExpiryMargin, lifetime/10)
}

// refreshInterval is how long a token is used before the library fetches
// the next one.
func refreshInterval(lib Library, lifetime time.Duration) time.Duration {
	if lib == Gatehouse {
		return lifetime - min(outbound.DefaultRefreshAhead, lifetime/2)
	}
	return lifetime - margin(lifetime)
}

// libClient is one library configured against a token endpoint, with the
// timing decorators around its own decorator.
type libClient struct {
	http     *http.Client
	api      *http.Transport
	tokenRT  *countingTransport
	tokenTr  *http.Transport
	src      *outbound.Source // gatehouse only
	oauthSrc oauth2.TokenSource
	started  atomic.Int64 // gatehouse fetches started (OnFetch)
	ended    atomic.Int64 // gatehouse fetches ended
}

// newLibClient builds lib's client for ts. conns sizes the API transport's
// idle pool, so that connection churn does not dominate. minBackoff of zero
// keeps gatehouse's default.
func newLibClient(lib Library, ts *tokenServer, conns int, minBackoff time.Duration) (*libClient, error) {
	c := &libClient{
		api:     &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute},
		tokenTr: &http.Transport{MaxIdleConnsPerHost: 4},
	}
	c.tokenRT = &countingTransport{next: c.tokenTr}
	tokenClient := &http.Client{Transport: c.tokenRT, Timeout: 30 * time.Second}
	inner := func(next http.RoundTripper) http.RoundTripper { return stampInner{next} }
	outer := func(next http.RoundTripper) http.RoundTripper { return stampOuter{next} }
	switch lib {
	case Gatehouse:
		c.src = outbound.NewSource(&outbound.ClientCredentials{
			TokenURL: ts.URL(), ClientID: clientID, ClientSecret: clientSecret, Client: tokenClient,
		}, &outbound.SourceOptions{
			ExpiryMargin: margin(ts.lifetime),
			MinBackoff:   minBackoff,
			OnFetch: func(ev outbound.FetchEvent) {
				if ev.Phase == outbound.FetchStarted {
					c.started.Add(1)
				} else {
					c.ended.Add(1)
				}
			},
		})
		c.http = &http.Client{Transport: outbound.Chain(c.api, outer, outbound.Bearer(c.src), inner)}
	case XOAuth2:
		cfg := &clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret,
			TokenURL: ts.URL(), AuthStyle: oauth2.AuthStyleInHeader}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, tokenClient)
		c.oauthSrc = oauth2.ReuseTokenSourceWithExpiry(nil, cfg.TokenSource(ctx), margin(ts.lifetime))
		c.http = &http.Client{Transport: outer(&oauth2.Transport{Source: c.oauthSrc, Base: inner(c.api)})}
	default:
		return nil, fmt.Errorf("harness: unknown library %q", lib)
	}
	c.http.Timeout = time.Minute
	return c, nil
}

// warm obtains the first token, so that the measured run starts warm.
func (c *libClient) warm(ctx context.Context) error {
	if c.src != nil {
		_, err := c.src.Token(ctx)
		return err
	}
	_, err := c.oauthSrc.Token()
	return err
}

// fetches is the library's own count of token fetches: gatehouse's
// Stats().Fetches, or the requests x/oauth2 sent to the token endpoint.
func (c *libClient) fetches() int64 {
	if c.src != nil {
		return c.src.Stats().Fetches
	}
	return c.tokenRT.n.Load()
}

// settle waits until no gatehouse background refresh is in flight, so that
// counts taken afterwards are final. x/oauth2 fetches only on callers'
// goroutines, so it is settled once they return.
func (c *libClient) settle() {
	for i := 0; i < 60_000 && c.started.Load() != c.ended.Load(); i++ {
		time.Sleep(time.Millisecond)
	}
}

func (c *libClient) close() {
	c.api.CloseIdleConnections()
	c.tokenTr.CloseIdleConnections()
}

// stamp carries one request's timing from the outer decorator to the inner.
// The worker that sends the request owns it, and RoundTrip runs on that
// worker's goroutine, so it needs no synchronisation.
type stamp struct {
	start   time.Time
	wait    time.Duration
	reached bool
}

type stampKey struct{}

// stampOuter sits outside the library's decorator and stamps the request.
type stampOuter struct{ next http.RoundTripper }

func (t stampOuter) RoundTrip(req *http.Request) (*http.Response, error) {
	if s, ok := req.Context().Value(stampKey{}).(*stamp); ok {
		s.start = time.Now()
	}
	return t.next.RoundTrip(req)
}

// stampInner sits between the library's decorator and the base transport and
// records how long the request took to get there: the token wait.
type stampInner struct{ next http.RoundTripper }

func (t stampInner) RoundTrip(req *http.Request) (*http.Response, error) {
	if s, ok := req.Context().Value(stampKey{}).(*stamp); ok {
		s.wait = time.Since(s.start)
		s.reached = true
	}
	return t.next.RoundTrip(req)
}

// get sends one GET carrying s and drains the answer.
func get(ctx context.Context, c *http.Client, url string, s *stamp) (int, error) {
	req, err := http.NewRequestWithContext(context.WithValue(ctx, stampKey{}, s), http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
