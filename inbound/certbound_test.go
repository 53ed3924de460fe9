package inbound

import (
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestCertificateBound(t *testing.T) {
	v := newTestValidator(t, func(o *JWTOptions) {
		o.CertificateBound = true
		o.ClientCertProxies = prefixes("10.0.0.0/8")
	})
	bound := boundToken(t, x5t("cert-A"))
	unbound := boundToken(t, nil)
	viaProxy := func(peer, header string) *http.Request {
		r := bearerRequest(bound)
		r.RemoteAddr = peer
		if header != "" {
			r.Header.Set("Client-Cert", header)
		}
		return r
	}
	tests := []struct {
		name   string
		req    *http.Request
		reason string // "" = accepted
	}{
		{"right certificate", withCert(bearerRequest(bound), "cert-A"), ""},
		{"other certificate", withCert(bearerRequest(bound), "cert-B"), "not the one"},
		{"no certificate", bearerRequest(bound), "no client certificate"},
		{"token not bound", withCert(bearerRequest(unbound), "cert-A"), "not bound"},
		{"trusted proxy forwards the certificate", viaProxy("10.1.2.3:4000", clientCertValue("cert-A")), ""},
		{"trusted proxy, unpadded byte sequence", viaProxy("10.1.2.3:4000", ":"+strings.TrimRight(clientCertValue("cert-A")[1:], "=:")+":"), ""},
		{"trusted proxy forwards another certificate", viaProxy("10.1.2.3:4000", clientCertValue("cert-B")), "not the one"},
		{"trusted proxy forwards nothing", withCert(viaProxy("10.1.2.3:4000", ""), "cert-A"), "no client certificate"},
		{"trusted proxy, malformed header", viaProxy("10.1.2.3:4000", "cert-A"), "no client certificate"},
		{"untrusted peer's header ignored", viaProxy("198.51.100.1:4000", clientCertValue("cert-A")), "no client certificate"},
		{"untrusted peer's header does not override TLS", withCert(viaProxy("198.51.100.1:4000", clientCertValue("cert-A")), "cert-B"), "not the one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(tt.req)
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
			if !strings.Contains(e.Description, "certificate binding failed") || !strings.Contains(e.Description, tt.reason) {
				t.Errorf("description %q, want the binding failure %q", e.Description, tt.reason)
			}
		})
	}
}

// TestCertificateBoundCached: a token that verified (and was cached) with
// the right certificate is still refused with another one.
func TestCertificateBoundCached(t *testing.T) {
	v := newTestValidator(t, func(o *JWTOptions) { o.CertificateBound = true })
	tok := boundToken(t, x5t("cert-A"))
	if _, err := v.Validate(withCert(bearerRequest(tok), "cert-A")); err != nil {
		t.Fatal(err)
	}
	if v.cache.len() != 1 {
		t.Fatalf("cache holds %d tokens, want 1", v.cache.len())
	}
	_, err := v.Validate(withCert(bearerRequest(tok), "cert-B"))
	wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
	_, err = v.Validate(bearerRequest(tok))
	wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
	if _, err := v.Validate(withCert(bearerRequest(tok), "cert-A")); err != nil {
		t.Fatal(err)
	}
}

// TestCertificateBoundAndDPoP: both bindings on one token are both checked.
func TestCertificateBoundAndDPoP(t *testing.T) {
	pk := popFixtures()
	v := newTestValidator(t, func(o *JWTOptions) { o.CertificateBound = true; o.DPoP = &DPoPOptions{} })
	cnf := x5t("cert-A")
	cnf["jkt"] = thumbprint(t, pk.ec)
	tok := boundToken(t, cnf)
	if _, err := v.Validate(withCert(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)), "cert-A")); err != nil {
		t.Fatal(err)
	}
	_, err := v.Validate(withCert(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)), "cert-B"))
	wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
}

// TestCertificateBoundWhateverTheOptions: a token that carries
// cnf.x5t#S256 is checked against the client certificate by every
// validator, not only those with CertificateBound; CertificateBound
// additionally refuses unbound tokens.
func TestCertificateBoundWhateverTheOptions(t *testing.T) {
	bound := boundToken(t, x5t("cert-A"))
	unbound := boundToken(t, nil)
	validators := map[string]func(*JWTOptions){
		"no options":        nil,
		"DPoP":              func(o *JWTOptions) { o.DPoP = &DPoPOptions{} },
		"ClientCertProxies": func(o *JWTOptions) { o.ClientCertProxies = prefixes("10.0.0.0/8") },
		"CertificateBound":  func(o *JWTOptions) { o.CertificateBound = true },
	}
	for name, mod := range validators {
		t.Run(name, func(t *testing.T) {
			v := newTestValidator(t, mod)
			for _, tt := range []struct {
				name string
				req  *http.Request
				ok   bool
			}{
				{"bound, right certificate", withCert(bearerRequest(bound), "cert-A"), true},
				{"bound, no certificate", bearerRequest(bound), false},
				{"bound, other certificate", withCert(bearerRequest(bound), "cert-B"), false},
				{"unbound", bearerRequest(unbound), name != "CertificateBound"},
			} {
				// Twice: the second answer comes from the verified-token cache.
				for range 2 {
					_, err := v.Validate(tt.req)
					if tt.ok != (err == nil) {
						t.Fatalf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
					}
					if err != nil && code(err) != CodeInvalidToken {
						t.Fatalf("%s: err = %v", tt.name, err)
					}
				}
			}
		})
	}
}

// TestMalformedCnf: a cnf that is not a well-formed object of well-formed,
// known members is invalid_token; it is never read as "unbound".
func TestMalformedCnf(t *testing.T) {
	pk := popFixtures()
	jkt := thumbprint(t, pk.ec)
	for name, cnf := range map[string]any{
		"empty x5t#S256 beside jkt": map[string]any{"jkt": jkt, "x5t#S256": ""},
		"numeric x5t#S256":          map[string]any{"jkt": jkt, "x5t#S256": 0},
		"null x5t#S256":             map[string]any{"jkt": jkt, "x5t#S256": nil},
		"null jkt":                  map[string]any{"jkt": nil},
		"short jkt":                 map[string]any{"jkt": "abc"},
		"jkt not base64url":         map[string]any{"jkt": strings.Repeat("+", 43)},
		"unknown method beside jkt": map[string]any{"jkt": jkt, "jwk": map[string]any{"kty": "EC"}},
		"kid method":                map[string]any{"kid": "k1"},
		"empty object":              map[string]any{},
		"string":                    "jkt",
		"null":                      nil,
		"array":                     []any{jkt},
	} {
		t.Run(name, func(t *testing.T) {
			c := claims(nil)
			c["cnf"] = cnf
			tok := sign(t, jwt.SigningMethodRS256, fixtures().rsa, "rsa", c)
			for _, v := range []*jwtValidator{newTestValidator(t, nil), dpopValidator(t, nil)} {
				_, err := v.Validate(bearerRequest(tok))
				e := wantRefusal(t, err, CodeInvalidToken, "", ChallengeBearerError)
				if !strings.Contains(e.Description, "cnf") {
					t.Fatalf("description %q", e.Description)
				}
			}
		})
	}
}

// TestBindingNotReadFromClaims: a handler that deletes cnf from a cached
// Principal's claims does not turn the token into an unbound one.
func TestBindingNotReadFromClaims(t *testing.T) {
	pk := popFixtures()
	cnf := x5t("cert-A")
	cnf["jkt"] = thumbprint(t, pk.ec)
	tok := boundToken(t, cnf)
	v := dpopValidator(t, nil)
	p, err := v.Validate(withCert(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)), "cert-A"))
	if err != nil {
		t.Fatal(err)
	}
	delete(p.Claims, "cnf") // a careless handler
	_, err = v.Validate(bearerRequest(tok))
	wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
	_, err = v.Validate(withCert(dpopRequest(tok, makeProof(t, pk.ec, "", proofClaims(tok), nil)), "cert-B"))
	wantRefusal(t, err, CodeInvalidToken, "invalid_token", ChallengeDPoPError)
	if p.Scheme != "DPoP" {
		t.Fatalf("Scheme = %q", p.Scheme)
	}
}

// FuzzConfirmation fuzzes the cnf reader with any JSON value as cnf: it
// either refuses it or returns thumbprints that the object held, under the
// names it knows, and nothing else.
func FuzzConfirmation(f *testing.F) {
	jkt := thumbprint(f, popFixtures().ec)
	for _, s := range []string{`{"jkt":"` + jkt + `"}`, `{"x5t#S256":"` + jkt + `","jkt":"` + jkt + `"}`, `{"jkt":"` + jkt + `","x5t#S256":""}`,
		`{"jkt":0}`, `{"jkt":null}`, `{}`, `null`, `"jkt"`, `[]`, `{"jwk":{}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := parseJSONObject(`{"cnf":` + s + `}`)
		if err != nil {
			return
		}
		c, e := parseConfirmation(claims)
		if e != nil {
			if e.Code != CodeInvalidToken || c != (confirmation{}) {
				t.Fatalf("refusal %v with %+v", e, c)
			}
			return
		}
		cnf, _ := claims["cnf"].(map[string]any)
		if len(cnf) == 0 || (c.jkt != "" && cnf["jkt"] != c.jkt) || (c.x5t != "" && cnf["x5t#S256"] != c.x5t) ||
			len(cnf) != btoi(c.jkt != "")+btoi(c.x5t != "") || (c.jkt != "" && !isThumbprint(c.jkt)) || (c.x5t != "" && !isThumbprint(c.x5t)) {
			t.Fatalf("cnf %s read as %+v", s, c)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
