package outbound

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/textproto"
)

// Chain returns base wrapped in decorators, the first outermost:
// Chain(base, a, b) is a(b(base)), so a request passes through a, then b,
// then base. A nil base means http.DefaultTransport.
func Chain(base http.RoundTripper, decorators ...func(http.RoundTripper) http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	rt := base
	for i := len(decorators) - 1; i >= 0; i-- {
		rt = decorators[i](rt)
	}
	return rt
}

// Bearer returns a decorator that authorizes each request with a token from
// src, as "Authorization: <Type> <Value>".
//
// Unlike the net/http RoundTripper guidance, which leaves authentication to
// higher layers, Bearer deliberately handles it: when the API answers 401, it
// invalidates the token it sent and, if the request body can be replayed (Body
// is nil or http.NoBody, or GetBody is set, as http.NewRequest does for
// in-memory bodies), drains and closes the 401 response and retries once with
// a new token. Otherwise the 401 response is returned as is.
//
// A token stays on its host: a request that follows a redirect to another
// origin (scheme, host or port differing from the request the client first
// sent) goes out without it, as net/http itself does for an Authorization
// header the caller set.
//
// The returned RoundTripper never modifies the caller's request: it sends a
// shallow copy with its own header map. It closes the request body on every
// path, including errors, as the RoundTripper contract requires. A nil next
// means http.DefaultTransport.
func Bearer(src *Source) func(http.RoundTripper) http.RoundTripper {
	if src == nil {
		panic("outbound: Bearer with nil Source")
	}
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &bearer{src: src, next: next}
	}
}

type bearer struct {
	src  *Source
	next http.RoundTripper
}

// maxDrain bounds how much of a 401 body is read so that the connection can
// be reused; a larger body just costs the connection.
const maxDrain = 64 << 10

func (t *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	if !firstHop(req) {
		return t.next.RoundTrip(req)
	}
	e, err := t.src.entry(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(withHeader(req, "Authorization", e.auth))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}

	t.src.Invalidate(e.tok)
	if !replayable(req) {
		return resp, nil
	}
	e2, err := t.src.entry(req.Context())
	if err != nil || e2.tok.Value == e.tok.Value {
		// No other token to try: the caller gets the API's own answer.
		return resp, nil
	}
	r2 := withHeader(req, "Authorization", e2.auth)
	return retry(t.next, req, r2, resp)
}

// retry sends r2, a copy of req with new credentials, in place of req, whose
// answer was resp: with a new copy of req's body, after draining and closing
// resp. If the body cannot be had again, the caller gets resp itself.
func retry(next http.RoundTripper, req, r2 *http.Request, resp *http.Response) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		r2.Body = body
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	resp.Body.Close()
	return next.RoundTrip(r2)
}

// CloseIdleConnections forwards to the wrapped transport, so that
// http.Client.CloseIdleConnections reaches the connection pool underneath.
func (t *bearer) CloseIdleConnections() { CloseIdleConnections(t.next) }

// CloseIdleConnections calls rt's CloseIdleConnections method if it has one.
// Decorators call it to pass http.Client.CloseIdleConnections down to the
// transport that holds the connections.
func CloseIdleConnections(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// withHeader returns a shallow copy of req whose header map is a copy of
// req's with key set to value. The values' slices are shared, not copied:
// RoundTrippers treat them as read-only.
func withHeader(req *http.Request, key string, value []string) *http.Request {
	r2 := new(http.Request)
	*r2 = *req
	// maps.Clone copies the table without rehashing its keys, which makes
	// it several times cheaper than a loop of inserts.
	h := maps.Clone(req.Header)
	if h == nil {
		h = make(http.Header, 1)
	}
	h[key] = value
	r2.Header = h
	return r2
}

// Header returns a decorator that sets the header name to value on each
// request (replacing any value the request had), on a copy of the request. It
// is how an API key such as Asaas's access_token is attached. The value is
// never printed: formatting the decorator's RoundTripper redacts it.
//
// The value is treated as a credential: a request that follows a redirect to
// another origin than the client first sent it to goes out without it.
func Header(name, value string) func(http.RoundTripper) http.RoundTripper {
	return headerDecorator(name, value, true)
}

// UserAgent returns a decorator that sets the User-Agent header on each
// request, on a copy of the request. Asaas refuses requests without one.
// Unlike Header's, the value is no credential and goes to every hop.
func UserAgent(ua string) func(http.RoundTripper) http.RoundTripper {
	return headerDecorator("User-Agent", ua, false)
}

func headerDecorator(name, value string, secret bool) func(http.RoundTripper) http.RoundTripper {
	key := textproto.CanonicalMIMEHeaderKey(name)
	v := []string{value}
	v = v[:1:1]
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &header{key: key, value: v, secret: secret, next: next}
	}
}

type header struct {
	key    string
	value  []string
	secret bool
	next   http.RoundTripper
}

func (t *header) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.secret && !firstHop(req) {
		return t.next.RoundTrip(req)
	}
	return t.next.RoundTrip(withHeader(req, t.key, t.value))
}

// CloseIdleConnections forwards to the wrapped transport.
func (t *header) CloseIdleConnections() { CloseIdleConnections(t.next) }

// Format redacts the header value in every verb, so that printing a
// decorated transport (or a client holding one) never shows an API key.
func (t *header) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "outbound.Header(%s: REDACTED)", t.key)
}
