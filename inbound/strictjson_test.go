package inbound

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestStrictJOSEHeader covers header parsing: exact member names, valid
// UTF-8, no duplicates, alg required. Each token is HMAC-signed over its raw
// header so that only the parser decides.
func TestStrictJOSEHeader(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	payload := mustJSON(t, claims(nil))
	tests := []struct {
		name    string
		header  string
		desc    string // expected Description; "" means accepted
		cause   error  // expected cause, if any
		wantKID string
	}{
		{name: "plain", header: `{"alg":"HS256","kid":"hmac"}`, wantKID: "hmac"},
		{name: "ALG is not alg", header: `{"ALG":"HS256","kid":"hmac"}`, desc: "the token header has no algorithm"},
		{name: "Alg does not override alg", header: `{"alg":"RS256","Alg":"HS256","kid":"hmac"}`, desc: "the key for the token does not fit its algorithm"},
		{name: "KID does not override kid", header: `{"alg":"HS256","kid":"hmac","KID":"rsa"}`, wantKID: "hmac"},
		{name: "duplicate alg", header: `{"alg":"HS256","alg":"HS256","kid":"hmac"}`, desc: "the token header is malformed", cause: errJSONDuplicate},
		{name: "duplicate kid", header: `{"alg":"HS256","kid":"rsa","kid":"hmac"}`, desc: "the token header is malformed", cause: errJSONDuplicate},
		{name: "duplicate unknown member", header: `{"alg":"HS256","kid":"hmac","x":1,"x":2}`, desc: "the token header is malformed", cause: errJSONDuplicate},
		{name: "invalid UTF-8 in kid", header: "{\"alg\":\"HS256\",\"kid\":\"hm\xffac\"}", desc: "the token header is malformed", cause: errJSONUTF8},
		{name: "invalid UTF-8 in a name", header: "{\"alg\":\"HS256\",\"kid\":\"hmac\",\"\xc3\":1}", desc: "the token header is malformed", cause: errJSONUTF8},
		{name: "lone surrogate escape", header: `{"alg":"HS256","kid":"hmac","x":"\ud800"}`, desc: "the token header is malformed", cause: errJSONUTF8},
		{name: "alg null", header: `{"alg":null,"kid":"hmac"}`, desc: "the token header is malformed", cause: errJSONType},
		{name: "alg empty", header: `{"alg":"","kid":"hmac"}`, desc: "the token's algorithm is not allowed"},
		{name: "trailing garbage", header: `{"alg":"HS256","kid":"hmac"}x`, desc: "the token header is malformed", cause: errJSONSyntax},
		{name: "trailing comma", header: `{"alg":"HS256","kid":"hmac",}`, desc: "the token header is malformed", cause: errJSONSyntax},
		{name: "escaped name is the same name", header: `{"alg":"HS256","kid":"hmac","\u006bid":"rsa"}`, desc: "the token header is malformed", cause: errJSONDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := hmacToken(t, k.hmac, tt.header, payload)
			p, err := v.Validate(bearerRequest(tok))
			if tt.desc == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.KeyID != tt.wantKID {
					t.Fatalf("KeyID %q, want %q", p.KeyID, tt.wantKID)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != CodeInvalidToken || e.Description != tt.desc {
				t.Fatalf("got %v, want invalid_token %q", err, tt.desc)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Fatalf("cause %v, want %v", e.Err, tt.cause)
			}
		})
	}
}

// TestStrictJWTClaims covers the claims: duplicates and invalid UTF-8 are
// refused at every depth.
func TestStrictJWTClaims(t *testing.T) {
	k := fixtures()
	v := newTestValidator(t, nil)
	base := `"iss":"https://issuer.example","aud":"api","exp":1700003600`
	tests := []struct {
		name    string
		payload string
		cause   error // nil means accepted
	}{
		{name: "valid", payload: `{` + base + `,"sub":"user-1"}`},
		{name: "duplicate sub", payload: `{` + base + `,"sub":"admin","sub":"user-1"}`, cause: errJSONDuplicate},
		{name: "duplicate exp", payload: `{` + base + `,"sub":"user-1","exp":9999999999}`, cause: errJSONDuplicate},
		{name: "duplicate in a nested object", payload: `{` + base + `,"sub":"user-1","x":{"a":1,"a":2}}`, cause: errJSONDuplicate},
		{name: "invalid UTF-8 in sub", payload: "{" + base + ",\"sub\":\"us\xe9r\"}", cause: errJSONUTF8},
		{name: "UTF-8 surrogate bytes", payload: "{" + base + ",\"sub\":\"\xed\xa0\x80\"}", cause: errJSONUTF8},
		{name: "low surrogate first", payload: `{` + base + `,"sub":"\udc00\ud800"}`, cause: errJSONUTF8},
		{name: "number out of range", payload: `{` + base + `,"sub":"user-1","n":1e999}`, cause: errJSONNumber},
		{name: "leading zero", payload: `{` + base + `,"sub":"user-1","n":01}`, cause: errJSONSyntax},
		{name: "not an object", payload: `["sub"]`, cause: errJSONNotObject},
		{name: "too deep", payload: `{` + base + `,"sub":"user-1","x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, cause: errJSONDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := hmacToken(t, k.hmac, `{"alg":"HS256","kid":"hmac"}`, tt.payload)
			p, err := v.Validate(bearerRequest(tok))
			if tt.cause == nil {
				if err != nil || p.Subject != "user-1" {
					t.Fatalf("got %v, %v", p, err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != CodeInvalidToken || !errors.Is(err, tt.cause) {
				t.Fatalf("got %v, want invalid_token caused by %v", err, tt.cause)
			}
		})
	}
}

// hmacToken signs the raw header and payload text with HS256.
func hmacToken(t testing.TB, key []byte, header, payload string) string {
	t.Helper()
	input := b64([]byte(header)) + "." + b64([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
