package grpcauth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

const (
	prodKey    = "$aact_prod_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OmFjY291bnQ"
	sandboxKey = "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OnNhbmRib3g"
)

func apiKeys(t testing.TB) inbound.Validator {
	t.Helper()
	keys, err := inbound.APIKey(inbound.HashedKeys(map[string]*inbound.Principal{
		prodKey: {Subject: "acme"}, sandboxKey: {Subject: "acme-sandbox"},
	}), &inbound.APIKeyOptions{
		Environments: map[string]string{"$aact_prod_": "production", "$aact_hmlg_": "sandbox"},
		Environment:  "production",
	})
	if err != nil {
		t.Fatal(err)
	}
	return inbound.All(inbound.UserAgent(), keys)
}

// result is what a call got: the subject the handler saw, or the status
// and the trailer.
type result struct {
	subject string
	code    codes.Code
	msg     string
	trailer metadata.MD
}

func callUnary(ctx context.Context, conn *grpc.ClientConn, opts ...grpc.CallOption) result {
	var tr metadata.MD
	res, err := testpb.NewTestServiceClient(conn).UnaryCall(ctx, &testpb.SimpleRequest{}, append(opts, grpc.Trailer(&tr))...)
	if err != nil {
		st := status.Convert(err)
		return result{code: st.Code(), msg: st.Message(), trailer: tr}
	}
	return result{subject: res.GetUsername()}
}

func callStream(ctx context.Context, conn *grpc.ClientConn, opts ...grpc.CallOption) result {
	s, err := testpb.NewTestServiceClient(conn).StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{}, opts...)
	if err == nil {
		var m *testpb.StreamingOutputCallResponse
		if m, err = s.Recv(); err == nil {
			if _, err = s.Recv(); err == io.EOF {
				return result{subject: string(m.GetPayload().GetBody())}
			}
		}
	}
	st := status.Convert(err)
	return result{code: st.Code(), msg: st.Message(), trailer: s.Trailer()}
}

// TestServerAPIKeys: API keys and User-Agent over a real TLS connection,
// unary and streaming alike.
func TestServerAPIKeys(t *testing.T) {
	s := startServer(t, apiKeys(t), nil)
	conn := s.dial(t, false, grpc.WithUserAgent("app/1.0"))
	tests := []struct {
		name string
		md   []string
		want result
	}{
		{"valid key", []string{"access_token", prodKey}, result{subject: "acme"}},
		{"no key", nil, result{code: codes.Unauthenticated, msg: "access_token_not_found: "}},
		{"wrong environment", []string{"access_token", sandboxKey}, result{code: codes.Unauthenticated, msg: "invalid_environment: "}},
		{"two keys", []string{"access_token", prodKey, "access_token", prodKey}, result{code: codes.InvalidArgument, msg: "invalid_request: "}},
	}
	for _, tt := range tests {
		for _, call := range []struct {
			name string
			f    func(context.Context, *grpc.ClientConn, ...grpc.CallOption) result
		}{{"unary", callUnary}, {"stream", callStream}} {
			t.Run(tt.name+"/"+call.name, func(t *testing.T) {
				ctx := metadata.AppendToOutgoingContext(t.Context(), tt.md...)
				got := call.f(ctx, conn)
				if got.subject != tt.want.subject || got.code != tt.want.code || !strings.HasPrefix(got.msg, tt.want.msg) {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
				if strings.Contains(got.msg, sandboxKey) || strings.Contains(got.msg, prodKey) {
					t.Errorf("the key leaked: %q", got.msg)
				}
				if v := got.trailer.Get(grpcauth.TrailerChallenge); len(v) != 0 {
					t.Errorf("API keys send no challenge, got %q", v)
				}
			})
		}
	}
}

// TestServerView: what the validators see of a call.
func TestServerView(t *testing.T) {
	s := startServer(t, apiKeys(t), nil)
	conn := s.dial(t, true, grpc.WithUserAgent("app/1.0"))
	ctx := metadata.AppendToOutgoingContext(t.Context(), "access_token", prodKey, "x-trace-bin", "\x00\x01", "x-forwarded-for", "192.0.2.1")
	if got := callUnary(ctx, conn); got.subject != "acme" {
		t.Fatalf("call: %+v", got)
	}
	r := s.lastView()
	checks := []struct {
		name      string
		got, want any
	}{
		{"method", r.Method, http.MethodPost},
		{"path", r.URL.Path, "/grpc.testing.TestService/UnaryCall"},
		{"RequestURI", r.RequestURI, "/grpc.testing.TestService/UnaryCall"},
		// grpc-go sends the TLS ServerName as the :authority when set.
		{"Host", r.Host, "127.0.0.1"},
		{"access_token", r.Header.Values("access_token"), []string{prodKey}},
		{"X-Forwarded-For", r.Header.Get("X-Forwarded-For"), "192.0.2.1"},
		{"binary metadata left out", r.Header.Get("X-Trace-Bin"), ""},
		{"no pseudo-header", r.Header.Get(":authority"), ""},
		{"grpc-go's product token after ours", strings.HasPrefix(r.Header.Get("User-Agent"), "app/1.0 grpc-go/"), true},
		{"RemoteAddr is the peer", strings.HasPrefix(r.RemoteAddr, "127.0.0.1:"), true},
		{"TLS", r.TLS != nil && len(r.TLS.PeerCertificates) == 1 && reflect.DeepEqual(r.TLS.PeerCertificates[0].Raw, s.pki.client.Certificate[0]), true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestRefusalStatus: every HTTP status maps to its code, the message is the
// stable code and description, and nothing else of the error is sent.
func TestRefusalStatus(t *testing.T) {
	secret := errors.New("pq: password authentication failed, password hunter2")
	tests := []struct {
		name    string
		err     error
		code    codes.Code
		msg     string
		trailer []string
	}{
		{"400", &inbound.Error{Status: 400, Code: inbound.CodeUserAgentRequired, Description: "send a User-Agent", Err: secret}, codes.InvalidArgument, "user_agent_required: send a User-Agent", nil},
		{"401 with challenge", &inbound.Error{Status: 401, Code: inbound.CodeTokenExpired, Description: "the token has expired", Challenge: inbound.ChallengeBearerError}, codes.Unauthenticated,
			"token_expired: the token has expired", []string{`Bearer realm="api", error="invalid_token", error_description="the token has expired"`}},
		{"401 without token", &inbound.Error{Status: 401, Code: inbound.CodeMissingToken, Challenge: inbound.ChallengeBearer}, codes.Unauthenticated, "missing_token", []string{`Bearer realm="api"`}},
		{"403", &inbound.Error{Status: 403, Code: inbound.CodeIPNotAllowed, Description: "no"}, codes.PermissionDenied, "ip_not_allowed: no", nil},
		{"413", &inbound.Error{Status: 413, Code: "too_large", Description: "too large"}, codes.ResourceExhausted, "too_large: too large", nil},
		{"503", &inbound.Error{Status: 503, Code: inbound.CodeKeyStoreUnavailable, Description: "try later", Err: secret}, codes.Unavailable, "key_store_unavailable: try later", nil},
		{"418", &inbound.Error{Status: 418, Code: "teapot", Description: "short and stout"}, codes.Internal, "teapot: short and stout", nil},
		{"not an HTTP error status", &inbound.Error{Status: 200, Code: "odd", Description: "odd"}, codes.Internal, "internal_error: internal server error", nil},
		{"not an inbound error", secret, codes.Internal, "internal_error: internal server error", nil},
		{"wrapped inbound error", errors.Join(&inbound.Error{Status: 403, Code: inbound.CodeInsufficientScope, Challenge: inbound.ChallengeBearerError, Scope: "pay"}), codes.PermissionDenied,
			"insufficient_scope", []string{`Bearer realm="api", error="insufficient_scope", scope="pay"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, inbound.ValidatorFunc(func(*http.Request) (*inbound.Principal, error) { return nil, tt.err }), nil)
			conn := s.dial(t, false)
			for _, got := range []result{callUnary(t.Context(), conn), callStream(t.Context(), conn)} {
				if got.code != tt.code || got.msg != tt.msg {
					t.Errorf("status %v %q, want %v %q", got.code, got.msg, tt.code, tt.msg)
				}
				if v := got.trailer.Get(grpcauth.TrailerChallenge); !reflect.DeepEqual(v, tt.trailer) {
					t.Errorf("challenge %q, want %q", v, tt.trailer)
				}
				if strings.Contains(got.msg+strings.Join(got.trailer.Get(grpcauth.TrailerChallenge), ""), "hunter2") {
					t.Errorf("secret leaked: %q", got.msg)
				}
			}
		})
	}
}

// TestZeroGuard: a Guard not made by New refuses every call with Internal.
func TestZeroGuard(t *testing.T) {
	var g middleware.Guard
	_, err := grpcauth.UnaryServerInterceptor(&g)(t.Context(), nil, &grpc.UnaryServerInfo{FullMethod: "/a.B/C"},
		func(context.Context, any) (any, error) { t.Fatal("handler reached"); return nil, nil })
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal_error: internal server error" {
		t.Fatalf("got %v", err)
	}
}

// TestSkipMethods: skipped methods need no credentials and carry no
// Principal; others still do.
func TestSkipMethods(t *testing.T) {
	skip := grpcauth.SkipMethods("/grpc.health.v1.Health/", "/grpc.testing.TestService/EmptyCall")
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"/grpc.health.v1.Health/Check", true},
		{"/grpc.health.v1.Health/Watch", true},
		{"/grpc.health.v1.Health/", false},
		{"/grpc.health.v1.Health/a/b", false},
		{"/grpc.health.v1.HealthX/Check", false},
		{"/grpc.testing.TestService/EmptyCall", true},
		{"/grpc.testing.TestService/UnaryCall", false},
	} {
		r, _ := http.NewRequest(http.MethodPost, tt.path, nil)
		if got := skip(r); got != tt.want {
			t.Errorf("%s: skip = %v, want %v", tt.path, got, tt.want)
		}
	}
	s := startServer(t, apiKeys(t), &middleware.Options{Skip: skip})
	conn := s.dial(t, false)
	res, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v, %v", res, err)
	}
	if got := callUnary(t.Context(), conn); got.code != codes.Unauthenticated {
		t.Errorf("unskipped method: %+v", got)
	}
}

// TestRemoteAddr: the peer's address reads as net.Addr.String writes it.
func TestRemoteAddr(t *testing.T) {
	for _, addr := range []net.Addr{
		&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4000},
		&net.TCPAddr{IP: net.ParseIP("192.0.2.1").To4(), Port: 4000},
		&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 443},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 443, Zone: "eth0"},
		&net.UnixAddr{Name: "/run/app.sock", Net: "unix"},
	} {
		var got string
		g, err := middleware.New(inbound.ValidatorFunc(func(r *http.Request) (*inbound.Principal, error) {
			got = r.RemoteAddr
			return nil, nil
		}), nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx := peer.NewContext(t.Context(), &peer.Peer{Addr: addr})
		_, err = grpcauth.UnaryServerInterceptor(g)(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/a.B/C"},
			func(context.Context, any) (any, error) { return nil, nil })
		if err != nil || got != addr.String() {
			t.Errorf("RemoteAddr = %q, want %q (%v)", got, addr.String(), err)
		}
	}
}
