package grpcauth_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/outbound"
)

// tokenServer accepts only the token "t<good>" and counts the calls that
// reached the validator.
func tokenServer(t *testing.T, good *atomic.Int64, calls *atomic.Int64) *server {
	return startServer(t, inbound.ValidatorFunc(func(r *http.Request) (*inbound.Principal, error) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer t"+strconv.FormatInt(good.Load(), 10) {
			return nil, &inbound.Error{Status: 401, Code: inbound.CodeInvalidToken, Challenge: inbound.ChallengeBearerError}
		}
		return &inbound.Principal{Subject: "svc"}, nil
	}), nil)
}

// countingSource hands out t1, t2, … one per fetch.
func countingSource(fetches *atomic.Int64) *outbound.Source {
	return outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
		n := fetches.Add(1)
		return outbound.Token{Value: "t" + strconv.FormatInt(n, 10), Expiry: time.Now().Add(time.Hour)}, nil
	}), nil)
}

// TestCredentialsUnaryRetry: a refused token is invalidated and the unary
// call retried once with a new one.
func TestCredentialsUnaryRetry(t *testing.T) {
	var good, calls, fetches atomic.Int64
	good.Store(1)
	s := tokenServer(t, &good, &calls)
	creds := grpcauth.PerRPCCredentials(countingSource(&fetches))
	conn := s.dial(t, false, grpc.WithPerRPCCredentials(creds), grpc.WithChainUnaryInterceptor(creds.UnaryClientInterceptor()))

	if got := callUnary(t.Context(), conn); got.subject != "svc" || fetches.Load() != 1 {
		t.Fatalf("first call: %+v, %d fetches", got, fetches.Load())
	}
	good.Store(2) // the server revokes t1
	if got := callUnary(t.Context(), conn); got.subject != "svc" {
		t.Fatalf("after revocation: %+v", got)
	}
	if f, c := fetches.Load(), calls.Load(); f != 2 || c != 3 {
		t.Errorf("%d fetches, %d calls; want 2, 3 (one retry)", f, c)
	}
	good.Store(99) // nothing the Source has is good: one retry, no more
	if got := callUnary(t.Context(), conn); got.code != codes.Unauthenticated {
		t.Fatalf("unknown token: %+v", got)
	}
	// The Source rate-limits invalidations, so the retry may carry t2 again.
	if c := calls.Load(); c != 5 {
		t.Errorf("%d calls; want 5", c)
	}
}

// TestCredentialsStreamInvalidates: a refused stream is not retried, but
// the next call gets a new token.
func TestCredentialsStreamInvalidates(t *testing.T) {
	var good, calls, fetches atomic.Int64
	good.Store(1)
	s := tokenServer(t, &good, &calls)
	creds := grpcauth.PerRPCCredentials(countingSource(&fetches))
	conn := s.dial(t, false, grpc.WithPerRPCCredentials(creds), grpc.WithChainStreamInterceptor(creds.StreamClientInterceptor()))
	if got := callStream(t.Context(), conn); got.subject != "svc" {
		t.Fatalf("first stream: %+v", got)
	}
	good.Store(2)
	if got := callStream(t.Context(), conn); got.code != codes.Unauthenticated {
		t.Fatalf("revoked token: %+v", got)
	}
	if got := callStream(t.Context(), conn); got.subject != "svc" || fetches.Load() != 2 {
		t.Fatalf("next stream: %+v, %d fetches", got, fetches.Load())
	}
}

// TestCredentialsNoInterceptorNoInvalidation: the credentials alone keep
// sending the cached token (what the interceptors are for).
func TestCredentialsNoInterceptorNoInvalidation(t *testing.T) {
	var good, calls, fetches atomic.Int64
	good.Store(2)
	s := tokenServer(t, &good, &calls)
	creds := grpcauth.PerRPCCredentials(countingSource(&fetches))
	conn := s.dial(t, false, grpc.WithPerRPCCredentials(creds))
	for range 2 {
		if got := callUnary(t.Context(), conn); got.code != codes.Unauthenticated {
			t.Fatalf("got %+v", got)
		}
	}
	if fetches.Load() != 1 {
		t.Errorf("%d fetches, want 1", fetches.Load())
	}
}

// TestCredentialsTransportSecurity: no token over a connection without TLS.
func TestCredentialsTransportSecurity(t *testing.T) {
	var fetches atomic.Int64
	creds := grpcauth.PerRPCCredentials(countingSource(&fetches))
	if !creds.RequireTransportSecurity() {
		t.Fatal("RequireTransportSecurity = false")
	}
	_, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(creds))
	if err == nil {
		t.Fatal("grpc accepted the credentials without TLS")
	}
	// Called directly, without TLS in the request info.
	if _, err := creds.GetRequestMetadata(t.Context()); err == nil || fetches.Load() != 0 {
		t.Fatalf("GetRequestMetadata without TLS: %v, %d fetches", err, fetches.Load())
	}
}

// TestCredentialsSourceFailure: the Source's failures become statuses; a
// failing Source is not retried by the interceptor.
func TestCredentialsSourceFailure(t *testing.T) {
	var good, calls atomic.Int64
	s := tokenServer(t, &good, &calls)
	for _, tt := range []struct {
		name string
		err  error
		want codes.Code
	}{
		{"endpoint down", outbound.ErrUnavailable, codes.Unavailable},
		{"bad client secret", outbound.ErrInvalidCredentials, codes.Unauthenticated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var fetches atomic.Int64
			src := outbound.NewSource(outbound.FetcherFunc(func(context.Context) (outbound.Token, error) {
				fetches.Add(1)
				return outbound.Token{}, tt.err
			}), nil)
			creds := grpcauth.PerRPCCredentials(src)
			conn := s.dial(t, false, grpc.WithPerRPCCredentials(creds), grpc.WithChainUnaryInterceptor(creds.UnaryClientInterceptor()))
			got := callUnary(t.Context(), conn)
			if got.code != tt.want || !strings.HasPrefix(got.msg, "outbound: ") && !strings.Contains(got.msg, "outbound: ") {
				t.Errorf("got %+v", got)
			}
			if calls.Load() != 0 {
				t.Errorf("%d calls reached the server", calls.Load())
			}
		})
	}
	if _, err := grpcauth.PerRPCCredentials(nil).GetRequestMetadata(context.Background()); err == nil {
		t.Error("nil Source: no error")
	}
}
