package preset

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

type tokenConfig struct {
	Environment  int8
	API          uint
	BaseURL      string
	ClientID     string
	ClientSecret string
	Store        outbound.Store
}

var tokenProvider = Provider[tokenConfig, Built]{
	Name:     "p",
	APIs:     []API{{Name: "A", TokenPath: "/token", URLs: [2]string{Production: "https://p.example"}}},
	Required: []string{"ClientID", "ClientSecret"},
	Identity: "ClientID",
	Fetcher: func(c tokenConfig, e Endpoint) outbound.Fetcher {
		return &outbound.ClientCredentials{TokenURL: e.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Client: e.Client, Now: e.Now}
	},
	Parts: func(b Built) Built { return b },
}

// Every problem of a Config is reported at once, each with one prefix.
func TestProviderReportsEveryProblem(t *testing.T) {
	_, err := tokenProvider.New(tokenConfig{Environment: 3, API: 1, BaseURL: "ftp://x"})
	if !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Fatalf("err = %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"unknown Environment 3", "unknown API 1", "ClientID is required", "ClientSecret is required", "BaseURL must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q in it", err, want)
		}
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "p: invalid configuration: ") || strings.Count(l, "invalid configuration") != 1 {
			t.Errorf("line %q", l)
		}
	}
	b, err := tokenProvider.NewParts(tokenConfig{Environment: int8(Production), ClientID: "id", ClientSecret: "s", Store: outbound.MemoryStore()})
	if err != nil || b.Source == nil || b.BaseURL != "https://p.example" {
		t.Fatalf("valid: %+v, %v", b, err)
	}
}

// A Provider that names a field its Config lacks, or a Config field of the
// wrong type, is an error at New, not a silent zero.
func TestProviderMistakes(t *testing.T) {
	bad := tokenProvider
	bad.Identity = "UserName"
	if _, err := bad.New(tokenConfig{ClientID: "id", ClientSecret: "s", BaseURL: "https://p.example", Store: outbound.MemoryStore()}); err == nil {
		t.Error("an Identity the Config lacks was accepted")
	}
	type wrongType struct{ Store string }
	p := Provider[wrongType, *http.Client]{Name: "w", APIs: []API{{}}}
	if _, err := p.New(wrongType{}); err == nil || !strings.Contains(err.Error(), "Store") {
		t.Errorf("a Store of the wrong type: err = %v", err)
	}
}

// A cause of another package loses its prefix, once per joined error.
func TestWrap(t *testing.T) {
	cause := errors.Join(errors.New("outbound: invalid configuration: A"), &mtls.Error{Op: "load", Err: mtls.ErrExpired})
	err := wrap("p", cause)
	want := "p: invalid configuration: A\np: invalid configuration: load: certificate has expired"
	if err.Error() != want || !errors.Is(err, mtls.ErrExpired) || !errors.Is(err, outbound.ErrInvalidConfig) {
		t.Errorf("wrap = %q, want %q", err, want)
	}
	if again := wrap("p", err); again.Error() != want {
		t.Errorf("wrapped twice: %q", again)
	}
}
