package grpcauth

import (
	"context"
	"errors"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/gatehouse-go/gatehouse/outbound"
)

// Credentials attaches the tokens of an *outbound.Source to outgoing gRPC
// calls, as `authorization: Bearer <token>` metadata. It implements
// credentials.PerRPCCredentials; make one with PerRPCCredentials.
//
// Each call spends the Source's token: fresh, it costs one atomic load;
// stale, the Source refreshes it in the background; expired, the call waits
// for the shared fetch on its own context. A refused token is forgotten by
// the interceptors UnaryClientInterceptor and StreamClientInterceptor
// (install them beside the credentials): without them, a token the server
// rejects keeps being sent until it expires.
type Credentials struct {
	src *outbound.Source
}

// PerRPCCredentials returns credentials that attach src's token to every
// call. They require transport security (RequireTransportSecurity is true):
// grpc refuses to send them over a connection without TLS, so a token never
// leaves in clear text.
//
//	creds := grpcauth.PerRPCCredentials(src)
//	conn, err := grpc.NewClient(addr,
//		grpc.WithTransportCredentials(credentials.NewTLS(tlsConfig)),
//		grpc.WithPerRPCCredentials(creds),
//		grpc.WithChainUnaryInterceptor(creds.UnaryClientInterceptor()),
//		grpc.WithChainStreamInterceptor(creds.StreamClientInterceptor()))
//
// A nil src makes credentials whose every call fails with Internal.
func PerRPCCredentials(src *outbound.Source) *Credentials {
	return &Credentials{src: src}
}

// errNoSource is the failure of Credentials made with a nil Source.
var errNoSource = errors.New("grpcauth: Credentials without a Source")

// GetRequestMetadata returns the authorization metadata for one call. It
// refuses to run on a connection without privacy and integrity (TLS), and
// turns a Source failure into a status: the caller's context ending into
// Canceled or DeadlineExceeded, invalid or forbidden client credentials into
// Unauthenticated, anything else (the token endpoint down) into Unavailable.
func (c *Credentials) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	ri, _ := credentials.RequestInfoFromContext(ctx)
	if err := credentials.CheckSecurityLevel(ri.AuthInfo, credentials.PrivacyAndIntegrity); err != nil {
		return nil, status.Error(codes.Unauthenticated, "grpcauth: a token is only sent over TLS")
	}
	if c == nil || c.src == nil {
		return nil, status.Error(codes.Internal, errNoSource.Error())
	}
	tok, err := c.src.Token(ctx)
	if err != nil {
		return nil, sourceStatus(ctx, err)
	}
	if sent, ok := ctx.Value(sentKey{c}).(*atomic.Pointer[outbound.Token]); ok {
		// Copied here, so that calls without the interceptors allocate none.
		t := tok
		sent.Store(&t)
	}
	return map[string]string{"authorization": tok.Scheme() + " " + tok.Value}, nil
}

// RequireTransportSecurity returns true: tokens are only sent over TLS.
func (c *Credentials) RequireTransportSecurity() bool { return true }

// sourceStatus maps a Source failure to a status whose message is the
// error's own text (outbound errors never carry a secret).
func sourceStatus(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	switch {
	case errors.Is(err, outbound.ErrInvalidCredentials), errors.Is(err, outbound.ErrForbidden):
		return status.Error(codes.Unauthenticated, err.Error())
	case errors.Is(err, outbound.ErrInvalidConfig):
		return status.Error(codes.Internal, err.Error())
	}
	return status.Error(codes.Unavailable, err.Error())
}
