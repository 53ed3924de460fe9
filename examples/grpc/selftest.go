package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// selftest calls the server at addr as a client would, prints each answer
// and ends with a PASS: or FAIL: line.
func selftest(ctx context.Context, addr string, roots *x509.CertPool, fake *providertest.Server, apiKey string, out io.Writer) error {
	tlsCreds := credentials.NewTLS(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})

	// A client with OAuth2 client credentials: the Source fetches a token
	// from the fake and refreshes it ahead of expiry; every call spends it.
	src := outbound.NewSource(&outbound.ClientCredentials{
		TokenURL:     fake.TokenURL(),
		ClientID:     fake.Credentials().ClientID,
		ClientSecret: fake.Credentials().ClientSecret,
		Client:       fake.Client(),
	}, nil)
	creds := grpcauth.PerRPCCredentials(src)
	withToken, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(tlsCreds),
		grpc.WithUserAgent("gatehouse-example/1.0"),
		grpc.WithPerRPCCredentials(creds),
		grpc.WithChainUnaryInterceptor(creds.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(creds.StreamClientInterceptor()))
	if err != nil {
		return err
	}
	defer withToken.Close()
	// A client without credentials of its own (API keys go per call).
	bare, err := grpc.NewClient(addr, grpc.WithTransportCredentials(tlsCreds), grpc.WithUserAgent("gatehouse-example/1.0"))
	if err != nil {
		return err
	}
	defer bare.Close()

	// want is the answer, or its beginning when it ends in ": " (the
	// description follows).
	checks := []struct {
		name string
		call func() (string, error)
		want string
	}{
		{"JWT from the Source, unary", func() (string, error) { return unary(ctx, withToken) }, fake.Credentials().ClientID},
		{"JWT from the Source, stream", func() (string, error) { return stream(ctx, withToken) }, fake.Credentials().ClientID},
		{"the same token again", func() (string, error) { return unary(ctx, withToken) }, fake.Credentials().ClientID},
		{"API key", func() (string, error) {
			return unary(metadata.AppendToOutgoingContext(ctx, "access_token", apiKey), bare)
		}, "acme"},
		{"wrong API key", func() (string, error) {
			return unary(metadata.AppendToOutgoingContext(ctx, "access_token", "$aact_prod_wrong"), bare)
		}, "Unauthenticated invalid_access_token: "},
		{"no credentials", func() (string, error) { return unary(ctx, bare) }, `Unauthenticated missing_token, challenge Bearer realm="api": `},
		{"health, open", func() (string, error) {
			res, err := healthpb.NewHealthClient(bare).Check(ctx, &healthpb.HealthCheckRequest{})
			return res.GetStatus().String(), err
		}, "SERVING"},
	}
	failed := 0
	for _, c := range checks {
		got, err := c.call()
		if err != nil {
			got = describe(err)
		}
		verdict := "ok"
		if got != c.want && !(strings.HasSuffix(c.want, ": ") && strings.HasPrefix(got, c.want)) {
			verdict = "UNEXPECTED, want " + c.want
			failed++
		}
		fmt.Fprintf(out, "%-30s %s (%s)\n", c.name+":", got, verdict)
	}
	if failed > 0 {
		fmt.Fprintf(out, "\nFAIL: %d of %d calls answered unexpectedly\n", failed, len(checks))
		return fmt.Errorf("%d unexpected answers", failed)
	}
	fmt.Fprintf(out, "\nPASS: %d gRPC calls over TLS answered as expected; %d token request(s) to the OAuth2 server\n", len(checks), fake.TokenRequests())
	return nil
}

// lastTrailer is the trailer of the last unary call, for describe (the
// checks run one after the other).
var lastTrailer metadata.MD

func unary(ctx context.Context, conn *grpc.ClientConn) (string, error) {
	lastTrailer = nil
	res, err := testpb.NewTestServiceClient(conn).UnaryCall(ctx, &testpb.SimpleRequest{}, grpc.Trailer(&lastTrailer))
	return res.GetUsername(), err
}

func stream(ctx context.Context, conn *grpc.ClientConn) (string, error) {
	s, err := testpb.NewTestServiceClient(conn).StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{})
	if err != nil {
		return "", err
	}
	m, err := s.Recv()
	return string(m.GetPayload().GetBody()), err
}

// describe prints a refusal: its code, its message (the stable code and
// description) and the challenge in its trailer.
func describe(err error) string {
	st := status.Convert(err)
	code, desc, _ := strings.Cut(st.Message(), ": ")
	s := st.Code().String() + " " + code
	if v := lastTrailer.Get(grpcauth.TrailerChallenge); len(v) > 0 && st.Code() == codes.Unauthenticated {
		s += ", challenge " + strings.Join(v, ", ")
	}
	return s + ": " + desc
}
