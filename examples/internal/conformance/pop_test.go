package conformance_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// popCase is a request built afresh for each adapter (a DPoP proof is
// single-use) and the answer all must give.
type popCase struct {
	name       string
	guard      string
	req        func(method, target string) *http.Request
	twice      bool // send the same request twice; the second answer counts
	status     int
	code       string
	challenges []string // exact WWW-Authenticate values, error_description left out
	nonce      string
	body       string
}

type nonces struct{}

func (nonces) Valid(n string) bool { return n == "n-42" }
func (nonces) Current() string     { return "n-42" }

// TestProofOfPossessionConformance: DPoP, certificate-bound tokens and the
// IP allowlist answer alike through every adapter.
func TestProofOfPossessionConformance(t *testing.T) {
	k := newJWTKeys(t)
	clientKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	prover, err := outbound.NewDPoPProver(clientKey, &outbound.DPoPProverOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	certDER := []byte("the client certificate's DER")
	sum := sha256.Sum256(certDER)
	dpopTok := sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(map[string]any{"cnf": map[string]any{"jkt": prover.Thumbprint()}}))
	certTok := sign(t, jwt.SigningMethodES256, k.ec, "ec", claims(map[string]any{"cnf": map[string]any{"x5t#S256": b64(sum[:])}}))

	keys, err := inbound.StaticKeys(map[string]any{"ec": &k.ec.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	validator := func(mod func(*inbound.JWTOptions)) inbound.Validator {
		o := inbound.JWTOptions{Keys: keys, Algorithms: []string{"ES256"}, Issuer: "https://issuer.example", Audience: "api",
			Now: func() time.Time { return now }}
		mod(&o)
		v, err := inbound.BearerJWT(o)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ip, err := inbound.IPAllowlist([]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
		&inbound.IPOptions{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	guards := map[string]inbound.Validator{
		"dpop": validator(func(o *inbound.JWTOptions) { o.DPoP = &inbound.DPoPOptions{Algorithms: []string{"ES256"}} }),
		"dpop-only": validator(func(o *inbound.JWTOptions) {
			o.DPoP = &inbound.DPoPOptions{Algorithms: []string{"ES256"}, Required: true}
		}),
		"nonce": validator(func(o *inbound.JWTOptions) {
			o.DPoP = &inbound.DPoPOptions{Algorithms: []string{"ES256"}, Nonces: nonces{}}
		}),
		"certbound": validator(func(o *inbound.JWTOptions) { o.CertificateBound = true }),
		"ip":        ip,
	}
	const target = "http://example.com/v3/payments"
	dpopReq := func(tok string) func(method, target string) *http.Request {
		return func(method, target string) *http.Request {
			r := httptest.NewRequest(method, target, nil)
			u := *r.URL
			u.Scheme, u.Host = "http", "example.com"
			proof, err := prover.Proof(method, &u, tok)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Authorization", "DPoP "+tok)
			r.Header.Set("DPoP", proof)
			return r
		}
	}
	plain := func(hdr ...string) func(method, target string) *http.Request {
		return func(method, target string) *http.Request {
			r := httptest.NewRequest(method, target, nil)
			for i := 0; i+1 < len(hdr); i += 2 {
				r.Header.Add(hdr[i], hdr[i+1])
			}
			return r
		}
	}
	withCert := func(der []byte, f func(string, string) *http.Request) func(method, target string) *http.Request {
		return func(method, target string) *http.Request {
			r := f(method, target)
			r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Raw: der}}}
			return r
		}
	}
	from := func(peer string, f func(string, string) *http.Request) func(method, target string) *http.Request {
		return func(method, target string) *http.Request {
			r := f(method, target)
			r.RemoteAddr = peer
			return r
		}
	}
	const dpopAttrs = `DPoP realm="api", algs="ES256"`
	cases := []popCase{
		{name: "DPoP: valid proof", guard: "dpop", req: dpopReq(dpopTok), status: 200, body: "ok user-1"},
		{name: "DPoP: replayed proof", guard: "dpop", req: dpopReq(dpopTok), twice: true, status: 401, code: inbound.CodeInvalidDPoPProof,
			challenges: []string{dpopAttrs + `, error="invalid_dpop_proof"`}},
		{name: "DPoP: no proof", guard: "dpop", req: plain("Authorization", "DPoP "+dpopTok), status: 401, code: inbound.CodeInvalidDPoPProof,
			challenges: []string{dpopAttrs + `, error="invalid_dpop_proof"`}},
		{name: "DPoP: bound token as Bearer", guard: "dpop", req: plain("Authorization", "Bearer "+dpopTok), status: 401, code: inbound.CodeInvalidToken,
			challenges: []string{dpopAttrs + `, error="invalid_token"`}},
		{name: "DPoP: no token, both schemes offered", guard: "dpop", req: plain(), status: 401, code: inbound.CodeMissingToken,
			challenges: []string{`Bearer realm="api"`, dpopAttrs}},
		{name: "DPoP required: Bearer refused", guard: "dpop-only", req: plain("Authorization", "Bearer "+certTok), status: 401, code: inbound.CodeMissingToken,
			challenges: []string{dpopAttrs}},
		{name: "DPoP: server nonce demanded", guard: "nonce", req: dpopReq(dpopTok), status: 401, code: inbound.CodeUseDPoPNonce,
			challenges: []string{dpopAttrs + `, error="use_dpop_nonce"`}, nonce: "n-42"},
		{name: "cert-bound: right certificate", guard: "certbound", req: withCert(certDER, plain("Authorization", "Bearer "+certTok)), status: 200, body: "ok user-1"},
		{name: "cert-bound: other certificate", guard: "certbound", req: withCert([]byte("other"), plain("Authorization", "Bearer "+certTok)), status: 401,
			code: inbound.CodeInvalidToken, challenges: []string{`Bearer realm="api", error="invalid_token"`}},
		{name: "cert-bound: no certificate", guard: "certbound", req: plain("Authorization", "Bearer "+certTok), status: 401,
			code: inbound.CodeInvalidToken, challenges: []string{`Bearer realm="api", error="invalid_token"`}},
		{name: "IP: allowed peer", guard: "ip", req: from("192.0.2.9:1000", plain()), status: 200, body: "ok -"},
		{name: "IP: refused peer", guard: "ip", req: from("198.51.100.1:1000", plain()), status: 403, code: inbound.CodeIPNotAllowed},
		{name: "IP: via trusted proxy", guard: "ip", req: from("10.0.0.1:1000", plain("X-Forwarded-For", "192.0.2.9")), status: 200, body: "ok -"},
		{name: "IP: spoofed via untrusted peer", guard: "ip", req: from("198.51.100.1:1000", plain("X-Forwarded-For", "192.0.2.9")), status: 403, code: inbound.CodeIPNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := middleware.New(guards[tc.guard], nil)
			if err != nil {
				t.Fatal(err)
			}
			var first response
			for i, a := range adapters {
				h := a.serve(g)
				r := tc.req(http.MethodGet, target)
				if tc.twice {
					serve(h, r.Clone(r.Context()))
				}
				got := serve(h, r)
				checkPoP(t, a.name, tc, got)
				if i == 0 {
					first = got
				} else if !reflect.DeepEqual(got, first) {
					t.Errorf("%s answered differently from %s:\n%+v\n%+v", a.name, adapters[0].name, got, first)
				}
			}
			// The proof of a gRPC call names POST and the full method.
			checkGRPC(t, grpcServer(t, g), func(method string) *http.Request {
				return tc.req(http.MethodPost, "http://example.com"+method)
			}, tc.twice, first)
		})
	}
}

func checkPoP(t *testing.T, adapter string, tc popCase, got response) {
	t.Helper()
	checkExpected(t, testCase{status: tc.status, code: tc.code, body: tc.body}, response{got.Status, http.Header{"Cache-Control": got.Header["Cache-Control"]}, got.Body})
	var challenges []string
	for _, c := range got.Header.Values("WWW-Authenticate") {
		if i := strings.Index(c, `, error_description="`); i >= 0 {
			c = c[:i]
		}
		challenges = append(challenges, c)
	}
	if !reflect.DeepEqual(challenges, tc.challenges) {
		t.Errorf("%s: WWW-Authenticate = %q, want %q", adapter, got.Header.Values("WWW-Authenticate"), tc.challenges)
	}
	if n := got.Header.Get("DPoP-Nonce"); n != tc.nonce {
		t.Errorf("%s: DPoP-Nonce = %q, want %q", adapter, n, tc.nonce)
	}
}
