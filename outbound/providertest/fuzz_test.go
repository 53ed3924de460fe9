package providertest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequests feeds arbitrary bodies and headers to every fake's token
// endpoint and API: whatever arrives, a fake answers one of its documented
// statuses with a JSON body, and never panics.
func FuzzRequests(f *testing.F) {
	var fakes []*Server
	for _, mk := range []func() (*Server, error){
		func() (*Server, error) { return NewEfi(EfiPix, nil) },
		func() (*Server, error) { return NewSoPague(SoPagueIntegration, nil) },
		func() (*Server, error) { return NewDiviPay(nil) },
		func() (*Server, error) { return NewBankingAPI(nil) },
		func() (*Server, error) { return NewAsaas(Production, nil) },
	} {
		s, err := mk()
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(s.Close)
		fakes = append(fakes, s)
	}
	f.Add(`{"grant_type":"client_credentials"}`, "application/json", "Basic YTpi", true)
	f.Add("grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic YTpi", true)
	f.Add(`{"userName":"a","password":"b"}`, "application/json", "", true)
	f.Add(`{"client_id":"a","client_secret":"b","grant_type":"client_credentials"}`, "", "", true)
	f.Add(`{"client_id":1}`, "application/json", "Bearer x", false)
	f.Add("", "", "$aact_prod_x", false)
	f.Add("{}{}", "text/plain", "Bearer ", true)
	allowed := map[int]bool{200: true, 201: true, 400: true, 401: true, 403: true}
	f.Fuzz(func(t *testing.T, body, contentType, auth string, token bool) {
		for _, s := range fakes {
			path := "/v3/anything"
			if token && s.p.tokenPath != "" {
				path = s.p.tokenPath
			}
			r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			r.RemoteAddr = "127.0.0.1:40000"
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			r.Header.Set("Authorization", auth)
			r.Header.Set("access_token", auth)
			if c := s.clientCert; c != nil {
				r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{c.TLS.Leaf}}
			}
			w := httptest.NewRecorder()
			s.serveHTTP(w, r)
			if !allowed[w.Code] {
				t.Fatalf("%s: status %d for body %q", s.p.name, w.Code, body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s: invalid JSON response %q", s.p.name, w.Body.Bytes())
			}
		}
	})
}
