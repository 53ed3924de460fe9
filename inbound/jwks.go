package inbound

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of JWKSOptions.
const (
	DefaultJWKSTimeout            = 10 * time.Second
	DefaultJWKSMinRefresh         = 5 * time.Minute
	DefaultJWKSMaxRefresh         = time.Hour
	DefaultJWKSUnknownKIDInterval = time.Minute
	DefaultJWKSMaxBodySize        = 1 << 20
)

// JWKSOptions configures JWKS. A nil *JWKSOptions, and every zero field, means
// the documented default.
type JWKSOptions struct {
	// Client fetches the key set. Nil means http.DefaultClient. Give one with
	// a custom Transport for proxies, private CAs or mTLS.
	Client *http.Client

	// Timeout bounds one fetch. Default DefaultJWKSTimeout (10 s).
	Timeout time.Duration

	// MinRefresh and MaxRefresh bound the refresh interval: the key set is
	// fetched again after the response's Cache-Control max-age, clamped to
	// [MinRefresh, MaxRefresh], or after MaxRefresh without max-age. Defaults
	// 5 minutes and 1 hour. After a failed fetch the set is retried sooner
	// (from 1 s, doubling up to MinRefresh) while the last good keys stay in
	// use.
	MinRefresh, MaxRefresh time.Duration

	// UnknownKIDInterval is the least time between two fetches caused by
	// tokens with an unknown kid (a key the issuer just rotated in). Tokens
	// with unknown kids arriving in between are refused with unknown_key at
	// once, so a flood of made-up kids costs the issuer at most one request
	// per interval. Default DefaultJWKSUnknownKIDInterval (1 minute).
	UnknownKIDInterval time.Duration

	// AllowInsecureHTTP allows an http:// URL (and redirects to one) for a
	// host that is not loopback. Off by default: whoever can intercept a key
	// set fetched over plain HTTP can insert a signing key of their own.
	// Loopback hosts (127.0.0.0/8, ::1, localhost) are always allowed, for
	// tests and sidecars.
	AllowInsecureHTTP bool

	// AllowSymmetric uses "oct" (HMAC) keys found in the set. Off by default:
	// a published key set should hold public keys only, and an HMAC secret in
	// it is a secret everyone can read.
	AllowSymmetric bool

	// MaxBodySize caps the response body. Default 1 MiB.
	MaxBodySize int64

	// Context bounds the key set's lifetime: when it is done, background
	// refreshing stops, as with Close. Nil means context.Background().
	Context context.Context

	// OnError, if set, is called with every failed fetch and every key of
	// the set that was skipped, for logs and metrics. Only one fetch runs at
	// a time, so calls for one set never overlap. The error never holds key
	// material, nor the URL's query or user info.
	OnError func(error)

	// OnFetch, if set, is called after every fetch of the set, successful
	// or not, with its outcome: for metrics such as a count of fetches by
	// outcome and their duration. Like OnError, calls for one set never
	// overlap; it runs on the fetch's goroutine, so keep it fast.
	OnFetch func(JWKSFetch)
}

// JWKSFetch is the outcome of one fetch of a JWK Set, for
// JWKSOptions.OnFetch. It holds no key material.
type JWKSFetch struct {
	// URL is the set's URL without user info or query.
	URL string
	// Duration is how long the fetch took, parsing included.
	Duration time.Duration
	// Keys is the number of usable keys the fetch found; 0 when it failed.
	Keys int
	// Skipped is the number of keys left out (each reported to OnError).
	Skipped int
	// Err is why the fetch failed (the last good keys stay in use), or nil.
	Err error
}

// LogValue renders the outcome for log/slog.
func (f JWKSFetch) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("url", f.URL),
		slog.Duration("duration", f.Duration),
		slog.Int("keys", f.Keys),
		slog.Int("skipped", f.Skipped),
	}
	if f.Err != nil {
		attrs = append(attrs, slog.String("error", f.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// JWKSet is the KeySet JWKS returns: a JSON Web Key Set fetched from its URL
// and refreshed in the background by a goroutine of its own, which Close
// stops. It is safe for concurrent use.
type JWKSet struct {
	url        string
	safeURL    string // for messages: no user info, no query
	client     *http.Client
	timeout    time.Duration
	minRefresh time.Duration
	maxRefresh time.Duration
	unknownInt time.Duration
	allowSym   bool
	maxBody    int64
	onError    func(error)
	onFetch    func(JWKSFetch)
	now        func() time.Time

	keys atomic.Pointer[keyMap] // nil until the first successful load

	ctx    context.Context // the set's lifetime; fetches run on it
	cancel context.CancelFunc
	wg     sync.WaitGroup // the refresh loop and the fetch in progress
	once   sync.Once

	group singleflight.Group // one fetch at a time, shared by all who ask

	mu          sync.Mutex
	closed      bool
	fetching    bool      // a fetch is running
	lastUnknown time.Time // when an unknown kid last caused a fetch
	failures    int       // consecutive failed fetches
	fetches     atomic.Int64
}

// JWKS returns the JSON Web Key Set published at url (RFC 7517), as OpenID
// Connect providers do at their jwks_uri, as a KeySet for BearerJWT.
//
// The set is fetched once here. If that fails, JWKS still succeeds: Key
// reports ErrKeySetUnavailable (503 key_set_unavailable) while background
// retries go on, until a fetch succeeds. The set is then refreshed in the
// background (see JWKSOptions); a failed refresh keeps the last good keys.
// A token whose kid is unknown causes at most one fetch per
// UnknownKIDInterval, shared by all such tokens meanwhile (they wait for it,
// each on its own context); requests for known kids never wait for a fetch.
//
// The document is read as strictly as tokens are. RSA (>= 2048 bits,
// exponent >= 65537), EC (P-256, P-384, P-521, on the curve) and OKP Ed25519
// keys (not of small order) are used; "oct" keys only with AllowSymmetric.
// Keys with "use" other than "sig", with "key_ops" lacking "verify", with an
// "alg" that is not a supported JWS algorithm or does not fit the key, with
// a member name in another case ("KTY") or of the wrong type, with
// non-canonical or padded base64url, with RSA integers that have leading
// zeros, with private members (such a key has leaked), with certificates
// (x5c) that do not hold the key, weak, or sharing their kid with another
// key are skipped (and reported to OnError). A key with an "alg" is only
// ever used with that algorithm.
//
// The set owns a goroutine: Close it (or cancel JWKSOptions.Context) when
// done with it.
func JWKS(rawURL string, opts *JWKSOptions) (*JWKSet, error) {
	var o JWKSOptions
	if opts != nil {
		o = *opts
	}
	u, err := checkJWKSOptions(rawURL, &o)
	if err != nil {
		return nil, err
	}
	s := &JWKSet{
		url:        rawURL,
		safeURL:    u.Scheme + "://" + u.Host + u.Path,
		client:     noDowngrade(cmp.Or(o.Client, http.DefaultClient), o.AllowInsecureHTTP),
		timeout:    cmp.Or(o.Timeout, DefaultJWKSTimeout),
		minRefresh: cmp.Or(o.MinRefresh, DefaultJWKSMinRefresh),
		maxRefresh: cmp.Or(o.MaxRefresh, DefaultJWKSMaxRefresh),
		unknownInt: cmp.Or(o.UnknownKIDInterval, DefaultJWKSUnknownKIDInterval),
		allowSym:   o.AllowSymmetric,
		maxBody:    cmp.Or(o.MaxBodySize, DefaultJWKSMaxBodySize),
		onError:    o.OnError,
		onFetch:    o.OnFetch,
		now:        time.Now,
	}
	s.ctx, s.cancel = context.WithCancel(cmp.Or(o.Context, context.Background()))
	res := <-s.fetchChan()
	s.wg.Add(1)
	go s.run(res.Val.(time.Duration))
	return s, nil
}

// checkJWKSOptions reports every mistake in the URL and options at once.
func checkJWKSOptions(rawURL string, o *JWKSOptions) (*url.URL, error) {
	var errs []error
	bad := func(msg string) { errs = append(errs, newConfigError("JWKS", msg)) }
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		bad("the URL must be an absolute http or https URL")
	case !secureURL(u, o.AllowInsecureHTTP):
		bad("the URL must be https (or set AllowInsecureHTTP)")
	}
	if o.Timeout < 0 || o.MinRefresh < 0 || o.MaxRefresh < 0 || o.UnknownKIDInterval < 0 || o.MaxBodySize < 0 {
		bad("durations and sizes must not be negative")
	}
	minR, maxR := cmp.Or(o.MinRefresh, DefaultJWKSMinRefresh), cmp.Or(o.MaxRefresh, DefaultJWKSMaxRefresh)
	if maxR < minR {
		bad("MaxRefresh is shorter than MinRefresh")
	}
	return u, errors.Join(errs...)
}

// noDowngrade returns a copy of c whose redirects never lead to plain HTTP
// either.
func noDowngrade(c *http.Client, allowInsecure bool) *http.Client {
	cc := *c
	userCheck := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !secureURL(req.URL, allowInsecure) {
			return errors.New("inbound: JWKS: redirect to a plain-HTTP URL refused")
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return errors.New("inbound: JWKS: stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

// Key implements KeySet.
func (s *JWKSet) Key(ctx context.Context, kid, alg string) (any, error) {
	m := s.keys.Load()
	if m == nil {
		// Never loaded: try again now rather than at the next scheduled
		// retry (up to MinRefresh away), without making this caller wait,
		// and at most once per UnknownKIDInterval.
		s.unknownKIDFetch()
		return nil, ErrKeySetUnavailable
	}
	k, err := m.lookup(kid, alg)
	if err != ErrUnknownKey || kid == "" {
		return k, err
	}
	if done := s.unknownKIDFetch(); done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ErrUnknownKey
		}
	}
	// Looked up again also without a fetch of our own: one may have ended
	// since the first lookup.
	return s.keys.Load().lookup(kid, alg)
}

func (s *JWKSet) nameOf(key any) string {
	if m := s.keys.Load(); m != nil {
		return m.nameOf(key)
	}
	return ""
}

// Refresh fetches the set now, or joins the fetch in progress, and waits for
// it or for ctx. A failed fetch keeps the last good keys and returns the
// error (also reported to OnError). After Close it returns an error at once.
func (s *JWKSet) Refresh(ctx context.Context) error {
	select {
	case res := <-s.fetchChan():
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops background refreshing and waits for the set's goroutines to
// end. Key keeps serving the last keys. Close always returns nil.
func (s *JWKSet) Close() error {
	s.once.Do(func() {
		// Marked closed under mu, so that a fetch either sees it or has
		// registered itself with wg before Wait starts.
		s.mu.Lock()
		s.closed = true
		s.cancel()
		s.mu.Unlock()
		s.wg.Wait()
	})
	return nil
}

// String describes the set without its keys.
func (s *JWKSet) String() string {
	return "inbound.JWKS(" + s.safeURL + ": " + describeKeys(s.keys.Load()) + ")"
}

// GoString is String.
func (s *JWKSet) GoString() string { return s.String() }

// Format prints String for every verb, so that no formatting reaches key
// material or the URL's query.
func (s *JWKSet) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
