package inbound

import (
	"net/http"
	"strings"
	"testing"
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
