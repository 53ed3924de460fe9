package inbound

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLogValue(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"error", &Error{Status: 401, Code: CodeTokenExpired, Description: "the token has expired", Err: errors.New("exp 2026")},
			`"v":{"status":401,"code":"token_expired","description":"the token has expired","err":"exp 2026"}`},
		{"nil error", (*Error)(nil), `"v":"<nil>"`},
		{"principal", &Principal{Subject: "alice", Scheme: "Bearer", KeyID: "k1", Scopes: []string{"a", "b"},
			Claims: map[string]any{"email": "alice@example.com"}},
			`"v":{"subject":"alice","scheme":"Bearer","key_id":"k1","scopes":["a","b"]}`},
		{"api key principal", &Principal{Subject: "acme", Scheme: SchemeAPIKey, Environment: "sandbox"},
			`"v":{"subject":"acme","scheme":"APIKey","environment":"sandbox"}`},
		{"nil principal", (*Principal)(nil), `"v":"<nil>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", tt.v)
			if !strings.Contains(buf.String(), tt.want) {
				t.Errorf("got %s\nwant %s", buf.String(), tt.want)
			}
		})
	}
}
