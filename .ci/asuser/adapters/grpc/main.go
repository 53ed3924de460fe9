// A user's program for adapters/grpc: a unary call refused and accepted by
// grpcauth's interceptor, as grpc-go calls it.
package main

import (
	"context"
	"fmt"
	"log"
	"net"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

const apiKey = "user-program-key-0123456789abcdef"

func main() {
	v, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{apiKey: {Subject: "acme"}}), nil)
	if err != nil {
		log.Fatal(err)
	}
	g, err := middleware.New(v, nil)
	if err != nil {
		log.Fatal(err)
	}
	intercept := grpcauth.UnaryServerInterceptor(g)
	handler := func(ctx context.Context, _ any) (any, error) {
		p, _ := grpcauth.Principal(ctx)
		return p.Subject, nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/payments.v1.Payments/List"}
	call := func(key string) (any, error) {
		md := metadata.Pairs(":authority", "api.example.com")
		if key != "" {
			md.Set(inbound.DefaultAPIKeyHeader, key)
		}
		ctx := metadata.NewIncomingContext(context.Background(), md)
		ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4000}})
		return intercept(ctx, nil, info, handler)
	}
	if res, err := call(apiKey); err != nil || res != "acme" {
		log.Fatalf("with the key: %v, %v", res, err)
	}
	if _, err := call(""); status.Code(err) != codes.Unauthenticated {
		log.Fatalf("without a key: %v, want Unauthenticated", err)
	}
	fmt.Println("adapters/grpc: the interceptor let the key through and refused a call without one (Unauthenticated)")
}
