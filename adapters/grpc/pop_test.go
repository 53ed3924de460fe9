package grpcauth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound"
)

var hmacKey = []byte("grpcauth-test-hmac-secret-of-32-bytes-or-more")

func signToken(t testing.TB, cnf map[string]any) string {
	t.Helper()
	c := jwt.MapClaims{"iss": "https://issuer.example", "aud": "api", "sub": "user-1", "exp": time.Now().Add(time.Hour).Unix()}
	if cnf != nil {
		c["cnf"] = cnf
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = "k"
	s, err := tok.SignedString(hmacKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jwtValidator(t testing.TB, mod func(*inbound.JWTOptions)) inbound.Validator {
	t.Helper()
	keys, err := inbound.StaticKeys(map[string]any{"k": hmacKey})
	if err != nil {
		t.Fatal(err)
	}
	o := inbound.JWTOptions{Keys: keys, Algorithms: []string{"HS256"}, Issuer: "https://issuer.example", Audience: "api"}
	if mod != nil {
		mod(&o)
	}
	v, err := inbound.BearerJWT(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDPoP: a proof's htu is https://<authority>/<full method>.
func TestDPoP(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	prover, err := outbound.NewDPoPProver(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := signToken(t, map[string]any{"jkt": prover.Thumbprint()})
	s := startServer(t, jwtValidator(t, func(o *inbound.JWTOptions) { o.DPoP = &inbound.DPoPOptions{} }), nil)
	conn := s.dial(t, false)
	const method = "/grpc.testing.TestService/UnaryCall"
	for _, tt := range []struct {
		name, htu, htm string
		want           codes.Code
	}{
		{"right htu", "https://127.0.0.1" + method, "POST", codes.OK},
		{"http scheme", "http://127.0.0.1" + method, "POST", codes.Unauthenticated},
		{"other method", "https://127.0.0.1/grpc.testing.TestService/EmptyCall", "POST", codes.Unauthenticated},
		{"GET", "https://127.0.0.1" + method, "GET", codes.Unauthenticated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.htu)
			if err != nil {
				t.Fatal(err)
			}
			proof, err := prover.Proof(tt.htm, u, tok)
			if err != nil {
				t.Fatal(err)
			}
			ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "DPoP "+tok, "dpop", proof)
			got := callUnary(ctx, conn)
			if got.code != tt.want || (tt.want == codes.OK && got.subject != "user-1") {
				t.Fatalf("got %+v", got)
			}
			if tt.want != codes.OK && got.msg[:len(inbound.CodeInvalidDPoPProof)] != inbound.CodeInvalidDPoPProof {
				t.Errorf("message %q", got.msg)
			}
		})
	}
}

// TestCertificateBound: the token's cnf.x5t#S256 is checked against the
// TLS client certificate of the connection.
func TestCertificateBound(t *testing.T) {
	s := startServer(t, jwtValidator(t, func(o *inbound.JWTOptions) { o.CertificateBound = true }), nil)
	sum := sha256.Sum256(s.pki.client.Certificate[0])
	tok := signToken(t, map[string]any{"x5t#S256": base64.RawURLEncoding.EncodeToString(sum[:])})
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
	for _, tt := range []struct {
		name     string
		withCert bool
		want     codes.Code
	}{
		{"with the bound certificate", true, codes.OK},
		{"without", false, codes.Unauthenticated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, call := range []func() result{
				func() result { return callUnary(ctx, s.dial(t, tt.withCert)) },
				func() result { return callStream(ctx, s.dial(t, tt.withCert)) },
			} {
				if got := call(); got.code != tt.want {
					t.Errorf("got %+v", got)
				}
			}
		})
	}
}
