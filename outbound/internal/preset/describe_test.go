package preset

import (
	"crypto/tls"
	"strings"
	"testing"
)

type describeConfig struct {
	Environment  Environment
	BaseURL      string
	ClientID     string
	Token        string // a secret no list names
	Empty        string
	Certificates []tls.Certificate
	Other        *int
	hidden       string
}

// Describe fails closed: a string it does not know as public prints
// REDACTED; user info and query leave the BaseURL.
func TestDescribe(t *testing.T) {
	c := describeConfig{Environment: Production, BaseURL: "https://u:pw@api.example/v1?key=k1#f", ClientID: "id",
		Token: "tok-secret", Certificates: make([]tls.Certificate, 2), hidden: "h"}
	want := `preset.describeConfig{Environment: production, BaseURL: "https://api.example/v1", ClientID: "id", Token: REDACTED, Empty: "", Certificates: 2}`
	if got := Describe(c); got != want {
		t.Errorf("Describe = %s\nwant       %s", got, want)
	}
	if got := Describe(describeConfig{BaseURL: "%zz"}); !strings.Contains(got, `BaseURL: "REDACTED"`) {
		t.Errorf("an unparsable BaseURL: %s", got)
	}
}

func TestEnvironmentString(t *testing.T) {
	for e, want := range map[Environment]string{Sandbox: "sandbox", Production: "production", 2: "Environment(2)", -1: "Environment(-1)"} {
		if got := e.String(); got != want {
			t.Errorf("%d: %q, want %q", int(e), got, want)
		}
	}
}
