package outbound

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// recorder is an httptest server that records the credentials it receives.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "path auth key ua" per request
}

func newRecorder(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.URL.Path+" auth="+r.Header.Get("Authorization")+
			" key="+r.Header.Get("Access_token")+" ua="+r.Header.Get("User-Agent"))
		rec.mu.Unlock()
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// Credentials from Bearer and Header never follow a redirect to another
// origin; they do follow one on the same origin. Exercised through a real
// http.Client, so the request chain is net/http's own.
func TestCredentialsStayOnTheirHost(t *testing.T) {
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return Token{Value: "tok"}, nil }), nil)
	client := &http.Client{Transport: Chain(nil, UserAgent("ua/1"), Bearer(src), Header("access_token", "key"))}
	defer client.CloseIdleConnections()

	other := newRecorder(t, nil)
	otherPort := must(url.Parse(other.URL)).Port()
	tests := []struct {
		name      string
		status    int
		target    func(api *recorder) string // where the API redirects to
		wantOther bool                       // the target is another origin: no credential there
	}{
		{"302 other port", http.StatusFound, func(*recorder) string { return other.URL + "/landing" }, true},
		{"307 other port", http.StatusTemporaryRedirect, func(*recorder) string { return other.URL + "/landing" }, true},
		{"308 other port", http.StatusPermanentRedirect, func(*recorder) string { return other.URL + "/landing" }, true},
		{"307 other host name, same port", http.StatusTemporaryRedirect,
			func(*recorder) string { return "http://localhost:" + otherPort + "/landing" }, true},
		{"302 same origin", http.StatusFound, func(api *recorder) string { return api.URL + "/landing" }, false},
		{"308 relative location", http.StatusPermanentRedirect, func(*recorder) string { return "/landing" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var api *recorder
			api = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/start" {
					http.Redirect(w, r, tt.target(api), tt.status)
				}
			})
			before := len(other.requests())
			resp, err := client.Post(api.URL+"/start", "text/plain", strings.NewReader("body"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var landing string
			if tt.wantOther {
				got := other.requests()
				if len(got) != before+1 {
					t.Fatalf("other origin got %d requests, want 1", len(got)-before)
				}
				landing = got[before]
			} else {
				got := api.requests()
				if len(got) != 2 {
					t.Fatalf("api got %v", got)
				}
				landing = got[1]
			}
			if first := api.requests()[0]; first != "/start auth=Bearer tok key=key ua=ua/1" {
				t.Errorf("first hop: %s", first)
			}
			want := "/landing auth=Bearer tok key=key ua=ua/1"
			if tt.wantOther {
				want = "/landing auth= key= ua=ua/1"
			}
			if landing != want {
				t.Errorf("redirected hop: %s, want %s", landing, want)
			}
		})
	}
}

func TestFirstHopComparesOriginsCanonically(t *testing.T) {
	tests := []struct {
		first, next string
		same        bool
	}{
		{"https://api.example/a", "https://API.EXAMPLE/b", true},
		{"https://api.example/a", "https://api.example:443/b", true},
		{"http://api.example:80/a", "http://api.example/b", true},
		{"https://api.example/a", "http://api.example/b", false},
		{"https://api.example/a", "https://api.example:8443/b", false},
		{"https://api.example/a", "https://evil.example/b", false},
		{"https://api.example/a", "https://api.example.evil/b", false},
		{"https://[::1]:8443/a", "https://[::1]:8443/b", true},
	}
	for _, tt := range tests {
		t.Run(tt.first+" to "+tt.next, func(t *testing.T) {
			r1 := must(http.NewRequest(http.MethodGet, tt.first, nil))
			r2 := must(http.NewRequest(http.MethodGet, tt.next, nil))
			// Two redirects deep, as http.Client chains them.
			mid := must(http.NewRequest(http.MethodGet, tt.next, nil))
			mid.Response = &http.Response{Request: r1}
			r2.Response = &http.Response{Request: mid}
			if got := firstHop(r2); got != tt.same {
				t.Errorf("firstHop = %v, want %v", got, tt.same)
			}
			if !firstHop(r1) {
				t.Error("a request without Response is its own first hop")
			}
		})
	}
}

// TestRedirectWithBrokenChainGetsNoCredential follows a redirect through a
// base RoundTripper that does not set Response.Request (mocks and caching
// transports often don't): where the redirect came from is unknown, so no
// credential goes with it.
func TestRedirectWithBrokenChainGetsNoCredential(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen[r.URL.Host] = r.Header.Get("Authorization") + "|" + r.Header.Get("X-Api-Key")
		mu.Unlock()
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody}
		if r.URL.Host == "api.example" {
			resp.StatusCode = http.StatusFound
			resp.Header.Set("Location", "https://evil.example/landing")
		}
		return resp, nil // Request deliberately left nil
	})
	src := NewSource(FetcherFunc(func(context.Context) (Token, error) { return Token{Value: "tok"}, nil }), nil)
	client := &http.Client{Transport: Chain(base, Header("X-Api-Key", "key"), Bearer(src))}
	resp, err := client.Get("https://api.example/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := seen["api.example"]; got != "Bearer tok|key" {
		t.Errorf("the API got %q, want both credentials", got)
	}
	if got, ok := seen["evil.example"]; !ok || got != "|" {
		t.Errorf("the other host got %q (reached: %v), want no credential", got, ok)
	}
}

func TestAllowHosts(t *testing.T) {
	ok := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	tests := []struct {
		name  string
		hosts []string
		url   string
		allow bool
	}{
		{"bare host, https default port", []string{"api.example"}, "https://API.example/v1", true},
		{"bare host, http default port", []string{"api.example"}, "http://api.example/v1", true},
		{"bare host, other port", []string{"api.example"}, "https://api.example:8443/v1", false},
		{"host and port", []string{"api.example:8443"}, "https://api.example:8443/v1", true},
		{"host and port, other port", []string{"api.example:8443"}, "https://api.example/v1", false},
		{"URL pins the scheme", []string{"https://api.example"}, "http://api.example:443/v1", false},
		{"URL with path", []string{"https://api.example/v3"}, "https://api.example:443/other", true},
		{"suffix is another host", []string{"api.example"}, "https://api.example.evil/", false},
		{"sub-domain is another host", []string{"api.example"}, "https://x.api.example/", false},
		{"second entry", []string{"a.example", "b.example"}, "https://b.example/", true},
		{"no entries: fail closed", nil, "https://api.example/", false},
		{"unparsable entry matches nothing", []string{"https://api.example:x"}, "https://api.example/", false},
		{"other scheme", []string{"api.example"}, "ftp://api.example/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var closed atomic.Int64
			body := &trackedBody{Reader: strings.NewReader("x"), closed: &closed}
			req := must(http.NewRequest(http.MethodPost, "https://placeholder/", body))
			req.URL = must(url.Parse(tt.url))
			resp, err := Chain(ok, AllowHosts(tt.hosts...)).RoundTrip(req)
			if tt.allow {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				resp.Body.Close()
				return
			}
			var oe *Error
			if !errors.Is(err, ErrHostNotAllowed) || !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an *Error wrapping ErrHostNotAllowed", err)
			}
			if closed.Load() != 1 {
				t.Error("the refused request's body was not closed")
			}
		})
	}
}

// The allowlist stops a redirect before the credential decorators run.
func TestAllowHostsStopsRedirects(t *testing.T) {
	other := newRecorder(t, nil)
	api := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	client := &http.Client{Transport: Chain(nil, AllowHosts(api.URL), Header("access_token", "key"))}
	defer client.CloseIdleConnections()
	_, err := client.Get(api.URL + "/x")
	if !errors.Is(err, ErrHostNotAllowed) {
		t.Fatalf("err = %v, want ErrHostNotAllowed", err)
	}
	if n := len(other.requests()); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
