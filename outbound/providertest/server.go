package providertest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

// Options configures a fake server. A nil *Options, and every zero field,
// means the documented default.
type Options struct {
	// TokenLifetime is how long issued tokens live. Zero means the
	// provider's documented lifetime: Efí 3600 s, SoPague 1 h, DiviPay
	// 86400 s, Banking API 3600 s. It must be zero or at least one second,
	// because most providers report it in whole seconds. Asaas issues no
	// tokens and ignores it.
	TokenLifetime time.Duration
	// Latency delays every token-endpoint response (every API response on
	// Asaas, which has no token endpoint). A delayed request gives up early
	// when its context ends or the server closes. See Server.SetLatency.
	Latency time.Duration
	// Now is the clock used to stamp and expire tokens; nil means
	// time.Now. Tests inject a fake clock to expire tokens without
	// sleeping. Certificate validity always uses the real time, as TLS does.
	Now func() time.Time
	// Credentials are the ones the fake accepts. Empty fields are filled
	// with random values; read them back with Server.Credentials. Only the
	// fields the provider uses matter; an Asaas APIKey must carry the
	// environment's prefix.
	Credentials Credentials
}

// Credentials are the secrets a fake accepts, under the names each provider
// uses: ClientID and ClientSecret (Efí, DiviPay, Banking API), UserName and
// Password (SoPague), APIKey (Asaas). Printing redacts the secrets.
type Credentials struct {
	ClientID, ClientSecret string
	UserName, Password     string
	APIKey                 string
}

// String describes the credentials with every secret redacted.
func (c Credentials) String() string {
	return fmt.Sprintf("providertest.Credentials{ClientID: %q, ClientSecret: %s, UserName: %q, Password: %s, APIKey: %s}",
		c.ClientID, redact(c.ClientSecret), c.UserName, redact(c.Password), redact(c.APIKey))
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue logs String, redacted.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON encodes String, redacted.
func (c Credentials) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// LogValue logs the options with their credentials redacted.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.Duration("token_lifetime", o.TokenLifetime), slog.Duration("latency", o.Latency),
		slog.Any("credentials", o.Credentials))
}

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "REDACTED"
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// APIResponse is the JSON body every fake answers a successful API call
// with. It echoes the request so callers can check what arrived, for
// example that a replayed body is intact.
type APIResponse struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Query      string `json:"query,omitempty"`
	BodyLength int64  `json:"bodyLength"`
	BodySHA256 string `json:"bodySha256"` // hex
	UserAgent  string `json:"userAgent,omitempty"`
}

// Certificate validation modes of the mTLS providers.
type mtlsMode int

const (
	mtlsNone mtlsMode = iota
	// The TLS handshake verifies the chain (Efí Pix): no or foreign
	// certificates never reach the handler.
	mtlsHandshake
	// The handshake demands a certificate but the handler verifies it
	// (Banking API), so an expired or foreign certificate gets the
	// provider's 401 "invalid client certificate" body.
	mtlsHandler
	// The handshake asks for a certificate without demanding one, and the
	// handler verifies it when it matters (the generic OAuth2 fake).
	mtlsOptional
)

// provider describes one fake's wire format.
type provider struct {
	name            string
	tokenPath       string // "" when the provider has no token endpoint (Asaas)
	basePath        string // what BaseURL appends to URL
	defaultLifetime time.Duration
	mtls            mtlsMode
	ipAllowlist     bool
	successStatus   int // of the token endpoint
	// writeError writes the provider's error body.
	writeError func(w http.ResponseWriter, status int, code, desc string)
	// token serves the token endpoint once the common checks passed.
	token func(s *Server, w http.ResponseWriter, r *http.Request)
	// keyPrefix and otherPrefix are Asaas's API key prefixes of this
	// environment and of the other one.
	keyPrefix, otherPrefix string
	// apiAuth checks an API call's credentials; nil means a Bearer token
	// issued by this server.
	apiAuth func(s *Server, w http.ResponseWriter, r *http.Request) bool
}

type faultKind int

const (
	faultFail faultKind = iota
	faultGarbage
	faultHang
)

type fault struct {
	kind       faultKind
	n          int
	status     int
	retryAfter time.Duration
}

// Server is a fake provider: an HTTPS server on the loopback interface that
// speaks one provider's wire format. Create it with NewEfi, NewSoPague,
// NewDiviPay, NewBankingAPI or NewAsaas and Close it when done. Its methods
// are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, https://127.0.0.1:port, with no
	// trailing slash.
	URL string

	p        *provider
	hs       *httptest.Server
	ca       *testpki.CA
	pool     *x509.CertPool
	creds    Credentials
	lifetime time.Duration
	now      func() time.Time
	client   *http.Client
	closed   chan struct{}
	once     sync.Once

	tokenRequests atomic.Int64
	apiRequests   atomic.Int64

	mu         sync.Mutex
	latency    time.Duration
	faults     []fault
	tokens     map[string]time.Time // issued token -> expiry
	keyRevoked bool                 // Asaas: RevokeTokens revokes the API key
	apiOff     bool                 // DiviPay: DisableAPIAccess
	bound      map[[32]byte]bool    // SHA-256 of bound certificates' DER
	allowed    []netip.Prefix
	clientCert *Certificate
	transports []*http.Transport // made by ClientWithCertificate, closed by Close
	oauth      *oauth2State      // the generic OAuth2 fake's state; nil for the others
}

func newServer(p *provider, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TokenLifetime < 0 || (o.TokenLifetime > 0 && o.TokenLifetime < time.Second) {
		return nil, fmt.Errorf("providertest: %s: TokenLifetime must be zero or at least 1s, got %v", p.name, o.TokenLifetime)
	}
	if o.Latency < 0 {
		return nil, fmt.Errorf("providertest: %s: negative Latency %v", p.name, o.Latency)
	}
	s := &Server{
		p:        p,
		creds:    o.Credentials,
		lifetime: o.TokenLifetime,
		now:      o.Now,
		latency:  o.Latency,
		closed:   make(chan struct{}),
		tokens:   make(map[string]time.Time),
		bound:    make(map[[32]byte]bool),
		allowed: []netip.Prefix{
			netip.MustParsePrefix("127.0.0.0/8"),
			netip.MustParsePrefix("::1/128"),
		},
	}
	if s.lifetime == 0 {
		s.lifetime = p.defaultLifetime
	}
	if s.now == nil {
		s.now = time.Now
	}
	ca, err := testpki.NewCA("gatehouse providertest " + p.name + " CA")
	if err != nil {
		return nil, fmt.Errorf("providertest: %s: %w", p.name, err)
	}
	s.ca, s.pool = ca, ca.Pool()
	srvLeaf, err := ca.Issue(testpki.LeafOptions{})
	if err != nil {
		return nil, fmt.Errorf("providertest: %s: %w", p.name, err)
	}
	if p.mtls == mtlsHandshake || p.mtls == mtlsHandler {
		c, err := s.IssueClientCertificate(nil)
		if err != nil {
			return nil, err
		}
		s.clientCert = c
	}
	tlsCfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{srvLeaf.TLS},
	}
	switch p.mtls {
	case mtlsHandshake:
		tlsCfg.ClientAuth = tls.RequireAndVerifyClientCert
		tlsCfg.ClientCAs = s.pool
	case mtlsOptional:
		tlsCfg.ClientAuth = tls.RequestClientCert
		tlsCfg.ClientCAs = s.pool
	case mtlsHandler:
		tlsCfg.ClientAuth = tls.RequireAnyClientCert
		// Still advertised so clients can pick the matching certificate.
		tlsCfg.ClientCAs = s.pool
	}
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.hs.TLS = tlsCfg
	// Failed handshakes are expected in tests of the mTLS paths; logging
	// them would only clutter the output.
	s.hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.hs.StartTLS()
	s.URL = s.hs.URL
	s.client = &http.Client{Transport: s.newTransport(nil)}
	return s, nil
}

func (s *Server) newTransport(certs []tls.Certificate) *http.Transport {
	return &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: s.pool, Certificates: certs, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
		ForceAttemptHTTP2:   false,
	}
}

// Close stops the server: requests held by HangNext or latency return at
// once, and Close waits for all requests to finish. It is safe to call more
// than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.hs.Close()
		s.client.CloseIdleConnections()
		s.mu.Lock()
		ts := s.transports
		s.transports = nil
		s.mu.Unlock()
		for _, t := range ts {
			t.CloseIdleConnections()
		}
	})
}

// String describes the server without its credentials.
func (s *Server) String() string {
	if s == nil || s.p == nil {
		return "providertest.Server{}"
	}
	return fmt.Sprintf("providertest.Server{Provider: %s, URL: %s}", s.p.name, s.URL)
}

// Format makes every fmt verb print String, so that printing a Server never
// shows its credentials or keys.
func (s *Server) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s.String()) }

// LogValue makes slog log String.
func (s *Server) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Provider names the fake, e.g. "efi-pix" or "asaas-sandbox".
func (s *Server) Provider() string { return s.p.name }

// BaseURL is the URL to configure as the provider's base URL: URL itself,
// except on Efí Charges (/v1) and Asaas (/v3), whose real base URLs end in
// a version path.
func (s *Server) BaseURL() string { return s.URL + s.p.basePath }

// TokenURL is the token endpoint's full URL, or "" on Asaas, which has none.
func (s *Server) TokenURL() string {
	if s.p.tokenPath == "" {
		return ""
	}
	return s.URL + s.p.tokenPath
}

// Credentials returns the credentials the fake accepts.
func (s *Server) Credentials() Credentials { return s.creds }

// TokenLifetime is the lifetime of the tokens the fake issues.
func (s *Server) TokenLifetime() time.Duration { return s.lifetime }

// TokenRequests counts requests to the token endpoint, failed ones included.
func (s *Server) TokenRequests() int64 { return s.tokenRequests.Load() }

// APIRequests counts requests to every other path, failed ones included.
func (s *Server) APIRequests() int64 { return s.apiRequests.Load() }

// RootCAs returns a new pool holding the fake's CA, which signed its server
// certificate and its client certificates.
func (s *Server) RootCAs() *x509.CertPool { return s.ca.Pool() }

// CACertPEM returns the fake's CA certificate in PEM form, for programs
// that read the provider's CA from a file.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.CertPEM...) }

// Client returns an HTTP client that trusts the fake's CA and sends no
// credentials and no client certificate. Close closes its idle connections.
func (s *Server) Client() *http.Client { return s.client }

// ClientWithCertificate returns a new HTTP client that trusts the fake's CA
// and presents cert in the TLS handshake. Close closes its idle
// connections.
func (s *Server) ClientWithCertificate(cert tls.Certificate) *http.Client {
	t := s.newTransport([]tls.Certificate{cert})
	s.mu.Lock()
	s.transports = append(s.transports, t)
	s.mu.Unlock()
	return &http.Client{Transport: t}
}

// SetLatency changes the delay of token-endpoint responses (of API
// responses on Asaas). Zero removes it.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = max(d, 0)
	s.mu.Unlock()
}

// FailNext makes the next n token requests (API requests on Asaas) fail
// with status and the provider's error body, and with a Retry-After header
// of whole seconds (rounded up) when retryAfter is positive. A status
// outside 400-599 means 503. Injected faults (FailNext, GarbageNext,
// HangNext) queue up and are served in the order they were added.
func (s *Server) FailNext(n int, status int, retryAfter time.Duration) {
	if status < 400 || status > 599 {
		status = http.StatusServiceUnavailable
	}
	s.addFault(fault{kind: faultFail, n: n, status: status, retryAfter: retryAfter})
}

// GarbageNext makes the next n token requests (API requests on Asaas)
// answer the success status with a body that is not valid JSON.
func (s *Server) GarbageNext(n int) { s.addFault(fault{kind: faultGarbage, n: n}) }

// HangNext makes the next n token requests (API requests on Asaas) block
// until the request's context ends or the server closes, without answering.
func (s *Server) HangNext(n int) { s.addFault(fault{kind: faultHang, n: n}) }

func (s *Server) addFault(f fault) {
	if f.n <= 0 {
		return
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

func (s *Server) takeFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return fault{}, false
	}
	f := s.faults[0]
	s.faults[0].n--
	if s.faults[0].n == 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// RevokeTokens revokes every token issued so far: API calls with them get
// 401 until the client fetches a new one. On Asaas it revokes the API key
// itself (invalid_access_token) until RestoreAPIKey.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	clear(s.tokens)
	if s.p.tokenPath == "" {
		s.keyRevoked = true
	}
	s.mu.Unlock()
}

// RestoreAPIKey undoes RevokeTokens on Asaas; elsewhere it does nothing.
func (s *Server) RestoreAPIKey() {
	s.mu.Lock()
	s.keyRevoked = false
	s.mu.Unlock()
}

// DisableAPIAccess makes the DiviPay fake answer valid credentials with
// 403 "API access not enabled for this account", until EnableAPIAccess.
// Other fakes ignore it.
func (s *Server) DisableAPIAccess() { s.setAPIOff(true) }

// EnableAPIAccess undoes DisableAPIAccess.
func (s *Server) EnableAPIAccess() { s.setAPIOff(false) }

func (s *Server) setAPIOff(off bool) {
	s.mu.Lock()
	s.apiOff = off
	s.mu.Unlock()
}

func (s *Server) apiDisabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiOff
}

// AllowIPs replaces the Banking API's source-IP allowlist (by default the
// loopback ranges 127.0.0.0/8 and ::1/128). With no prefixes every address
// is refused with 403, on the token endpoint and on API calls. Other fakes
// ignore the allowlist.
func (s *Server) AllowIPs(prefixes ...netip.Prefix) {
	s.mu.Lock()
	s.allowed = append([]netip.Prefix(nil), prefixes...)
	s.mu.Unlock()
}

// DenyAllIPs is AllowIPs with no prefixes.
func (s *Server) DenyAllIPs() { s.AllowIPs() }

func (s *Server) ipAllowed(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.allowed {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.oauth != nil && r.URL.Path == "/oauth2/jwks" {
		s.oauth.jwks(w)
		return
	}
	isToken := s.p.tokenPath != "" && r.URL.Path == s.p.tokenPath
	if isToken {
		s.tokenRequests.Add(1)
	} else {
		s.apiRequests.Add(1)
	}
	// Faults and latency model the endpoint a client waits on: the token
	// endpoint, or the API itself when there is none.
	if isToken || s.p.tokenPath == "" {
		if !s.delay(r.Context()) {
			return
		}
		if f, ok := s.takeFault(); ok {
			s.serveFault(w, r, f)
			return
		}
	}
	if isToken {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			s.p.writeError(w, http.StatusMethodNotAllowed, "invalid_request", "método não permitido: use POST")
			return
		}
		if !s.checkTransport(w, r) {
			return
		}
		s.p.token(s, w, r)
		return
	}
	s.serveAPI(w, r)
}

// delay waits for the configured latency; false means the wait was cut
// short and the request should get no answer.
func (s *Server) delay(ctx context.Context) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closed:
	}
	return false
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f fault) {
	switch f.kind {
	case faultHang:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
	case faultGarbage:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.p.successStatus)
		_, _ = io.WriteString(w, `{"access_token": "truncated`)
	case faultFail:
		if f.retryAfter > 0 {
			secs := (f.retryAfter + time.Second - 1) / time.Second
			w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
		}
		code := "server_error"
		if f.status == http.StatusTooManyRequests {
			code = "too_many_requests"
		}
		s.p.writeError(w, f.status, code, "falha injetada pelo providertest: "+http.StatusText(f.status))
	}
}

// checkTransport applies the mTLS and source-IP rules of the provider.
func (s *Server) checkTransport(w http.ResponseWriter, r *http.Request) bool {
	if (s.p.mtls == mtlsHandshake || s.p.mtls == mtlsHandler) && !s.clientCertOK(r) {
		code := "invalid_client_certificate"
		if s.p.mtls == mtlsHandshake {
			code = "invalid_client"
		}
		s.p.writeError(w, http.StatusUnauthorized, code, "Invalid Client Certificate")
		return false
	}
	if s.p.ipAllowlist && !s.ipAllowed(r) {
		s.p.writeError(w, http.StatusForbidden, "forbidden", "IP de origem não permitido")
		return false
	}
	return true
}

// clientCertOK reports whether the request presented a valid certificate
// of this fake's CA that is bound to the credential.
func (s *Server) clientCertOK(r *http.Request) bool {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return false
	}
	leaf := r.TLS.PeerCertificates[0]
	if s.p.mtls == mtlsHandler || s.p.mtls == mtlsOptional {
		inter := x509.NewCertPool()
		for _, c := range r.TLS.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots:         s.pool,
			Intermediates: inter,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
		if err != nil {
			return false
		}
	}
	sum := sha256.Sum256(leaf.Raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bound[sum]
}

// issueToken records and returns a new random token.
func (s *Server) issueToken() (value string, issued, expiry time.Time) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	value = base64.RawURLEncoding.EncodeToString(b[:])
	issued = s.now()
	expiry = issued.Add(s.lifetime)
	s.mu.Lock()
	s.tokens[value] = expiry
	s.mu.Unlock()
	return value, issued, expiry
}

// validToken reports whether tok was issued here, is not revoked and has
// not expired.
func (s *Server) validToken(tok string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	if ok && !now.Before(exp) {
		delete(s.tokens, tok) // keeps the map from growing in long runs
		return false
	}
	return ok
}

func (s *Server) bearerAuth(w http.ResponseWriter, r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		s.p.writeError(w, http.StatusUnauthorized, "invalid_token", "token de acesso ausente")
		return false
	}
	if !s.validToken(tok) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		s.p.writeError(w, http.StatusUnauthorized, "invalid_token", "token de acesso inválido ou expirado")
		return false
	}
	return true
}

// maxAPIBody bounds what an API call may upload to a fake.
const maxAPIBody = 8 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !s.checkTransport(w, r) {
		return
	}
	auth := s.p.apiAuth
	if auth == nil {
		auth = (*Server).bearerAuth
	}
	if !auth(s, w, r) {
		return
	}
	h := sha256.New()
	n, err := io.Copy(h, http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		s.p.writeError(w, http.StatusBadRequest, "invalid_request", "corpo da requisição ilegível ou grande demais")
		return
	}
	writeJSON(w, http.StatusOK, APIResponse{
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		BodyLength: n,
		BodySHA256: hex.EncodeToString(h.Sum(nil)),
		UserAgent:  r.UserAgent(),
	})
}

// maxTokenBody bounds token request bodies.
const maxTokenBody = 64 << 10

// decodeJSON decodes a token request body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTokenBody))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON body")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "providertest: encoding response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// equal compares secrets in constant time, as a real server must.
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// randomString returns prefix followed by n random bytes in hex.
func randomString(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// oauthError writes RFC 6749 §5.2 error bodies (Efí, Banking API).
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}{code, desc})
}
