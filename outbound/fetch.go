package outbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// tokenRequest is one POST to a token endpoint.
type tokenRequest struct {
	op          string
	url         string
	contentType string
	body        []byte
	basicUser   string // set with basicPass: an HTTP Basic header, already escaped as wanted
	basicPass   string
	ok          func(status int) bool
	dpop        *DPoPProver // signs a proof for the request, when set
	newNonce    bool        // the response carried a new DPoP nonce
	// sent are the credentials in the request, scrubbed from any provider
	// text that ends up in an error.
	sent secrets
}

// post sends r with client and returns the success body, read with a cap. Any
// other status becomes an *Error parsed from the provider's body.
func (r *tokenRequest) post(ctx context.Context, client *http.Client) ([]byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	safeURL := redactURL(r.url)
	req, err := r.newRequest(ctx)
	if err != nil {
		return nil, &Error{Op: r.op, URL: safeURL, Err: err}
	}
	// A token request carries credentials; net/http would re-send its body
	// (and, to the same host, its Authorization) on a 307 or 308, to wherever
	// the redirect points. Token endpoints do not redirect, so none is
	// followed: the 3xx is answered as an invalid response.
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		// *url.Error repeats the URL, which may hold credentials; keep
		// only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &Error{Op: r.op, URL: safeURL, Err: err}
	}
	defer resp.Body.Close()
	if r.dpop != nil {
		r.newNonce = r.dpop.noteNonce(req.URL, resp.Header)
	}
	if !r.success(resp.StatusCode) {
		return nil, r.refusal(resp, safeURL)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody+1))
	switch {
	case err != nil:
		// A timeout, reset or truncation after the status line is as
		// transient as one before it.
		err = fmt.Errorf("%w: reading the body: %w", ErrUnavailable, err)
	case len(body) > MaxErrorBody:
		err = fmt.Errorf("%w: body larger than %d bytes", ErrInvalidResponse, MaxErrorBody)
	default:
		return body, nil
	}
	return nil, &Error{Op: r.op, URL: safeURL, Status: resp.StatusCode, Err: err}
}

// newRequest returns the POST of r, with its credentials and DPoP proof.
func (r *tokenRequest) newRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(r.body))
	if err != nil {
		return nil, errors.New("invalid token URL")
	}
	req.Header.Set("Content-Type", r.contentType)
	req.Header.Set("Accept", "application/json")
	if r.basicUser != "" || r.basicPass != "" {
		req.SetBasicAuth(r.basicUser, r.basicPass)
	}
	if r.dpop != nil {
		proof, err := r.dpop.Proof(http.MethodPost, req.URL, "")
		if err != nil {
			return nil, err
		}
		req.Header.Set("DPoP", proof)
	}
	return req, nil
}

// success reports whether status is one r accepts: 200 unless r says
// otherwise.
func (r *tokenRequest) success(status int) bool {
	if r.ok == nil {
		return status == http.StatusOK
	}
	return r.ok(status)
}

// refusal returns the *Error of a response with a status r does not accept,
// with the provider's error read from its body.
func (r *tokenRequest) refusal(resp *http.Response, safeURL string) *Error {
	e := responseError(r.op, resp, r.sent.withBasic(r.basicUser, r.basicPass))
	e.URL = safeURL
	switch {
	case resp.StatusCode < 300:
		// A success the endpoint is not documented to send.
		e.Err = fmt.Errorf("%w: unexpected status", ErrInvalidResponse)
	case resp.StatusCode < 400:
		e.Err = fmt.Errorf("%w: redirect not followed: token requests carry credentials", ErrInvalidResponse)
	}
	return e
}

func invalidResponse(op, u string, status int, why string) error {
	return &Error{Op: op, URL: redactURL(u), Status: status, Err: fmt.Errorf("%w: %s", ErrInvalidResponse, why)}
}

// AuthStyle says how ClientCredentials sends the client's credentials.
type AuthStyle int

const (
	// AuthBasic sends them in an HTTP Basic Authorization header, each
	// form-urlencoded first as RFC 6749 §2.3.1 requires. The default.
	AuthBasic AuthStyle = iota
	// AuthBasicUnescaped sends them in an HTTP Basic header as they are,
	// which some providers expect (it differs from AuthBasic only for
	// credentials holding characters that form-encoding changes).
	AuthBasicUnescaped
	// AuthInBody sends client_id and client_secret as body parameters.
	AuthInBody
	// AuthPrivateKeyJWT sends client_id and a JWT signed by the client's
	// key (ClientCredentials.Assertion) instead of a secret: private_key_jwt
	// (RFC 7523 §2.2, OpenID Connect Core §9).
	AuthPrivateKeyJWT
	// AuthTLSClient sends only client_id in the body: the client
	// certificate of the mTLS connection authenticates the client
	// (tls_client_auth, RFC 8705 §2). ClientSecret must be empty and Client
	// must present the certificate.
	AuthTLSClient
)

// BodyEncoding says how ClientCredentials encodes its request body.
type BodyEncoding int

const (
	// FormBody is application/x-www-form-urlencoded, as RFC 6749 requires. The
	// default.
	FormBody BodyEncoding = iota
	// JSONBody is a JSON object, e.g. {"grant_type":"client_credentials"},
	// as Efí's API takes.
	JSONBody
)

// ClientCredentials is a Fetcher for the OAuth2 client credentials grant
// (RFC 6749 §4.4). It expects a 200 answer with access_token, token_type and
// expires_in, and turns an error answer into an *Error carrying the OAuth2
// error and error_description.
//
// Its String, GoString and Format methods redact ClientSecret.
type ClientCredentials struct {
	// TokenURL is the token endpoint.
	TokenURL string
	// ClientID and ClientSecret are the client's credentials.
	ClientID, ClientSecret string
	// Scopes, if any, are sent space-separated as the scope parameter.
	Scopes []string
	// Params are extra body parameters (e.g. audience). They cannot
	// override grant_type, scope or the credentials.
	Params map[string]string
	// AuthStyle says how the credentials are sent. Zero is AuthBasic.
	AuthStyle AuthStyle
	// Encoding is the request body's encoding. Zero is FormBody.
	Encoding BodyEncoding
	// Client sends the request. Nil means http.DefaultClient. Give it a
	// transport with the client certificate when the provider needs mTLS.
	Client *http.Client
	// Assertion signs the client assertions of AuthPrivateKeyJWT.
	Assertion *ClientAssertion
	// DPoP, when set, puts a DPoP proof on the token request, so that the
	// server binds the token to the prover's key (RFC 9449 §5), and retries
	// once when the server asks for a nonce (400 use_dpop_nonce). Send the
	// tokens with the DPoP decorator and the same prover.
	DPoP *DPoPProver
	// Now is the clock used to turn expires_in into an Expiry. Nil means
	// time.Now.
	Now func() time.Time
}

// Fetch requests a token.
func (c *ClientCredentials) Fetch(ctx context.Context) (Token, error) {
	const op = "fetch token"
	r, err := c.request(op)
	if err != nil {
		return Token{}, err
	}
	body, err := r.post(ctx, c.Client)
	if e, ok := err.(*Error); ok && r.newNonce && e.Code == "use_dpop_nonce" {
		// The server wants its nonce in the proof (RFC 9449 §8): once more,
		// with a new assertion too, since a server may refuse a reused jti.
		if r, err = c.request(op); err != nil {
			return Token{}, err
		}
		body, err = r.post(ctx, c.Client)
	}
	if err != nil {
		return Token{}, err
	}
	if c.DPoP != nil {
		return parseDPoPToken(body, op, c.TokenURL, now(c.Now))
	}
	return parseOAuth2Token(body, op, c.TokenURL, now(c.Now))
}

// request builds one token request.
func (c *ClientCredentials) request(op string) (tokenRequest, error) {
	params := map[string]string{}
	for k, v := range c.Params {
		params[k] = v
	}
	params["grant_type"] = "client_credentials"
	if len(c.Scopes) > 0 {
		params["scope"] = strings.Join(c.Scopes, " ")
	}
	r := tokenRequest{op: op, url: c.TokenURL, dpop: c.DPoP}
	switch c.AuthStyle {
	case AuthPrivateKeyJWT:
		a, err := c.Assertion.sign(c.ClientID, c.TokenURL, now(c.Now))
		if err != nil {
			return r, &Error{Op: op, URL: redactURL(c.TokenURL), Err: err}
		}
		params["client_id"] = c.ClientID
		params["client_assertion_type"] = ClientAssertionType
		params["client_assertion"] = a
	case AuthTLSClient:
		if c.ClientSecret != "" {
			return r, &Error{Op: op, URL: redactURL(c.TokenURL), Err: errors.New("tls_client_auth sends no client secret: leave ClientSecret empty")}
		}
		params["client_id"] = c.ClientID
	case AuthInBody:
		params["client_id"], params["client_secret"] = c.ClientID, c.ClientSecret
	case AuthBasicUnescaped:
		r.basicUser, r.basicPass = c.ClientID, c.ClientSecret
	default:
		r.basicUser, r.basicPass = url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret)
	}
	if c.Encoding == JSONBody {
		r.contentType = "application/json"
		r.body, _ = json.Marshal(params) // a map of strings always marshals
	} else {
		r.contentType = "application/x-www-form-urlencoded"
		v := url.Values{}
		for k, p := range params {
			v.Set(k, p)
		}
		r.body = []byte(v.Encode())
	}
	// The id is no secret and stays readable in the provider's messages.
	r.sent = newSecrets(c.ClientSecret, params["client_assertion"])
	return r, nil
}

func now(f func() time.Time) time.Time {
	if f != nil {
		return f()
	}
	return time.Now()
}

// parseOAuth2Token reads an RFC 6749 §5.1 token response of a Bearer token.
func parseOAuth2Token(body []byte, op, u string, now time.Time) (Token, error) {
	return parseTokenResponse(body, op, u, now, false)
}

// parseDPoPToken reads the token response to a request that carried a DPoP
// proof: token_type DPoP (RFC 9449 §5) or, from a server that did not bind
// the token, Bearer.
func parseDPoPToken(body []byte, op, u string, now time.Time) (Token, error) {
	return parseTokenResponse(body, op, u, now, true)
}

func parseTokenResponse(body []byte, op, u string, now time.Time, dpop bool) (Token, error) {
	var v struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return Token{}, invalidResponse(op, u, http.StatusOK, "malformed JSON")
	}
	if v.AccessToken == "" {
		return Token{}, invalidResponse(op, u, http.StatusOK, "no access_token")
	}
	if why := checkValue(v.AccessToken); why != "" {
		return Token{}, invalidResponse(op, u, http.StatusOK, "access_token: "+why)
	}
	tok := Token{Value: v.AccessToken}
	switch {
	case dpop && strings.EqualFold(v.TokenType, "DPoP"):
		tok.Type = "DPoP"
	case !isBearer(v.TokenType):
		return Token{}, invalidResponse(op, u, http.StatusOK, "token_type is not Bearer")
	}
	if len(v.ExpiresIn) > 0 && string(v.ExpiresIn) != "null" {
		secs, ok := parseSeconds(v.ExpiresIn)
		if !ok {
			return Token{}, invalidResponse(op, u, http.StatusOK, "bad expires_in")
		}
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
	}
	return tok, nil
}

// maxLifetime bounds expires_in (ten years) so that a bogus value cannot
// overflow time arithmetic.
const maxLifetime = 10 * 365 * 24 * 3600

// parseSeconds reads a JSON number or a string holding one (some providers
// quote it), as a whole number of seconds in [0, maxLifetime].
func parseSeconds(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > maxLifetime || f != f {
		return 0, false
	}
	return int64(f), true
}

// isBearer reports whether a token_type names the Bearer scheme (compared
// case-insensitively, RFC 6749 §5.1). An absent type is taken as Bearer, as
// many endpoints omit it. Any other type is refused: this package only sends
// Bearer tokens, and a token of another type sent as one would be misused.
func isBearer(t string) bool {
	return t == "" || strings.EqualFold(t, "bearer")
}

// Format redacts ClientSecret in every verb.
func (c ClientCredentials) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, c.String()) }

// String describes c without its secret.
func (c ClientCredentials) String() string {
	return fmt.Sprintf("outbound.ClientCredentials{TokenURL: %q, ClientID: %q, ClientSecret: %s, Scopes: %q}",
		redactURL(c.TokenURL), c.ClientID, redacted(c.ClientSecret), c.Scopes)
}

// GoString is String.
func (c ClientCredentials) GoString() string { return c.String() }

// LogValue logs String, redacted.
func (c ClientCredentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "REDACTED"
}

// MarshalJSON encodes String, redacted.
func (c ClientCredentials) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// MarshalText is String, for encoders that use encoding.TextMarshaler.
func (c ClientCredentials) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
