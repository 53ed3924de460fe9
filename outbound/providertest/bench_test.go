package providertest_test

import (
	"net/http"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// BenchmarkTokenEndpoint measures one token request over loopback TLS
// (keep-alive), so load tests know how many fetches a fake can serve.
func BenchmarkTokenEndpoint(b *testing.B) {
	s, err := providertest.NewDiviPay(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body, hdr := tokenRequest(b, s)
	c := s.Client()
	b.ReportAllocs()
	for b.Loop() {
		if r := mustCall(b, c, "POST", s.TokenURL(), body, hdr); r.status != http.StatusCreated {
			b.Fatal(r.status)
		}
	}
}

// BenchmarkAPICall measures one authenticated API call.
func BenchmarkAPICall(b *testing.B) {
	s, err := providertest.NewBankingAPI(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := clientFor(s)
	tok := fetchToken(b, s, c)
	b.ReportAllocs()
	for b.Loop() {
		if r := apiCall(b, s, c, "GET", "/x", tok, ""); r.status != http.StatusOK {
			b.Fatal(r.status)
		}
	}
}
