// Command grpc serves a gRPC API over TLS on loopback, guarded by gatehouse:
// every call needs a Bearer JWT issued by an OAuth2 server or an Asaas-style
// API key (access_token metadata), plus a User-Agent; the health service is
// open. A client spends the tokens of an outbound.Source through
// grpcauth.PerRPCCredentials.
//
// The OAuth2 server is gatehouse's fake (providertest.NewOAuth2); the
// service is grpc-go's own test service (grpc.testing.TestService), whose
// UnaryCall answers with the caller's name.
//
//	go run ./examples/grpc               # serve on 127.0.0.1:8443 and log the fake's token URL
//	go run ./examples/grpc -selftest     # serve on a random port, make test calls, print a verdict
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "address to listen on")
	test := flag.Bool("selftest", false, "serve on a random loopback port, make a few calls, print the answers and a verdict, exit")
	flag.Parse()
	if err := run(*addr, *test, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(addr string, test bool, out io.Writer) error {
	fake, err := providertest.NewOAuth2(providertest.OAuth2Config{}, nil)
	if err != nil {
		return err
	}
	defer fake.Close()
	apiKey := "$aact_prod_" + randomText()

	g, err := newGuard(fake, apiKey)
	if err != nil {
		return err
	}
	cert, pool, err := serverCertificate()
	if err != nil {
		return err
	}
	srv := grpc.NewServer(
		grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})),
		grpc.ChainUnaryInterceptor(grpcauth.UnaryServerInterceptor(g)),
		grpc.ChainStreamInterceptor(grpcauth.StreamServerInterceptor(g)),
	)
	testpb.RegisterTestServiceServer(srv, service{})
	healthpb.RegisterHealthServer(srv, health.NewServer())

	if test {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if !test {
		log.Printf("gRPC over TLS on %s; tokens from %s", ln.Addr(), fake.TokenURL())
		return srv.Serve(ln)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	defer func() {
		srv.Stop()
		<-done
	}()
	return selftest(context.Background(), ln.Addr().String(), pool, fake, apiKey, out)
}

// newGuard accepts a JWT of the fake OAuth2 server (ES256, its issuer and
// audience) or the API key, with a User-Agent, and skips the health service.
func newGuard(fake *providertest.Server, apiKey string) (*middleware.Guard, error) {
	keys, err := inbound.StaticKeys(map[string]any{fake.IssuerKeyID(): fake.IssuerKey()})
	if err != nil {
		return nil, err
	}
	jwtV, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"ES256"},
		Issuer:     fake.URL,
		Audience:   providertest.OAuth2Audience,
	})
	if err != nil {
		return nil, err
	}
	keyV, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}), nil)
	if err != nil {
		return nil, err
	}
	// An API key when the call carries one, else a JWT.
	either := inbound.ValidatorFunc(func(r *http.Request) (*inbound.Principal, error) {
		if r.Header.Get("access_token") != "" {
			return keyV.Validate(r)
		}
		return jwtV.Validate(r)
	})
	return middleware.New(inbound.All(inbound.UserAgent(), either), &middleware.Options{
		Skip: grpcauth.SkipMethods("/grpc.health.v1.Health/"),
	})
}

// service answers UnaryCall and StreamingOutputCall with the caller's name.
type service struct {
	testpb.UnimplementedTestServiceServer
}

func caller(ctx context.Context) string {
	if p, ok := grpcauth.Principal(ctx); ok {
		return p.Subject
	}
	return "nobody"
}

func (service) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Username: caller(ctx)}, nil
}

func (service) StreamingOutputCall(_ *testpb.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	return ss.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(caller(ss.Context()))}})
}
