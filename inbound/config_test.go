package inbound_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/inbound"
)

// TestConfigErrorsJoined: every mistake of one configuration is reported at
// once, and each wraps ErrInvalidConfig.
func TestConfigErrorsJoined(t *testing.T) {
	_, jwtErr := inbound.BearerJWT(inbound.JWTOptions{
		Algorithms: []string{"none", "RS257"},
		Leeway:     -time.Second, MaxTokenSize: -1, RequiredScopes: []string{"a b"},
	})
	_, keysErr := inbound.StaticKeys(map[string]any{
		"short": []byte("short"),
		"nilec": &ecdsa.PublicKey{Curve: elliptic.P256()},
	})
	_, jwksErr := inbound.JWKS("http://issuer.example/jwks", &inbound.JWKSOptions{Timeout: -1, MinRefresh: time.Hour, MaxRefresh: time.Minute})
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"BearerJWT", jwtErr, []string{"Keys is required", `"none"`, `"RS257"`, "Leeway", "MaxTokenSize", `"a b"`}},
		{"StaticKeys", keysErr, []string{`key "short"`, `key "nilec"`}},
		{"JWKS", jwksErr, []string{"must be https", "must not be negative", "MaxRefresh is shorter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, inbound.ErrInvalidConfig) {
				t.Fatalf("%v does not wrap ErrInvalidConfig", tt.err)
			}
			joined, ok := tt.err.(interface{ Unwrap() []error })
			if !ok || len(joined.Unwrap()) != len(tt.want) {
				t.Fatalf("want %d joined errors, got %v", len(tt.want), tt.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(tt.err.Error(), w) {
					t.Errorf("%q missing from %v", w, tt.err)
				}
			}
		})
	}
}

// TestCheckConfig: an All of nothing, with a nil member, or holding such an
// All, is a configuration error; sound validators pass.
func TestCheckConfig(t *testing.T) {
	ok := inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return nil, nil })
	tests := []struct {
		name    string
		v       inbound.Validator
		wantErr bool
	}{
		{"nil", nil, true},
		{"All of nothing", inbound.All(), true},
		{"All with a nil validator", inbound.All(ok, nil), true},
		{"All holding an All of nothing", inbound.All(ok, inbound.All()), true},
		{"All of one", inbound.All(ok), false},
		{"UserAgent", inbound.UserAgent(), false},
		{"a plain validator", ok, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := inbound.CheckConfig(tt.v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckConfig: %v", err)
			}
			if err != nil && !errors.Is(err, inbound.ErrInvalidConfig) {
				t.Fatalf("%v does not wrap ErrInvalidConfig", err)
			}
		})
	}
}
