package grpcauth_test

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// The interceptor called as grpc-go calls it, with the metadata and peer of
// two calls: one with an unknown API key, one with a good one.
func ExampleUnaryServerInterceptor() {
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		"$aact_prod_example": {Subject: "acme"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
	})
	if err != nil {
		panic(err)
	}
	g, err := middleware.New(inbound.All(inbound.UserAgent(), keys), &middleware.Options{
		Skip: grpcauth.SkipMethods("/grpc.health.v1.Health/"),
	})
	if err != nil {
		panic(err)
	}
	intercept := grpcauth.UnaryServerInterceptor(g)
	handler := func(ctx context.Context, _ any) (any, error) {
		p, _ := grpcauth.Principal(ctx)
		return "hello " + p.Subject, nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/payments.v1.Payments/List"}
	call := func(key string) {
		ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs(
			":authority", "api.example.com", "user-agent", "app/1.0 grpc-go/1.84.0", "access_token", key))
		ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4000}})
		res, err := intercept(ctx, nil, info, handler)
		if err != nil {
			st := status.Convert(err)
			fmt.Println(st.Code(), st.Message())
			return
		}
		fmt.Println(res)
	}
	call("$aact_prod_unknown")
	call("$aact_prod_example")
	// Output:
	// Unauthenticated invalid_access_token: the API key provided is invalid
	// hello acme
}
