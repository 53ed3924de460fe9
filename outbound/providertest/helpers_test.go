package providertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

type result struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request and reads the whole response.
func call(ctx context.Context, c *http.Client, method, url string, body string, hdr map[string]string) (result, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return result{}, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{resp.StatusCode, resp.Header, b}, err
}

func mustCall(t testing.TB, c *http.Client, method, url, body string, hdr map[string]string) result {
	t.Helper()
	r, err := call(context.Background(), c, method, url, body, hdr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

func jsonBody(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tokenRequest is a correct token request for s's provider.
func tokenRequest(t testing.TB, s *providertest.Server) (body string, hdr map[string]string) {
	t.Helper()
	cr := s.Credentials()
	hdr = map[string]string{"Content-Type": "application/json"}
	switch {
	case strings.HasPrefix(s.Provider(), "efi"):
		body = `{"grant_type":"client_credentials"}`
		req, _ := http.NewRequest("POST", "/", nil)
		req.SetBasicAuth(cr.ClientID, cr.ClientSecret)
		hdr["Authorization"] = req.Header.Get("Authorization")
	case strings.HasPrefix(s.Provider(), "sopague"):
		body = jsonBody(t, map[string]string{"userName": cr.UserName, "password": cr.Password})
	case s.Provider() == "divipay":
		body = jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret})
	case s.Provider() == "bankingapi":
		body = jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret, "grant_type": "client_credentials"})
	default:
		t.Fatalf("no token endpoint on %s", s.Provider())
	}
	return body, hdr
}

// clientFor is a client that passes s's transport checks.
func clientFor(s *providertest.Server) *http.Client {
	if c := s.ClientCertificate(); c != nil {
		return s.ClientWithCertificate(c.TLS)
	}
	return s.Client()
}

// tokenField names the JSON field holding the token per provider.
func tokenField(s *providertest.Server) string {
	switch {
	case strings.HasPrefix(s.Provider(), "sopague"):
		return "accessToken"
	case s.Provider() == "divipay":
		return "token"
	}
	return "access_token"
}

func successStatus(s *providertest.Server) int {
	if s.Provider() == "divipay" {
		return http.StatusCreated
	}
	return http.StatusOK
}

// fetchToken gets a token from s and fails the test on any error.
func fetchToken(t testing.TB, s *providertest.Server, c *http.Client) string {
	t.Helper()
	body, hdr := tokenRequest(t, s)
	r := mustCall(t, c, "POST", s.TokenURL(), body, hdr)
	if r.status != successStatus(s) {
		t.Fatalf("token: status %d, body %s", r.status, r.body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("token body %s: %v", r.body, err)
	}
	tok, _ := m[tokenField(s)].(string)
	if tok == "" {
		t.Fatalf("no token in %s", r.body)
	}
	return tok
}

// apiCall calls path with the token (or, on Asaas, the API key).
func apiCall(t testing.TB, s *providertest.Server, c *http.Client, method, path, token, body string) result {
	t.Helper()
	hdr := map[string]string{}
	if strings.HasPrefix(s.Provider(), "asaas") {
		hdr["access_token"] = s.Credentials().APIKey
		hdr["User-Agent"] = "gatehouse-test"
	} else if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	return mustCall(t, c, method, s.BaseURL()+path, body, hdr)
}

// allFakes starts one fake of every kind.
func allFakes(t testing.TB, opts *providertest.Options) []*providertest.Server {
	t.Helper()
	type ctor func() (*providertest.Server, error)
	ctors := []ctor{
		func() (*providertest.Server, error) { return providertest.NewEfi(providertest.EfiPix, opts) },
		func() (*providertest.Server, error) { return providertest.NewEfi(providertest.EfiCharges, opts) },
		func() (*providertest.Server, error) {
			return providertest.NewSoPague(providertest.SoPagueGateway, opts)
		},
		func() (*providertest.Server, error) {
			return providertest.NewSoPague(providertest.SoPagueIntegration, opts)
		},
		func() (*providertest.Server, error) { return providertest.NewDiviPay(opts) },
		func() (*providertest.Server, error) { return providertest.NewBankingAPI(opts) },
		func() (*providertest.Server, error) { return providertest.NewAsaas(providertest.Sandbox, opts) },
		func() (*providertest.Server, error) { return providertest.NewAsaas(providertest.Production, opts) },
	}
	var out []*providertest.Server
	for _, c := range ctors {
		s, err := c()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		out = append(out, s)
	}
	return out
}

func hasToken(s *providertest.Server) bool { return s.TokenURL() != "" }

// decode parses a JSON body into a generic map.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(b), &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}
