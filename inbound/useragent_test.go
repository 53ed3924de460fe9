package inbound_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
)

func TestUserAgent(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		ok     bool
	}{
		{"present", []string{"my-app/1.0"}, true},
		{"missing", nil, false},
		{"empty", []string{""}, false},
		{"whitespace", []string{" \t"}, false},
		{"second one set", []string{"", "my-app/1.0"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.values != nil {
				r.Header["User-Agent"] = tt.values
			}
			p, err := inbound.UserAgent().Validate(r)
			if p != nil {
				t.Errorf("Principal = %+v, want nil", p)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e, ok := inbound.AsError(err)
			if !ok || e.Status != 400 || e.Code != inbound.CodeUserAgentRequired || e.Challenge != inbound.ChallengeNone {
				t.Fatalf("err = %#v, want 400 user_agent_required without challenge", err)
			}
		})
	}
}
