package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// TestWriteErrorDPoP: the challenges of RFC 9449 §7.1 and the DPoP-Nonce
// header of §9.
func TestWriteErrorDPoP(t *testing.T) {
	const algs = "ES256 EdDSA"
	tests := []struct {
		name       string
		err        *inbound.Error
		challenges []string
		nonce      string
	}{
		{
			name:       "no token, Bearer and DPoP accepted",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeMissingToken, Challenge: inbound.ChallengeBearer, DPoPAlgs: algs},
			challenges: []string{`Bearer realm="api"`, `DPoP realm="api", algs="ES256 EdDSA"`},
		},
		{
			name:       "no token, DPoP only",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeMissingToken, Challenge: inbound.ChallengeDPoP, DPoPAlgs: algs},
			challenges: []string{`DPoP realm="api", algs="ES256 EdDSA"`},
		},
		{
			name:       "bad proof",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeInvalidDPoPProof, Description: "the DPoP proof was already used", Challenge: inbound.ChallengeDPoPError, DPoPAlgs: algs},
			challenges: []string{`DPoP realm="api", algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="the DPoP proof was already used"`},
		},
		{
			name:       "token problem under DPoP keeps its code",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeTokenExpired, Challenge: inbound.ChallengeDPoPError, DPoPAlgs: algs},
			challenges: []string{`DPoP realm="api", algs="ES256 EdDSA", error="invalid_token"`},
		},
		{
			name:       "nonce",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeUseDPoPNonce, Challenge: inbound.ChallengeDPoPError, DPoPAlgs: algs, DPoPNonce: "eyJ7S_zG.eyJH0-Z"},
			challenges: []string{`DPoP realm="api", algs="ES256 EdDSA", error="use_dpop_nonce"`},
			nonce:      "eyJ7S_zG.eyJH0-Z",
		},
		{
			name:       "hostile nonce is not sent",
			err:        &inbound.Error{Status: 401, Code: inbound.CodeUseDPoPNonce, Challenge: inbound.ChallengeDPoPError, DPoPNonce: "a\r\nX-Evil: 1"},
			challenges: []string{`DPoP realm="api", error="use_dpop_nonce"`},
		},
	}
	g, err := middleware.New(inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return nil, nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			if got := w.Header().Values("WWW-Authenticate"); !reflect.DeepEqual(got, tt.challenges) {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenges)
			}
			if got := w.Header().Get("DPoP-Nonce"); got != tt.nonce {
				t.Errorf("DPoP-Nonce = %q, want %q", got, tt.nonce)
			}
			if w.Code != tt.err.Status {
				t.Errorf("status %d", w.Code)
			}
		})
	}
}

// A nil Guard renders DPoP challenges with the default realm, as it does
// Bearer ones.
func TestWriteErrorDPoPNilGuard(t *testing.T) {
	var g *middleware.Guard
	w := httptest.NewRecorder()
	g.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil),
		&inbound.Error{Status: 401, Code: inbound.CodeInvalidDPoPProof, Challenge: inbound.ChallengeDPoPError, DPoPAlgs: "ES256"})
	if got := w.Header().Get("WWW-Authenticate"); got != `DPoP realm="api", algs="ES256", error="invalid_dpop_proof"` {
		t.Fatalf("WWW-Authenticate = %q", got)
	}
}
