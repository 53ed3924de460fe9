package preset

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

func TestBaseURL(t *testing.T) {
	tests := []struct {
		override, def, want string
		ok                  bool
	}{
		{"", "https://api.example/v3/", "https://api.example/v3", true},
		{"http://127.0.0.1:8080", "https://api.example", "http://127.0.0.1:8080", true},
		{"", "", "", false},
		{"api.example", "", "", false},
		{"ftp://api.example", "", "", false},
		{"https://u:p@api.example", "", "", false},
		{"https://api.example/?k=v", "", "", false},
		{"https://api.example/#f", "", "", false},
		{"https://", "", "", false},
	}
	for _, tt := range tests {
		got, err := BaseURL("p", Sandbox, tt.override, tt.def)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("BaseURL(%q, %q) = %q, %v", tt.override, tt.def, got, err)
		}
		if err != nil && !errors.Is(err, outbound.ErrInvalidConfig) {
			t.Errorf("err = %v, want ErrInvalidConfig", err)
		}
	}
}

// A redirect to another host must not carry the credential: Go's client drops
// Authorization on such redirects, but decorators below it would put it back.
func TestHostGuardStopsCrossHostRedirects(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Access_token") != "" {
			elsewhere.Add(1)
		}
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	defer api.Close()

	client, err := keyProvider.New(keyConfig{BaseURL: api.URL, APIKey: "key-123"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	_, err = client.Get(api.URL + "/x")
	if !errors.Is(err, outbound.ErrHostNotAllowed) {
		t.Fatalf("err = %v, want ErrHostNotAllowed", err)
	}
	if elsewhere.Load() != 0 {
		t.Fatal("the credential reached the other host")
	}
}

func TestHostGuardMatching(t *testing.T) {
	rt := outbound.AllowHosts("https://API.example:8443")(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	}))
	for url, ok := range map[string]bool{
		"https://api.example:8443/v1":  true,
		"https://API.EXAMPLE:8443/":    true,
		"http://api.example:8443/v1":   false,
		"https://api.example/v1":       false,
		"https://api.example.evil/v1":  false,
		"https://evil.example:8443/v1": false,
	} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		resp, err := rt.RoundTrip(req)
		if ok != (err == nil) {
			t.Errorf("%s: err = %v, want ok=%v", url, err, ok)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportKeepsUserTLSSettings(t *testing.T) {
	roots := x509.NewCertPool()
	base := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "api.example", MinVersion: tls.VersionTLS13}}
	ca, err := testpki.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	rt, set, err := Transport(TransportOptions{Provider: "p", Base: base, Certificates: []tls.Certificate{leaf.TLS}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := rt.(*http.Transport).TLSClientConfig
	if cfg.RootCAs != roots || cfg.ServerName != "api.example" || cfg.MinVersion != tls.VersionTLS13 || cfg.GetClientCertificate == nil || set == nil {
		t.Fatalf("TLS settings lost: %+v", cfg)
	}
	if base.TLSClientConfig.GetClientCertificate != nil {
		t.Fatal("the user's transport was modified")
	}
	if _, _, err := Transport(TransportOptions{Provider: "p", CertificateSet: &mtls.Set{}}); !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Fatalf("empty CertificateSet: err = %v", err)
	}
}

// keyConfig and keyProvider are a provider with a static API key.
type keyConfig struct {
	Environment int
	BaseURL     string
	APIKey      string
}

var keyProvider = Provider[keyConfig, *http.Client]{
	Name:     "p",
	APIs:     []API{{}},
	Required: []string{"APIKey"},
	Decorators: func(c keyConfig) []func(http.RoundTripper) http.RoundTripper {
		return []func(http.RoundTripper) http.RoundTripper{outbound.Header("access_token", c.APIKey)}
	},
	Parts: func(b Built) *http.Client { return b.Client },
}
