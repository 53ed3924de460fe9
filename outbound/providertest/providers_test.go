package providertest_test

import (
	"crypto/rsa"
	"crypto/tls"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func basic(id, secret string) string {
	r, _ := http.NewRequest("POST", "/", nil)
	r.SetBasicAuth(id, secret)
	return r.Header.Get("Authorization")
}

func TestEfi(t *testing.T) {
	for _, api := range []providertest.EfiAPI{providertest.EfiPix, providertest.EfiCharges} {
		s, err := providertest.NewEfi(api, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c := clientFor(s)
		cr := s.Credentials()
		good := basic(cr.ClientID, cr.ClientSecret)
		t.Run(s.Provider(), func(t *testing.T) {
			wantPath := map[providertest.EfiAPI]string{providertest.EfiPix: "/oauth/token", providertest.EfiCharges: "/v1/authorize"}[api]
			if s.TokenURL() != s.URL+wantPath {
				t.Fatalf("TokenURL %s", s.TokenURL())
			}
			for _, tt := range []struct {
				name, body, ctype, auth string
				status                  int
				code                    string
			}{
				{"json", `{"grant_type":"client_credentials"}`, "application/json", good, 200, ""},
				{"form", "grant_type=client_credentials", "application/x-www-form-urlencoded", good, 200, ""},
				{"wrong secret", `{"grant_type":"client_credentials"}`, "application/json", basic(cr.ClientID, "nope"), 401, "invalid_client"},
				{"wrong id", `{"grant_type":"client_credentials"}`, "application/json", basic("nope", cr.ClientSecret), 401, "invalid_client"},
				{"no basic auth", `{"grant_type":"client_credentials"}`, "application/json", "", 401, "invalid_client"},
				{"other grant", `{"grant_type":"password"}`, "application/json", good, 400, "unsupported_grant_type"},
				{"no grant", `{}`, "application/json", good, 400, "invalid_request"},
				{"malformed", `{"grant_type":`, "application/json", good, 400, "invalid_request"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					hdr := map[string]string{"Content-Type": tt.ctype}
					if tt.auth != "" {
						hdr["Authorization"] = tt.auth
					}
					r := mustCall(t, c, "POST", s.TokenURL(), tt.body, hdr)
					if r.status != tt.status {
						t.Fatalf("status %d, want %d; body %s", r.status, tt.status, r.body)
					}
					m := decode(t, r.body)
					if tt.status != 200 {
						if m["error"] != tt.code || m["error_description"] == "" {
							t.Errorf("error body %s", r.body)
						}
						return
					}
					if m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) || m["access_token"] == "" {
						t.Errorf("token body %s", r.body)
					}
					if _, ok := m["scope"]; ok != (api == providertest.EfiPix) {
						t.Errorf("scope presence wrong: %s", r.body)
					}
				})
			}
		})
	}
}

func TestEfiPixMutualTLS(t *testing.T) {
	s, err := providertest.NewEfi(providertest.EfiPix, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	unbound, err := s.IssueClientCertificate(&providertest.CertificateOptions{Unbound: true})
	if err != nil {
		t.Fatal(err)
	}
	body, hdr := tokenRequest(t, s)
	t.Run("no certificate fails the handshake", func(t *testing.T) {
		if _, err := call(t.Context(), s.Client(), "POST", s.TokenURL(), body, hdr); err == nil {
			t.Fatal("request without client certificate succeeded")
		}
	})
	t.Run("foreign CA fails the handshake", func(t *testing.T) {
		if _, err := call(t.Context(), s.ClientWithCertificate(foreignCert(t)), "POST", s.TokenURL(), body, hdr); err == nil {
			t.Fatal("request with a foreign certificate succeeded")
		}
	})
	t.Run("unbound certificate", func(t *testing.T) {
		r := mustCall(t, s.ClientWithCertificate(unbound.TLS), "POST", s.TokenURL(), body, hdr)
		if r.status != 401 || decode(t, r.body)["error"] != "invalid_client" {
			t.Fatalf("status %d body %s", r.status, r.body)
		}
	})
	t.Run("bound certificate", func(t *testing.T) {
		c := s.ClientWithCertificate(s.ClientCertificate().TLS)
		tok := fetchToken(t, s, c)
		if r := apiCall(t, s, c, "GET", "/v2/cob", tok, ""); r.status != 200 {
			t.Fatalf("API status %d", r.status)
		}
		// The token alone is not enough: the API wants a bound certificate too.
		if r := apiCall(t, s, s.ClientWithCertificate(unbound.TLS), "GET", "/v2/cob", tok, ""); r.status != 401 {
			t.Fatalf("API with unbound certificate: status %d", r.status)
		}
	})
}

// forcingClient presents cert even when it is not of a CA the server
// names, which Go's client otherwise declines to do.
func forcingClient(s *providertest.Server, cert tls.Certificate) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig: &tls.Config{
			RootCAs: s.RootCAs(),
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return &cert, nil
			},
		},
	}}
}

func foreignCert(t testing.TB) tls.Certificate {
	t.Helper()
	ca, err := testpki.NewCA("foreign")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca.Issue(testpki.LeafOptions{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	return l.TLS
}

func TestSoPague(t *testing.T) {
	clk := newClock()
	for _, api := range []providertest.SoPagueAPI{providertest.SoPagueGateway, providertest.SoPagueIntegration} {
		s, err := providertest.NewSoPague(api, &providertest.Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cr := s.Credentials()
		t.Run(s.Provider(), func(t *testing.T) {
			wantPath := map[providertest.SoPagueAPI]string{providertest.SoPagueGateway: "/api/auth/token", providertest.SoPagueIntegration: "/api/authentication/login"}[api]
			if s.TokenURL() != s.URL+wantPath {
				t.Fatalf("TokenURL %s", s.TokenURL())
			}
			for _, tt := range []struct {
				name   string
				body   string
				status int
			}{
				{"ok", jsonBody(t, map[string]string{"userName": cr.UserName, "password": cr.Password}), 200},
				{"wrong password", jsonBody(t, map[string]string{"userName": cr.UserName, "password": "x"}), 401},
				{"wrong user", jsonBody(t, map[string]string{"userName": "x", "password": cr.Password}), 401},
				{"missing password", jsonBody(t, map[string]string{"userName": cr.UserName}), 400},
				{"malformed", "{", 400},
			} {
				t.Run(tt.name, func(t *testing.T) {
					r := mustCall(t, s.Client(), "POST", s.TokenURL(), tt.body, map[string]string{"Content-Type": "application/json"})
					if r.status != tt.status {
						t.Fatalf("status %d, body %s", r.status, r.body)
					}
					m := decode(t, r.body)
					if tt.status != 200 {
						if m["authenticated"] != false || m["message"] == "" || m["accessToken"] != nil {
							t.Errorf("error body %s", r.body)
						}
						return
					}
					if m["authenticated"] != true || m["accessToken"] == "" || m["message"] == nil {
						t.Errorf("body %s", r.body)
					}
					if m["created"] != "2025-01-02T03:04:05.000Z" || m["expiration"] != "2025-01-02T04:04:05.000Z" {
						t.Errorf("created %v expiration %v", m["created"], m["expiration"])
					}
				})
			}
		})
	}
}

func TestDiviPay(t *testing.T) {
	clk := newClock()
	s, err := providertest.NewDiviPay(&providertest.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cr := s.Credentials()
	if s.TokenURL() != s.URL+"/api/auth" {
		t.Fatalf("TokenURL %s", s.TokenURL())
	}
	good := jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret})
	for _, tt := range []struct {
		name     string
		body     string
		disabled bool
		status   int
		want     string // exact error body
	}{
		{"created", good, false, 201, ""},
		{"wrong secret", jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": "x"}), false, 401,
			`{"statusCode":401,"message":"Unauthorized","error":"Invalid credentials"}`},
		{"api access disabled", good, true, 403,
			`{"statusCode":403,"message":"Forbidden","error":"API access not enabled for this account"}`},
		{"missing secret", `{"client_id":"a"}`, false, 400, ""},
		{"malformed", `[1,2]`, false, 400, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.disabled {
				s.DisableAPIAccess()
				defer s.EnableAPIAccess()
			}
			r := mustCall(t, s.Client(), "POST", s.TokenURL(), tt.body, map[string]string{"Content-Type": "application/json"})
			if r.status != tt.status {
				t.Fatalf("status %d, body %s", r.status, r.body)
			}
			if tt.want != "" && string(r.body) != tt.want {
				t.Errorf("body %s, want %s", r.body, tt.want)
			}
			m := decode(t, r.body)
			if tt.status == 400 && (m["statusCode"] != float64(400) || m["error"] == "") {
				t.Errorf("400 body %s", r.body)
			}
			if tt.status == 201 {
				if m["type"] != "Bearer" || m["expireIn"] != float64(86400) || m["expireOn"] != "2025-01-03T03:04:05.000Z" || m["token"] == "" {
					t.Errorf("body %s", r.body)
				}
			}
		})
	}
	t.Run("api 401 body", func(t *testing.T) {
		r := apiCall(t, s, s.Client(), "GET", "/api/charge/abc", "unknown", "")
		m := decode(t, r.body)
		if r.status != 401 || m["statusCode"] != float64(401) || m["message"] != "Unauthorized" {
			t.Errorf("status %d body %s", r.status, r.body)
		}
	})
}

func TestBankingAPI(t *testing.T) {
	s, err := providertest.NewBankingAPI(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.TokenURL() != s.URL+"/public/gw_banking/v1/auth/token-v2" {
		t.Fatalf("TokenURL %s", s.TokenURL())
	}
	cr := s.Credentials()
	bound := s.ClientCertificate()
	unbound, err := s.IssueClientCertificate(&providertest.CertificateOptions{Unbound: true})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-72 * time.Hour)
	expired, err := s.IssueClientCertificate(&providertest.CertificateOptions{NotBefore: past, NotAfter: past.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	good := jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret, "grant_type": "client_credentials"})
	jsonHdr := map[string]string{"Content-Type": "application/json"}

	for _, tt := range []struct {
		name   string
		cert   tls.Certificate
		body   string
		denyIP bool
		status int
		code   string
	}{
		{"ok", bound.TLS, good, false, 200, ""},
		{"unbound certificate", unbound.TLS, good, false, 401, "invalid_client_certificate"},
		{"expired certificate", expired.TLS, good, false, 401, "invalid_client_certificate"},
		{"foreign certificate", foreignCert(t), good, false, 401, "invalid_client_certificate"},
		{"ip not allowed", bound.TLS, good, true, 403, "forbidden"},
		{"wrong secret", bound.TLS, jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": "x", "grant_type": "client_credentials"}), false, 401, "invalid_client"},
		{"other grant", bound.TLS, jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret, "grant_type": "password"}), false, 400, "unsupported_grant_type"},
		{"missing grant", bound.TLS, jsonBody(t, map[string]string{"client_id": cr.ClientID, "client_secret": cr.ClientSecret}), false, 400, "invalid_request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.denyIP {
				s.DenyAllIPs()
				defer s.AllowIPs(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
			}
			r := mustCall(t, forcingClient(s, tt.cert), "POST", s.TokenURL(), tt.body, jsonHdr)
			if r.status != tt.status {
				t.Fatalf("status %d, body %s", r.status, r.body)
			}
			m := decode(t, r.body)
			if tt.status != 200 {
				if m["error"] != tt.code || m["error_description"] == "" {
					t.Errorf("body %s", r.body)
				}
				return
			}
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) || m["access_token"] == "" {
				t.Errorf("body %s", r.body)
			}
		})
	}

	t.Run("no certificate fails the handshake", func(t *testing.T) {
		if _, err := call(t.Context(), s.Client(), "POST", s.TokenURL(), good, jsonHdr); err == nil {
			t.Fatal("request without certificate succeeded")
		}
	})

	t.Run("rotation", func(t *testing.T) {
		second, err := s.IssueClientCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := s.ClientWithCertificate(bound.TLS), s.ClientWithCertificate(second.TLS)
		tok := fetchToken(t, s, c1)
		// Either bound certificate may carry the token.
		if r := apiCall(t, s, c2, "GET", "/public/gw_banking/v1/accounts/1/balance", tok, ""); r.status != 200 {
			t.Fatalf("second certificate: status %d %s", r.status, r.body)
		}
		s.Unbind(bound)
		r := apiCall(t, s, c1, "GET", "/x", tok, "")
		if r.status != 401 || decode(t, r.body)["error"] != "invalid_client_certificate" {
			t.Fatalf("unbound first certificate: status %d %s", r.status, r.body)
		}
		fetchToken(t, s, c2)
	})

	t.Run("ip allowlist applies to API calls", func(t *testing.T) {
		second, err := s.IssueClientCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		c := s.ClientWithCertificate(second.TLS)
		tok := fetchToken(t, s, c)
		s.AllowIPs(netip.MustParsePrefix("203.0.113.0/24"))
		defer s.AllowIPs(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		if r := apiCall(t, s, c, "GET", "/x", tok, ""); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
}

func TestCertificateForms(t *testing.T) {
	s, err := providertest.NewBankingAPI(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.IssueClientCertificate(&providertest.CertificateOptions{RSA: true, CommonName: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TLS.PrivateKey.(*rsa.PrivateKey); !ok || c.TLS.Leaf.Subject.CommonName != "acme" {
		t.Fatalf("key %T, CN %q", c.TLS.PrivateKey, c.TLS.Leaf.Subject.CommonName)
	}
	pemPair, err := tls.X509KeyPair(c.CertPEM, c.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		enc  func(string) ([]byte, error)
	}{{"modern", c.PFX}, {"legacy", c.LegacyPFX}} {
		t.Run(tt.name, func(t *testing.T) {
			pfx, err := tt.enc("pfx-pass")
			if err != nil {
				t.Fatal(err)
			}
			key, leaf, chain, err := pkcs12.DecodeChain(pfx, "pfx-pass")
			if err != nil {
				t.Fatal(err)
			}
			if len(chain) != 1 {
				t.Errorf("chain length %d", len(chain))
			}
			// The decoded pair is accepted by the fake.
			cert := tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key}
			fetchToken(t, s, s.ClientWithCertificate(cert))
		})
	}
	fetchToken(t, s, s.ClientWithCertificate(pemPair))
}

func TestAsaas(t *testing.T) {
	for _, env := range []providertest.Environment{providertest.Sandbox, providertest.Production} {
		s, err := providertest.NewAsaas(env, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		own, other := providertest.AsaasSandboxPrefix, providertest.AsaasProductionPrefix
		if env == providertest.Production {
			own, other = other, own
		}
		key := s.Credentials().APIKey
		t.Run(s.Provider(), func(t *testing.T) {
			if !strings.HasPrefix(key, own) || s.BaseURL() != s.URL+"/v3" || s.TokenURL() != "" {
				t.Fatalf("key prefix, BaseURL %s or TokenURL %s wrong", s.BaseURL(), s.TokenURL())
			}
			for _, tt := range []struct {
				name   string
				hdr    map[string]string
				status int
				code   string
				desc   string
			}{
				{"ok", map[string]string{"access_token": key, "User-Agent": "app"}, 200, "", ""},
				{"no key", map[string]string{"User-Agent": "app"}, 401, "access_token_not_found",
					"O cabeçalho de autenticação 'access_token' é obrigatório e não foi encontrado na requisição"},
				{"bad format", map[string]string{"access_token": "abc", "User-Agent": "app"}, 401, "invalid_access_token_format",
					"O valor fornecido não parece ser uma chave de API válida do Asaas. Verifique o formato da sua chave"},
				{"bare prefix", map[string]string{"access_token": own, "User-Agent": "app"}, 401, "invalid_access_token_format", ""},
				{"other environment", map[string]string{"access_token": other + "abc", "User-Agent": "app"}, 401, "invalid_environment",
					"A chave de API informada não pertence a este ambiente"},
				{"unknown key", map[string]string{"access_token": own + "abc", "User-Agent": "app"}, 401, "invalid_access_token",
					"A chave de API fornecida é inválida"},
				{"no user agent", map[string]string{"access_token": key, "User-Agent": ""}, 400, "user_agent_required", ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					r := mustCall(t, s.Client(), "GET", s.BaseURL()+"/customers?"+url.Values{"limit": {"1"}}.Encode(), "", tt.hdr)
					if r.status != tt.status {
						t.Fatalf("status %d, body %s", r.status, r.body)
					}
					if tt.status == 200 {
						return
					}
					m := decode(t, r.body)
					errs, _ := m["errors"].([]any)
					if len(errs) != 1 {
						t.Fatalf("body %s", r.body)
					}
					e := errs[0].(map[string]any)
					if e["code"] != tt.code || e["description"] == "" || (tt.desc != "" && e["description"] != tt.desc) {
						t.Errorf("body %s", r.body)
					}
				})
			}
		})
	}
}
