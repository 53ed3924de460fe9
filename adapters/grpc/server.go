package grpcauth

import (
	"context"
	"net/http"
	"strings"

	"google.golang.org/grpc"

	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// UnaryServerInterceptor returns an interceptor that lets through only the
// unary calls g accepts. Each call is checked as the read-only
// *http.Request described in the package documentation; an accepted call
// reaches the handler with the Principal in its context (read it with
// Principal), a refused one is answered with the status and trailer
// metadata described there and never reaches the handler.
func UnaryServerInterceptor(g *middleware.Guard) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		r := request(ctx, info.FullMethod)
		r2, err := g.Check(r)
		if err != nil {
			st, md := refusal(g, r, err)
			if md != nil {
				_ = grpc.SetTrailer(ctx, md)
			}
			return nil, st.Err()
		}
		return handler(r2.Context(), req)
	}
}

// StreamServerInterceptor returns an interceptor that lets through only the
// streaming calls g accepts, checked once when the stream opens, as
// UnaryServerInterceptor checks unary calls. The handler's stream returns
// the context carrying the Principal.
func StreamServerInterceptor(g *middleware.Guard) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		r := request(ss.Context(), info.FullMethod)
		r2, err := g.Check(r)
		if err != nil {
			st, md := refusal(g, r, err)
			if md != nil {
				ss.SetTrailer(md)
			}
			return st.Err()
		}
		if r2 == r {
			// Skipped, or nobody identified: the context is unchanged.
			return handler(srv, ss)
		}
		return handler(srv, &stream{ServerStream: ss, ctx: r2.Context()})
	}
}

// stream is a ServerStream whose context carries the Principal.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

// Principal returns the Principal the interceptors stored in ctx (the
// handler's context, or a stream's Context()), and whether there was one.
// It is false for skipped methods and for validators that identify nobody
// (inbound.UserAgent alone).
func Principal(ctx context.Context) (*inbound.Principal, bool) {
	return inbound.FromContext(ctx)
}

// SkipMethods returns a function for middleware.Options.Skip that skips the
// calls to the given full method names ("/grpc.health.v1.Health/Check"); a
// name ending in "/" ("/grpc.health.v1.Health/") skips every method of that
// service. Only the method name decides, never anything the client sends
// beside it. Skipped calls carry no Principal and reach no hook.
//
// Health checks and server reflection are the usual candidates:
//
//	grpcauth.SkipMethods("/grpc.health.v1.Health/",
//		"/grpc.reflection.v1.ServerReflection/", "/grpc.reflection.v1alpha.ServerReflection/")
func SkipMethods(methods ...string) func(r *http.Request) bool {
	exact := make(map[string]bool, len(methods))
	var services []string
	for _, m := range methods {
		if strings.HasSuffix(m, "/") {
			services = append(services, m)
		} else {
			exact[m] = true
		}
	}
	return func(r *http.Request) bool {
		p := r.URL.Path
		if exact[p] {
			return true
		}
		for _, s := range services {
			// The method part after the service must be one segment.
			if strings.HasPrefix(p, s) && !strings.Contains(p[len(s):], "/") && len(p) > len(s) {
				return true
			}
		}
		return false
	}
}
