package providertest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
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
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.hs.TLS = serverTLS(p.mtls, srvLeaf.TLS, s.pool)
	// Failed handshakes are expected in tests of the mTLS paths; logging
	// them would only clutter the output.
	s.hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.hs.StartTLS()
	s.URL = s.hs.URL
	s.client = &http.Client{Transport: s.newTransport(nil)}
	return s, nil
}

// serverTLS is the fake's TLS configuration: its certificate, and the
// client certificates it asks for in mode.
func serverTLS(mode mtlsMode, cert tls.Certificate, clientCAs *x509.CertPool) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	switch mode {
	case mtlsHandshake:
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	case mtlsOptional:
		cfg.ClientAuth = tls.RequestClientCert
	case mtlsHandler:
		// The handler verifies; the CAs are still advertised so that
		// clients can pick the matching certificate.
		cfg.ClientAuth = tls.RequireAnyClientCert
	default:
		return cfg
	}
	cfg.ClientCAs = clientCAs
	return cfg
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
			abortResponse()
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
