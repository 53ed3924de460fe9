package grpcauth

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// sentKey is the context key under which an interceptor asks c to record
// the token it attached to the call.
type sentKey struct{ c *Credentials }

// withSent returns ctx asking c to record the token it attaches, and where.
func (c *Credentials) withSent(ctx context.Context) (context.Context, *atomic.Pointer[outbound.Token]) {
	sent := new(atomic.Pointer[outbound.Token])
	return context.WithValue(ctx, sentKey{c}, sent), sent
}

// invalidate forgets the token recorded in sent, when the call failed with
// Unauthenticated, and reports whether it did. Source.Invalidate forgets it
// only if it is still the current token, so concurrent refusals of one
// token cost one new fetch.
func (c *Credentials) invalidate(err error, sent *atomic.Pointer[outbound.Token]) bool {
	if status.Code(err) != codes.Unauthenticated || c == nil || c.src == nil {
		return false
	}
	tok := sent.Load()
	if tok == nil {
		// No token left: the failure is the credentials' own.
		return false
	}
	c.src.Invalidate(*tok)
	return true
}

// UnaryClientInterceptor returns an interceptor that makes unary calls
// recover from a token the server refuses, as outbound.Bearer does for
// HTTP: when a call that carried one of c's tokens fails with
// Unauthenticated, the token is invalidated and the call is made once more
// with a new one (a unary request is in memory, so it can always be sent
// again). The second answer is final.
//
// The retry sends the request twice to a server that refused it once: a
// server that answers Unauthenticated only before running the handler (as
// UnaryServerInterceptor does) sees it run at most once.
func (c *Credentials) UnaryClientInterceptor() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		sctx, sent := c.withSent(ctx)
		err := invoker(sctx, method, req, reply, cc, opts...)
		if !c.invalidate(err, sent) {
			return err
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// StreamClientInterceptor returns an interceptor that invalidates the token
// of a stream that fails with Unauthenticated, so that the next call
// fetches a new one. Streams are not retried: their messages are gone.
func (c *Credentials) StreamClientInterceptor() grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		sctx, sent := c.withSent(ctx)
		cs, err := streamer(sctx, desc, cc, method, opts...)
		if err != nil {
			c.invalidate(err, sent)
			return nil, err
		}
		return &clientStream{ClientStream: cs, c: c, sent: sent}, nil
	}
}

// clientStream watches a stream's errors for Unauthenticated.
type clientStream struct {
	grpc.ClientStream
	c    *Credentials
	sent *atomic.Pointer[outbound.Token]
	done atomic.Bool
}

func (s *clientStream) check(err error) error {
	if err != nil && !s.done.Load() && s.c.invalidate(err, s.sent) {
		s.done.Store(true)
	}
	return err
}

func (s *clientStream) RecvMsg(m any) error { return s.check(s.ClientStream.RecvMsg(m)) }
func (s *clientStream) SendMsg(m any) error { return s.check(s.ClientStream.SendMsg(m)) }
func (s *clientStream) Header() (metadata.MD, error) {
	md, err := s.ClientStream.Header()
	return md, s.check(err)
}
