package grpcauth_test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	stdauth "github.com/gatehouse-go/gatehouse/adapters/std"
	"github.com/gatehouse-go/gatehouse/middleware"
)

type nopWriter struct{}

func (nopWriter) Header() http.Header         { return nil }
func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) WriteHeader(int)             {}

// BenchmarkInterceptor compares the unary interceptor with a cached JWT
// (HS256, a verified-token cache hit) against the validator alone on the
// equivalent *http.Request, Guard.Check, and stdauth.Require, in the same
// run:
//
//	go test -run '^$' -bench Interceptor -benchmem -count 5
func BenchmarkInterceptor(b *testing.B) {
	v := jwtValidator(b, nil)
	tok := signToken(b, nil)
	const method = "/grpc.testing.TestService/UnaryCall"
	md := metadata.MD{
		":authority":    {"api.example.com"},
		"user-agent":    {"app/1.0 grpc-go/1.84.0"},
		"authorization": {"Bearer " + tok},
	}
	r, err := http.NewRequest(http.MethodPost, method, http.NoBody)
	if err != nil {
		b.Fatal(err)
	}
	r.Host = "api.example.com"
	r.Header.Set("User-Agent", "app/1.0 grpc-go/1.84.0")
	r.Header.Set("Authorization", "Bearer "+tok)
	if _, err := v.Validate(r); err != nil { // warm the cache
		b.Fatal(err)
	}

	b.Run("validator", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Validate(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("guard", func(b *testing.B) {
		g, err := middleware.New(v, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.Check(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("std", func(b *testing.B) {
		g, err := middleware.New(v, nil)
		if err != nil {
			b.Fatal(err)
		}
		h := stdauth.Require(g)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		var w nopWriter
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(w, r)
		}
	})
	b.Run("interceptor", func(b *testing.B) {
		g, err := middleware.New(v, nil)
		if err != nil {
			b.Fatal(err)
		}
		ic := grpcauth.UnaryServerInterceptor(g)
		ctx := metadata.NewIncomingContext(context.Background(), md)
		ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4000}})
		info := &grpc.UnaryServerInfo{FullMethod: method}
		handler := func(ctx context.Context, _ any) (any, error) { return nil, nil }
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ic(ctx, nil, info, handler); err != nil {
				b.Fatal(err)
			}
		}
	})
}
