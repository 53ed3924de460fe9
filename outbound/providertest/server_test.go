package providertest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestAPIEcho(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			tok := ""
			if hasToken(s) {
				tok = fetchToken(t, s, c)
			}
			body := strings.Repeat("payload ", 1000)
			r := apiCall(t, s, c, "POST", "/v2/cob?x=1", tok, body)
			if r.status != http.StatusOK {
				t.Fatalf("status %d, body %s", r.status, r.body)
			}
			var got providertest.APIResponse
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(body))
			want := providertest.APIResponse{
				Method: "POST", Path: strings.TrimPrefix(s.BaseURL(), s.URL) + "/v2/cob", Query: "x=1",
				BodyLength: int64(len(body)), BodySHA256: hex.EncodeToString(sum[:]), UserAgent: got.UserAgent,
			}
			if got != want {
				t.Errorf("echo = %+v, want %+v", got, want)
			}
			wantTok := int64(0)
			if hasToken(s) {
				wantTok = 1
			}
			if s.TokenRequests() != wantTok || s.APIRequests() != 1 {
				t.Errorf("counters: token %d, api %d", s.TokenRequests(), s.APIRequests())
			}
		})
	}
}

func TestAPIRejectsBadTokens(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		if !hasToken(s) {
			continue
		}
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			for _, tt := range []struct{ name, auth string }{
				{"none", ""},
				{"unknown", "Bearer not-a-token-of-this-server"},
				{"basic", "Basic dXNlcjpwYXNz"},
				{"empty bearer", "Bearer "},
			} {
				t.Run(tt.name, func(t *testing.T) {
					hdr := map[string]string{}
					if tt.auth != "" {
						hdr["Authorization"] = tt.auth
					}
					r := mustCall(t, c, "GET", s.URL+"/v1/anything", "", hdr)
					if r.status != http.StatusUnauthorized {
						t.Fatalf("status %d, body %s", r.status, r.body)
					}
					decode(t, r.body) // a JSON body in the provider's shape
					if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
					}
				})
			}
		})
	}
}

// clock is a fake clock safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestTokenExpiry(t *testing.T) {
	clk := newClock()
	for _, s := range allFakes(t, &providertest.Options{Now: clk.Now, TokenLifetime: 2 * time.Minute}) {
		if !hasToken(s) {
			continue
		}
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			tok := fetchToken(t, s, c)
			if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != http.StatusOK {
				t.Fatalf("fresh token: status %d", r.status)
			}
			clk.Advance(2*time.Minute - time.Nanosecond)
			if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != http.StatusOK {
				t.Fatalf("token just before expiry: status %d", r.status)
			}
			clk.Advance(time.Nanosecond)
			if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != http.StatusUnauthorized {
				t.Fatalf("expired token: status %d", r.status)
			}
		})
	}
}

func TestRevokeTokens(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			tok := ""
			if hasToken(s) {
				tok = fetchToken(t, s, c)
			}
			s.RevokeTokens()
			if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != http.StatusUnauthorized {
				t.Fatalf("revoked: status %d, body %s", r.status, r.body)
			}
			if hasToken(s) {
				tok = fetchToken(t, s, c)
			} else {
				s.RestoreAPIKey()
			}
			if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != http.StatusOK {
				t.Fatalf("after new token: status %d, body %s", r.status, r.body)
			}
		})
	}
}

// knobRequest sends the request the knobs act on: a token request, or an
// API call on Asaas.
func knobRequest(ctx context.Context, t testing.TB, s *providertest.Server, c *http.Client) (result, error) {
	if !hasToken(s) {
		return call(ctx, c, "GET", s.BaseURL()+"/payments", "", map[string]string{
			"access_token": s.Credentials().APIKey, "User-Agent": "t",
		})
	}
	body, hdr := tokenRequest(t, s)
	return call(ctx, c, "POST", s.TokenURL(), body, hdr)
}

func TestFailNext(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			s.FailNext(2, http.StatusServiceUnavailable, 1500*time.Millisecond)
			s.FailNext(1, http.StatusTooManyRequests, 0)
			s.FailNext(1, 200, 0) // not an error status: 503
			for i, want := range []struct {
				status     int
				retryAfter string
			}{{503, "2"}, {503, "2"}, {429, ""}, {503, ""}} {
				r, err := knobRequest(context.Background(), t, s, c)
				if err != nil {
					t.Fatal(err)
				}
				if r.status != want.status || r.header.Get("Retry-After") != want.retryAfter {
					t.Errorf("request %d: status %d Retry-After %q, want %d %q", i, r.status, r.header.Get("Retry-After"), want.status, want.retryAfter)
				}
				decode(t, r.body)
			}
			r, err := knobRequest(context.Background(), t, s, c)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != successStatus(s) {
				t.Errorf("after faults: status %d, body %s", r.status, r.body)
			}
		})
	}
}

func TestGarbageNext(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			s.GarbageNext(1)
			r, err := knobRequest(context.Background(), t, s, c)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != successStatus(s) || json.Valid(r.body) {
				t.Errorf("garbage: status %d, body %q", r.status, r.body)
			}
			if r, _ := knobRequest(context.Background(), t, s, c); !json.Valid(r.body) {
				t.Errorf("second request still garbage: %q", r.body)
			}
		})
	}
}

// waitFor polls cond, yielding, until it holds. The go test timeout bounds
// it; nothing asserts on elapsed time.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestHangNextEndsWithContext(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			s.HangNext(1)
			ctx, cancel := context.WithCancel(context.Background())
			counter := s.TokenRequests
			if !hasToken(s) {
				counter = s.APIRequests
			}
			before := counter()
			errc := make(chan error, 1)
			go func() {
				_, err := knobRequest(ctx, t, s, c)
				errc <- err
			}()
			waitFor(func() bool { return counter() > before })
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("hung request: err %v, want context.Canceled", err)
			}
			r, err := knobRequest(context.Background(), t, s, c)
			if err != nil || r.status != successStatus(s) {
				t.Fatalf("after hang: %v, status %d", err, r.status)
			}
		})
	}
}

func TestCloseReleasesHungAndDelayedRequests(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(*providertest.Server)
	}{
		{"hang", func(s *providertest.Server) { s.HangNext(3) }},
		{"latency", func(s *providertest.Server) { s.SetLatency(time.Hour) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := providertest.NewDiviPay(nil)
			if err != nil {
				t.Fatal(err)
			}
			tt.setup(s)
			c := s.Client()
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _ = knobRequest(context.Background(), t, s, c)
				}()
			}
			waitFor(func() bool { return s.TokenRequests() == 3 })
			s.Close() // must return although three requests are held
			wg.Wait()
			s.Close() // idempotent
		})
	}
}

func TestLatencyHonoursContext(t *testing.T) {
	s, err := providertest.NewSoPague(providertest.SoPagueGateway, &providertest.Options{Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := knobRequest(ctx, t, s, s.Client())
		errc <- err
	}()
	waitFor(func() bool { return s.TokenRequests() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	s.SetLatency(0)
	if r, err := knobRequest(context.Background(), t, s, s.Client()); err != nil || r.status != 200 {
		t.Fatalf("without latency: %v, status %d", err, r.status)
	}
}

func TestConcurrentClients(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		t.Run(s.Provider(), func(t *testing.T) {
			c := clientFor(s)
			tok := ""
			if hasToken(s) {
				tok = fetchToken(t, s, c)
			}
			const workers, calls = 16, 8
			var wg sync.WaitGroup
			var bad atomic.Int64
			tokens := make(chan string, workers)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range calls {
						if r := apiCall(t, s, c, "PUT", "/c", tok, "x"); r.status != 200 {
							bad.Add(1)
						}
					}
					if hasToken(s) {
						tokens <- fetchToken(t, s, c)
					}
				}()
			}
			wg.Wait()
			close(tokens)
			if bad.Load() != 0 {
				t.Errorf("%d failed API calls", bad.Load())
			}
			if got := s.APIRequests(); got != workers*calls {
				t.Errorf("APIRequests = %d, want %d", got, workers*calls)
			}
			if hasToken(s) {
				seen := map[string]bool{tok: true}
				for tk := range tokens {
					if seen[tk] {
						t.Errorf("token issued twice")
					}
					seen[tk] = true
				}
				if got := s.TokenRequests(); got != workers+1 {
					t.Errorf("TokenRequests = %d, want %d", got, workers+1)
				}
			}
		})
	}
}

func TestTokenEndpointMethod(t *testing.T) {
	for _, s := range allFakes(t, nil) {
		if !hasToken(s) {
			continue
		}
		t.Run(s.Provider(), func(t *testing.T) {
			r := mustCall(t, clientFor(s), "GET", s.TokenURL(), "", nil)
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
				t.Errorf("status %d Allow %q", r.status, r.header.Get("Allow"))
			}
		})
	}
}

func TestOptionsValidation(t *testing.T) {
	for _, tt := range []struct {
		name string
		new  func() (*providertest.Server, error)
	}{
		{"negative lifetime", func() (*providertest.Server, error) {
			return providertest.NewDiviPay(&providertest.Options{TokenLifetime: -time.Second})
		}},
		{"sub-second lifetime", func() (*providertest.Server, error) {
			return providertest.NewDiviPay(&providertest.Options{TokenLifetime: 500 * time.Millisecond})
		}},
		{"negative latency", func() (*providertest.Server, error) {
			return providertest.NewBankingAPI(&providertest.Options{Latency: -1})
		}},
		{"unknown efi api", func() (*providertest.Server, error) { return providertest.NewEfi(7, nil) }},
		{"unknown sopague api", func() (*providertest.Server, error) { return providertest.NewSoPague(7, nil) }},
		{"unknown asaas environment", func() (*providertest.Server, error) { return providertest.NewAsaas(7, nil) }},
		{"asaas key of the other environment", func() (*providertest.Server, error) {
			return providertest.NewAsaas(providertest.Sandbox, &providertest.Options{
				Credentials: providertest.Credentials{APIKey: "$aact_prod_abc"}})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.new()
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "providertest: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestFixedCredentials(t *testing.T) {
	cr := providertest.Credentials{ClientID: "id-1", ClientSecret: "secret-1"}
	s, err := providertest.NewDiviPay(&providertest.Options{Credentials: cr})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Credentials().ClientID != "id-1" || s.Credentials().ClientSecret != "secret-1" {
		t.Errorf("credentials not kept")
	}
	fetchToken(t, s, s.Client())
}

func TestRedaction(t *testing.T) {
	cr := providertest.Credentials{ClientID: "the-id", ClientSecret: "S1", UserName: "bob", Password: "S2", APIKey: "$aact_hmlg_S3"}
	pix, err := providertest.NewEfi(providertest.EfiPix, &providertest.Options{Credentials: cr})
	if err != nil {
		t.Fatal(err)
	}
	defer pix.Close()
	asaas, err := providertest.NewAsaas(providertest.Sandbox, &providertest.Options{Credentials: cr})
	if err != nil {
		t.Fatal(err)
	}
	defer asaas.Close()
	cert := pix.ClientCertificate()
	secrets := []string{"S1", "S2", "S3", string(cert.KeyPEM), cert.TLS.PrivateKey.(*ecdsa.PrivateKey).D.String()}
	values := map[string]any{
		"credentials": cr, "credentials pointer": &cr,
		"options": providertest.Options{Credentials: cr}, "options pointer": &providertest.Options{Credentials: cr},
		"pix server": pix, "asaas server": asaas, "certificate": cert,
		"server credentials": asaas.Credentials(),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "slog"} {
			t.Run(name+" "+verb, func(t *testing.T) {
				out := fmt.Sprintf(verb, v)
				if verb == "slog" {
					// slog's JSON handler marshals what has no LogValue.
					var buf bytes.Buffer
					slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
					out = buf.String()
				}
				for _, sec := range secrets {
					if strings.Contains(out, sec) {
						t.Errorf("%s printed a secret: %s", verb, out)
					}
				}
			})
		}
	}
	if out := fmt.Sprint(cr); !strings.Contains(out, "the-id") || !strings.Contains(out, "REDACTED") {
		t.Errorf("credentials print %q: want the id shown and secrets redacted", out)
	}
}

func TestAccessors(t *testing.T) {
	for _, s := range allFakes(t, &providertest.Options{TokenLifetime: 90 * time.Second}) {
		t.Run(s.Provider(), func(t *testing.T) {
			if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
				t.Errorf("URL %q", s.URL)
			}
			if len(s.CACertPEM()) == 0 || s.RootCAs() == nil {
				t.Error("no CA")
			}
			wantLifetime := 90 * time.Second
			if !hasToken(s) {
				wantLifetime = 0
			}
			if hasToken(s) && s.TokenLifetime() != wantLifetime {
				t.Errorf("TokenLifetime %v", s.TokenLifetime())
			}
			if (s.ClientCertificate() != nil) != (s.Provider() == "efi-pix" || s.Provider() == "bankingapi") {
				t.Errorf("ClientCertificate presence wrong")
			}
		})
	}
}
