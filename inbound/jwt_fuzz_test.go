package inbound

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzBearerToken fuzzes Authorization header parsing, with one or two
// header values.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer abc", "Bearer", "Bearer ", "Basic x", "", "Bearer\ta.b.c", "BEARER  x  ", "Bearer a b"} {
		f.Add(s, "")
		f.Add(s, "Bearer second")
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		h := http.Header{"Authorization": {first}}
		if second != "" {
			h["Authorization"] = append(h["Authorization"], second)
		}
		tok, err := bearerToken(h)
		if err != nil {
			if tok != "" {
				t.Fatal("token with error")
			}
			if err.Status != http.StatusBadRequest && err.Status != http.StatusUnauthorized {
				t.Fatalf("status %d", err.Status)
			}
			if len(first) > 12 && strings.Contains(err.Error(), first) {
				t.Fatal("error echoes the header")
			}
			return
		}
		if second != "" {
			t.Fatal("two headers accepted")
		}
		if tok == "" || tok != strings.Trim(tok, " \t") || !strings.Contains(first, tok) {
			t.Fatalf("token %q from %q", tok, first)
		}
	})
}

// FuzzValidateJWT fuzzes the whole JWT path below header parsing.
func FuzzValidateJWT(f *testing.F) {
	k := fixtures()
	seeds := []string{
		sign(f, jwt.SigningMethodHS256, k.hmac, "hmac", claims(nil)),
		sign(f, jwt.SigningMethodES256, k.ec, "ec", claims(map[string]any{"scope": "a b", "scp": []string{"c"}})),
		sign(f, jwt.SigningMethodEdDSA, k.ed, "", claims(map[string]any{"aud": []string{"x", "api"}})),
		signNone(claims(nil), "hmac"),
		"e30.e30.e30", "a.b.c", "...", "", "eyJhbGciOiJIUzI1NiJ9..", "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiYiJdfQ.e30.AA",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	v := newTestValidator(f, func(o *JWTOptions) { o.RequiredScopes = []string{"a"}; o.MaxTokenSize = 4096 })
	f.Fuzz(func(t *testing.T, tok string) {
		for range 2 { // the second round may be answered by the cache
			p, err := v.validateToken(context.Background(), tok)
			if err == nil {
				if p == nil || p.Scheme != "Bearer" || !p.HasScope("a") {
					t.Fatalf("accepted with principal %+v", p)
				}
				continue
			}
			e, ok := AsError(err)
			if !ok || p != nil {
				t.Fatalf("error %v (%T), principal %v", err, err, p)
			}
			if e.Description == "" || (len(tok) > 16 && strings.Contains(e.Error(), tok)) {
				t.Fatalf("bad error %q", e.Error())
			}
		}
	})
}
