package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// mtlsTokenServer is a token endpoint that requires a client certificate
// issued by clientCA, up to maxVersion.
func mtlsTokenServer(t *testing.T, serverCA, clientCA *testpki.CA, maxVersion uint16) *httptest.Server {
	t.Helper()
	leaf, err := serverCA.Issue(testpki.LeafOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: clientCA.Pool(), MaxVersion: maxVersion}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func newTestCA(t *testing.T, name string) *testpki.CA {
	t.Helper()
	ca, err := testpki.NewCA(name)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// TLS failures that configuration must fix are ErrTLSConfig, permanent, not
// ErrUnavailable, and a Source does not retry them in a tight loop.
func TestTLSConfigFailuresArePermanent(t *testing.T) {
	serverCA, clientCA := newTestCA(t, "server CA"), newTestCA(t, "client CA")
	expired, err := clientCA.Issue(testpki.LeafOptions{Client: true,
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	expiredSet, err := mtls.NewSet(expired.TLS)
	if err != nil {
		t.Fatal(err)
	}
	client := func(cfg *tls.Config) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	tests := []struct {
		name       string
		maxVersion uint16
		client     *http.Client
		alsoIs     error
	}{
		{"no client certificate, TLS 1.3 (certificate required)", tls.VersionTLS13,
			client(&tls.Config{RootCAs: serverCA.Pool()}), nil},
		{"no client certificate, TLS 1.2 (handshake failure)", tls.VersionTLS12,
			client(&tls.Config{RootCAs: serverCA.Pool()}), nil},
		{"unknown authority", tls.VersionTLS13, client(&tls.Config{}), nil},
		{"client certificates all expired", tls.VersionTLS13,
			client(expiredSet.TLSConfig(serverCA.Pool())), mtls.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mtlsTokenServer(t, serverCA, clientCA, tt.maxVersion)
			defer tt.client.CloseIdleConnections()
			calls := 0
			cc := &ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret", Client: tt.client}
			src := NewSource(FetcherFunc(func(ctx context.Context) (Token, error) {
				calls++
				return cc.Fetch(ctx)
			}), nil)
			for range 20 {
				_, err := src.Token(context.Background())
				if !errors.Is(err, ErrTLSConfig) || errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want ErrTLSConfig and not ErrUnavailable", err)
				}
				if tt.alsoIs != nil && !errors.Is(err, tt.alsoIs) {
					t.Fatalf("err = %v, want it to wrap %v too", err, tt.alsoIs)
				}
				var oe *Error
				if !errors.As(err, &oe) || !oe.Permanent() {
					t.Fatalf("err = %v, want a permanent *Error", err)
				}
			}
			if calls != 1 {
				t.Fatalf("fetches = %d, want 1 (then backoff)", calls)
			}
		})
	}
}

// A network fault after the status line (a truncated body, a timeout while
// reading it) is as transient as one before: ErrUnavailable.
func TestFailureAfterStatusLineIsUnavailable(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		timeout time.Duration
	}{
		{"truncated body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "200")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"access_token":"at",`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, time.Minute},
		{"timeout while reading the body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"access_token":"at",`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			cc := &ClientCredentials{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret", Client: srv.Client()}
			_, err := cc.Fetch(ctx)
			var oe *Error
			if !errors.Is(err, ErrUnavailable) || !errors.As(err, &oe) || oe.Status != http.StatusOK {
				t.Fatalf("err = %v, want ErrUnavailable with status 200", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatal(err)
			}
		})
	}
}

// The backoff after a failure never goes below MinBackoff: its jitter goes
// above it.
func TestSourceFirstBackoffNeverBelowMinBackoff(t *testing.T) {
	for i := range 200 {
		clk := newClock()
		src := NewSource(FetcherFunc(func(context.Context) (Token, error) {
			return Token{}, &Error{Status: http.StatusServiceUnavailable}
		}), &SourceOptions{Now: clk.Now, MinBackoff: time.Second, MaxBackoff: time.Minute})
		_, _ = src.Token(context.Background())
		if d := src.fail.Load().until.Sub(clk.Now()); d < time.Second || d > 1500*time.Millisecond {
			t.Fatalf("try %d: first backoff %v outside [1s, 1.5s]", i, d)
		}
	}
}

// Retry-After: 9223372036854775807 neither overflows nor makes the Source
// wait more than MaxRetryAfter.
func TestSourceHugeRetryAfterIsClamped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "9223372036854775807")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	clk := newClock()
	src := NewSource(&ClientCredentials{TokenURL: srv.URL, ClientID: "id", Client: srv.Client()}, &SourceOptions{Now: clk.Now})
	_, err := src.Token(context.Background())
	var oe *Error
	if !errors.As(err, &oe) || oe.RetryAfter != MaxRetryAfter {
		t.Fatalf("err = %#v, want RetryAfter = MaxRetryAfter", err)
	}
	if d := src.fail.Load().until.Sub(clk.Now()); d != MaxRetryAfter {
		t.Fatalf("backoff %v, want %v", d, MaxRetryAfter)
	}
}
