package inbound

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
)

// Defaults of JWKSOptions.
const (
	DefaultJWKSTimeout            = 10 * time.Second
	DefaultJWKSMinRefresh         = 5 * time.Minute
	DefaultJWKSMaxRefresh         = time.Hour
	DefaultJWKSUnknownKIDInterval = time.Minute
	DefaultJWKSMaxBodySize        = 1 << 20
)

// firstRetry is the first delay after a failed fetch; it doubles on each
// further failure up to MinRefresh.
const firstRetry = time.Second

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
}

// jwksKeySet is the KeySet JWKS returns.
type jwksKeySet struct {
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
	now        func() time.Time

	keys atomic.Pointer[keyMap] // nil until the first successful load

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	mu          sync.Mutex
	flight      *jwksFlight // the fetch in progress, if any
	lastUnknown time.Time   // when an unknown kid last caused a fetch
	failures    int         // consecutive failed fetches
	fetches     atomic.Int64
}

// jwksFlight is one fetch, shared by everyone who asks while it runs.
type jwksFlight struct {
	done chan struct{}
	err  error
	next time.Duration // when the background loop should fetch again
}

// JWKS returns a KeySet that serves the JSON Web Key Set published at url
// (RFC 7517), as OpenID Connect providers do at their jwks_uri.
//
// The set is fetched once here. If that fails, JWKS still succeeds: Key
// reports ErrKeySetUnavailable (503 key_set_unavailable) while background
// retries go on, until a fetch succeeds. The set is then refreshed in the
// background (see JWKSOptions); a failed refresh keeps the last good keys.
// A token whose kid is unknown causes at most one fetch per
// UnknownKIDInterval, shared by all such tokens meanwhile (they wait for it,
// each on its own context); requests for known kids never wait for a fetch.
//
// Keys are parsed with github.com/MicahParks/jwkset. RSA (>= 2048 bits), EC
// (P-256, P-384, P-521) and OKP Ed25519 keys are used; "oct" keys only with
// AllowSymmetric. Keys with "use" other than "sig", with "key_ops" lacking
// "verify", with an "alg" that is not a supported JWS algorithm, or sharing
// their kid with another key are skipped (and reported to OnError). A key
// with an "alg" is only ever used with that algorithm.
//
// The returned KeySet also implements io.Closer: Close stops the background
// goroutine and waits for it.
func JWKS(rawURL string, opts *JWKSOptions) (KeySet, error) {
	var o JWKSOptions
	if opts != nil {
		o = *opts
	}
	u, err := checkJWKSOptions(rawURL, &o)
	if err != nil {
		return nil, err
	}
	s := &jwksKeySet{
		url:        rawURL,
		safeURL:    u.Scheme + "://" + u.Host + u.Path,
		client:     o.Client,
		timeout:    o.Timeout,
		minRefresh: o.MinRefresh,
		maxRefresh: o.MaxRefresh,
		unknownInt: o.UnknownKIDInterval,
		allowSym:   o.AllowSymmetric,
		maxBody:    o.MaxBodySize,
		onError:    o.OnError,
		now:        time.Now,
	}
	if s.client == nil {
		s.client = http.DefaultClient
	}
	// Redirects must not downgrade the fetch to plain HTTP either.
	c := *s.client
	userCheck := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !secureURL(req.URL, o.AllowInsecureHTTP) {
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
	s.client = &c
	if s.timeout == 0 {
		s.timeout = DefaultJWKSTimeout
	}
	if s.minRefresh == 0 {
		s.minRefresh = DefaultJWKSMinRefresh
	}
	if s.maxRefresh == 0 {
		s.maxRefresh = DefaultJWKSMaxRefresh
	}
	if s.unknownInt == 0 {
		s.unknownInt = DefaultJWKSUnknownKIDInterval
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultJWKSMaxBodySize
	}
	parent := o.Context
	if parent == nil {
		parent = context.Background()
	}
	s.ctx, s.cancel = context.WithCancel(parent)

	f := s.startFlight()
	<-f.done
	s.wg.Add(1)
	go s.run(f.next)
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

// Key implements KeySet.
func (s *jwksKeySet) Key(ctx context.Context, kid, alg string) (any, error) {
	m := s.keys.Load()
	if m == nil {
		// Never loaded: try again now rather than at the next scheduled
		// retry (up to MinRefresh away), without making this caller wait,
		// and at most once per UnknownKIDInterval.
		s.unknownKIDFlight()
		return nil, ErrKeySetUnavailable
	}
	k, err := m.lookup(kid, alg)
	if err != ErrUnknownKey || kid == "" {
		return k, err
	}
	f := s.unknownKIDFlight()
	if f == nil {
		return nil, ErrUnknownKey
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ErrUnknownKey
	}
	return s.keys.Load().lookup(kid, alg)
}

func (s *jwksKeySet) nameOf(key any) string {
	if m := s.keys.Load(); m != nil {
		return m.nameOf(key)
	}
	return ""
}

// Close stops background refreshing and waits for the goroutines of the set
// to end. Key keeps serving the last keys. Close always returns nil.
func (s *jwksKeySet) Close() error {
	s.once.Do(func() {
		// Cancelled under mu, so that startFlight either sees the end or has
		// already registered its goroutine with wg before Wait starts.
		s.mu.Lock()
		s.cancel()
		s.mu.Unlock()
		s.wg.Wait()
	})
	return nil
}

// String describes the set without its keys.
func (s *jwksKeySet) String() string {
	return "inbound.JWKS(" + s.safeURL + ": " + describeKeys(s.keys.Load()) + ")"
}

// GoString is String.
func (s *jwksKeySet) GoString() string { return s.String() }

// Format prints String for every verb, so that no formatting reaches key
// material or the URL's query.
func (s *jwksKeySet) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// unknownKIDFlight returns the fetch an unknown kid may wait for: the one in
// progress, or a new one if none ran for that reason within the interval.
// Nil means the caller must give up at once.
func (s *jwksKeySet) unknownKIDFlight() *jwksFlight {
	s.mu.Lock()
	if f := s.flight; f != nil {
		s.mu.Unlock()
		return f
	}
	now := s.now()
	if !s.lastUnknown.IsZero() && now.Sub(s.lastUnknown) < s.unknownInt {
		s.mu.Unlock()
		return nil
	}
	s.lastUnknown = now
	s.mu.Unlock()
	return s.startFlight()
}

// startFlight joins the fetch in progress or starts one. The fetch runs on the
// set's own context, so a caller that gives up cancels nobody else. After
// Close it returns a flight that is already done.
func (s *jwksKeySet) startFlight() *jwksFlight {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flight != nil {
		return s.flight
	}
	f := &jwksFlight{done: make(chan struct{})}
	if s.ctx.Err() != nil {
		f.err = s.ctx.Err()
		close(f.done)
		return f
	}
	s.flight = f
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		next, err := s.fetch()
		s.mu.Lock()
		f.err, f.next = err, next
		if err == nil {
			s.failures = 0
		} else {
			s.failures++
			f.next = s.retryDelay()
		}
		s.flight = nil
		s.mu.Unlock()
		close(f.done)
	}()
	return f
}

// retryDelay is called with s.mu held after a failed fetch: exponential from
// firstRetry, capped at MinRefresh, with jitter in [d/2, d] so that a fleet of
// servers does not retry in step.
func (s *jwksKeySet) retryDelay() time.Duration {
	next := firstRetry
	for i := 1; i < s.failures && next < s.minRefresh; i++ {
		next *= 2
	}
	d := min(next, s.minRefresh)
	return d/2 + rand.N(d/2+1)
}

// secureURL reports whether keys may be fetched from u: over https, or over
// http from a loopback host or when the caller allowed it.
func secureURL(u *url.URL, allowInsecure bool) bool {
	if u.Scheme == "https" || allowInsecure {
		return true
	}
	if u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// run refreshes the set in the background until the context is done.
func (s *jwksKeySet) run(next time.Duration) {
	defer s.wg.Done()
	t := time.NewTimer(next)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		f := s.startFlight()
		select {
		case <-s.ctx.Done():
			return
		case <-f.done:
		}
		t.Reset(f.next)
	}
}

// fetch loads the set once and, on success, swaps it in and returns when to
// refresh next.
func (s *jwksKeySet) fetch() (time.Duration, error) {
	s.fetches.Add(1)
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	body, maxAge, err := s.get(ctx)
	if err != nil {
		s.report(err)
		return 0, err
	}
	entries, skipped, err := parseJWKS(body, s.allowSym)
	for _, e := range skipped {
		s.report(fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, e))
	}
	if err != nil {
		err = fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
		s.report(err)
		return 0, err
	}
	s.keys.Store(reuseKeys(s.keys.Load(), entries))
	return s.clampRefresh(maxAge), nil
}

func (s *jwksKeySet) report(err error) {
	if s.onError != nil {
		s.onError(err)
	}
}

// clampRefresh turns a max-age (negative when absent) into the next refresh.
func (s *jwksKeySet) clampRefresh(maxAge time.Duration) time.Duration {
	if maxAge < 0 {
		return s.maxRefresh
	}
	return min(max(maxAge, s.minRefresh), s.maxRefresh)
}

// get fetches the document; maxAge is -1 without a usable Cache-Control.
func (s *jwksKeySet) get(ctx context.Context) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error repeats the full URL, query included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, -1, fmt.Errorf("inbound: JWKS %s: %w", s.safeURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, s.maxBody))
		return nil, -1, fmt.Errorf("inbound: JWKS %s: status %d", s.safeURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxBody+1))
	if err != nil {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: reading the body: %w", s.safeURL, err)
	}
	if int64(len(body)) > s.maxBody {
		return nil, -1, fmt.Errorf("inbound: JWKS %s: body larger than %d bytes", s.safeURL, s.maxBody)
	}
	return body, maxAge(resp.Header.Get("Cache-Control")), nil
}

// maxAge parses the max-age directive of a Cache-Control value; no-store and
// no-cache count as 0 (refresh as often as allowed), absence as -1.
func maxAge(cc string) time.Duration {
	age := time.Duration(-1)
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		name, val, _ := strings.Cut(d, "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
			if err == nil && n >= 0 {
				age = time.Duration(min(n, int64(365*24*3600))) * time.Second
			}
		}
	}
	return age
}

// reuseKeys keeps the previous entry (and so the same key object) for every
// key that did not change, so that the verified-token cache, which compares
// key identities, survives refreshes.
func reuseKeys(old *keyMap, entries []*keyEntry) *keyMap {
	if old != nil {
		for i, e := range entries {
			if o, ok := old.byKID[e.kid]; ok && e.kid != "" && o.alg == e.alg && equalKey(o.key, e.key) {
				entries[i] = o
			}
		}
	}
	return newKeyMap(entries)
}

// parseJWKS parses a JWK Set document into usable verification keys. skipped
// lists keys left out and why; err is set when the document is malformed or
// holds no usable key.
func parseJWKS(data []byte, allowSym bool) (entries []*keyEntry, skipped []error, err error) {
	// Read as strictly as tokens are (no duplicate names, valid UTF-8).
	doc, err := parseJSONObject(string(data))
	if err != nil {
		return nil, nil, fmt.Errorf("the document is not a JWK Set: %w", err)
	}
	raw, present := doc["keys"]
	if !present {
		return nil, nil, errors.New("the document has no \"keys\" member")
	}
	keys, ok := raw.([]any)
	if !ok {
		return nil, nil, errors.New("the document's \"keys\" member is not an array")
	}
	count := map[string]int{}
	for i, raw := range keys {
		e, err := parseJWK(raw, allowSym)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("key %d skipped: %w", i, err))
			continue
		}
		entries = append(entries, e)
		count[e.kid]++
	}
	// Two keys under one kid make the kid ambiguous: use neither.
	kept := entries[:0]
	for _, e := range entries {
		if e.kid != "" && count[e.kid] > 1 {
			skipped = append(skipped, fmt.Errorf("kid %q skipped: it names several keys", e.kid))
			continue
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return nil, skipped, errors.New("the document holds no usable signature verification key")
	}
	return kept, skipped, nil
}

// jwkMembers are the member names jwkset reads. encoding/json would match
// them case-insensitively ("KTY" as "kty"); a JWK that spells one so is
// skipped instead.
var jwkMembers = [...]string{"kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
	"crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "r", "t", "k"}

// parseJWK turns one JWK into a key entry, applying the skip rules of JWKS.
func parseJWK(raw any, allowSym bool) (*keyEntry, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	for name := range obj {
		for _, want := range jwkMembers {
			if name != want && strings.EqualFold(name, want) {
				return nil, fmt.Errorf("member name differs from %q only in case", want)
			}
		}
	}
	// Exact names now: encoding/json's folding cannot change the reading.
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, errors.New("not a JSON object")
	}
	var m jwkset.JWKMarshal
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, errors.New("a member has the wrong type")
	}
	if m.USE != "" && m.USE != jwkset.UseSig {
		return nil, fmt.Errorf("use %q", m.USE)
	}
	if m.KEYOPS != nil {
		verify := false
		for _, op := range m.KEYOPS {
			verify = verify || op == jwkset.KeyOpsVerify
		}
		if !verify {
			return nil, errors.New("key_ops lacks \"verify\"")
		}
	}
	alg := string(m.ALG)
	if alg != "" && signingMethod(alg) == nil {
		return nil, fmt.Errorf("alg %q is not a supported JWS algorithm", alg)
	}
	oct := m.KTY == jwkset.KtyOct
	if oct && !allowSym {
		return nil, errors.New("symmetric (oct) key, and AllowSymmetric is off")
	}
	switch m.KTY {
	case jwkset.KtyRSA, jwkset.KtyEC, jwkset.KtyOKP, jwkset.KtyOct:
	default:
		return nil, fmt.Errorf("unsupported kty %q", m.KTY)
	}
	// Private members of asymmetric keys are ignored: only the public key is
	// read. For oct, "k" is the key itself.
	if !oct {
		m.D, m.P, m.Q, m.DP, m.DQ, m.QI, m.OTH = "", "", "", "", "", "", nil
	}
	j, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{Private: oct}, jwkset.JWKValidateOptions{})
	if err != nil {
		// jwkset's messages describe parameters, never their values.
		return nil, fmt.Errorf("invalid key: %w", err)
	}
	key, err := checkKey(j.Key())
	if err != nil {
		return nil, err
	}
	if alg != "" && !keyFitsAlg(key, alg) {
		return nil, fmt.Errorf("the key does not fit its alg %q", alg)
	}
	return &keyEntry{kid: m.KID, key: key, alg: alg}, nil
}
