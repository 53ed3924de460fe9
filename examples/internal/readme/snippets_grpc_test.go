package readme_test

import (
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/labstack/echo/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/gatehouse-go/gatehouse/adapters/echov5"
	"github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// The README's gRPC and echo v5 snippets, apart from snippets_test.go
// because echo v5's packages have the names of echo v4's.

func Example_grpcServer() {
	keys, err := inbound.JWKS("https://auth.example.com/.well-known/jwks.json", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer keys.Close()
	jwtAuth, err := inbound.BearerJWT(inbound.JWTOptions{
		Keys:       keys,
		Algorithms: []string{"RS256", "ES256"},
		Issuer:     "https://auth.example.com",
		Audience:   "payments",
	})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(inbound.All(inbound.UserAgent(), jwtAuth), &middleware.Options{
		Skip: grpcauth.SkipMethods("/grpc.health.v1.Health/"),
	})
	if err != nil {
		log.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair("server.crt", "server.key")
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer(
		grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}})),
		grpc.ChainUnaryInterceptor(grpcauth.UnaryServerInterceptor(guard)),
		grpc.ChainStreamInterceptor(grpcauth.StreamServerInterceptor(guard)),
	)
	// Register your services on srv; their handlers read the caller with
	// grpcauth.Principal(ctx).
	ln, err := net.Listen("tcp", ":8443")
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(srv.Serve(ln))
}

func Example_grpcClient() {
	src := outbound.NewSource(&outbound.ClientCredentials{
		TokenURL:     "https://auth.example.com/oauth2/token",
		ClientID:     "billing",
		ClientSecret: os.Getenv("CLIENT_SECRET"),
	}, nil)
	creds := grpcauth.PerRPCCredentials(src)
	conn, err := grpc.NewClient("payments.example.com:8443",
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})),
		grpc.WithUserAgent("billing/2.3"), // the server sees "billing/2.3 grpc-go/1.84.0"
		grpc.WithPerRPCCredentials(creds),
		grpc.WithChainUnaryInterceptor(creds.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(creds.StreamClientInterceptor()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	// Make calls with conn's generated clients.
}

func Example_echov5() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		os.Getenv("CUSTOMER_API_KEY"): {Subject: "acme"},
	}), nil)
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(inbound.All(inbound.UserAgent(), keys), nil)
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.Use(echoauth.Require(guard))
	e.GET("/v3/payments", func(c *echo.Context) error {
		p, _ := echoauth.Principal(c)
		return c.String(http.StatusOK, "hello "+p.Subject)
	})
	log.Fatal(e.Start("127.0.0.1:8080"))
}
