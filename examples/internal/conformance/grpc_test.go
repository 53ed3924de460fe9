package conformance_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/middleware"
)

// The gRPC leg of the table. A request of the table becomes a call to a
// real gRPC server (in memory, over HTTP/2) guarded by grpcauth's
// interceptors; its headers travel as metadata. Two things a grpc-go client
// cannot send are set on the server side by a test interceptor that runs
// before grpcauth's: the peer (RemoteAddr and TLS client certificate of the
// table's request) and the User-Agent (grpc-go always sends its own,
// appended to any the client sets). gRPC calls are POSTs to /service/method,
// so cases about other methods and paths are HTTP-only. The answer must be
// the HTTP answer as grpcauth maps it: the status code from the HTTP
// status, the message "<code>: <description>", the WWW-Authenticate values
// in the www-authenticate trailer, DPoP-Nonce in dpop-nonce.

const (
	unaryMethod  = "/grpc.testing.TestService/UnaryCall"
	streamMethod = "/grpc.testing.TestService/StreamingOutputCall"
	// Metadata keys by which the test client tells the test interceptor
	// what grpc-go cannot send itself.
	mdRemoteAddr = "x-conformance-remote-addr"
	mdCert       = "x-conformance-cert"
	mdUserAgent  = "x-conformance-user-agent"
)

type grpcService struct {
	testpb.UnimplementedTestServiceServer
}

func okSubject(ctx context.Context) string {
	p, ok := grpcauth.Principal(ctx)
	if !ok {
		return "ok -"
	}
	return "ok " + p.Subject
}

func (grpcService) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Username: okSubject(ctx)}, nil
}

func (grpcService) StreamingOutputCall(_ *testpb.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	return ss.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(okSubject(ss.Context()))}})
}

// asTableRequest gives the call the peer and User-Agent of the table's
// request, and removes the test's own metadata.
func asTableRequest(ctx context.Context) context.Context {
	md, _ := metadata.FromIncomingContext(ctx)
	p := &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}}
	if v := md.Get(mdRemoteAddr); len(v) == 1 {
		if ap, err := net.ResolveTCPAddr("tcp", v[0]); err == nil {
			p.Addr = ap
		}
	}
	if v := md.Get(mdCert); len(v) == 1 {
		der, _ := base64.StdEncoding.DecodeString(v[0])
		p.AuthInfo = credentials.TLSInfo{State: tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Raw: der}}}}
	}
	md.Set("user-agent", md.Get(mdUserAgent)...)
	if len(md.Get(mdUserAgent)) == 0 {
		md.Delete("user-agent")
	}
	md.Delete(mdRemoteAddr)
	md.Delete(mdCert)
	md.Delete(mdUserAgent)
	return peer.NewContext(metadata.NewIncomingContext(ctx, md), p)
}

type tableStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *tableStream) Context() context.Context { return s.ctx }

// grpcServer serves g over an in-memory listener and returns a client
// connection whose authority is example.com, the table's host.
func grpcServer(t *testing.T, g *middleware.Guard) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(asTableRequest(ctx), req)
		}, grpcauth.UnaryServerInterceptor(g)),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &tableStream{ss, asTableRequest(ss.Context())})
		}, grpcauth.StreamServerInterceptor(g)),
	)
	testpb.RegisterTestServiceServer(srv, grpcService{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///example.com",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithAuthority("example.com"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
		<-done
	})
	return conn
}

// grpcAnswer is a call's outcome.
type grpcAnswer struct {
	Code       string
	Message    string
	Challenges []string
	Nonce      string
	Body       string
}

// outgoing turns the table's request into the call's metadata.
func outgoing(ctx context.Context, r *http.Request) context.Context {
	md := metadata.MD{}
	for k, vs := range r.Header {
		k = strings.ToLower(k)
		if k == "user-agent" {
			k = mdUserAgent
		}
		md[k] = append(md[k], vs...)
	}
	md.Set(mdRemoteAddr, r.RemoteAddr)
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		md.Set(mdCert, base64.StdEncoding.EncodeToString(r.TLS.PeerCertificates[0].Raw))
	}
	return metadata.NewOutgoingContext(ctx, md)
}

func callGRPC(ctx context.Context, conn *grpc.ClientConn, method string, r *http.Request) grpcAnswer {
	ctx = outgoing(ctx, r)
	c := testpb.NewTestServiceClient(conn)
	var trailer metadata.MD
	var err error
	if method == unaryMethod {
		var res *testpb.SimpleResponse
		if res, err = c.UnaryCall(ctx, &testpb.SimpleRequest{}, grpc.Trailer(&trailer)); err == nil {
			return grpcAnswer{Code: "OK", Body: res.GetUsername()}
		}
	} else {
		var s grpc.ServerStreamingClient[testpb.StreamingOutputCallResponse]
		if s, err = c.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{}); err == nil {
			var m *testpb.StreamingOutputCallResponse
			if m, err = s.Recv(); err == nil {
				if _, err = s.Recv(); err == io.EOF {
					return grpcAnswer{Code: "OK", Body: string(m.GetPayload().GetBody())}
				}
			}
			trailer = s.Trailer()
		}
	}
	st := status.Convert(err)
	a := grpcAnswer{Code: st.Code().String(), Message: st.Message(), Challenges: trailer.Get(grpcauth.TrailerChallenge)}
	if v := trailer.Get(grpcauth.TrailerDPoPNonce); len(v) > 0 {
		a.Nonce = v[0]
	}
	return a
}

// wantGRPC is the HTTP answer as grpcauth maps it.
func wantGRPC(t *testing.T, got response) grpcAnswer {
	t.Helper()
	if got.Status == http.StatusOK {
		return grpcAnswer{Code: "OK", Body: got.Body}
	}
	var body struct {
		Errors       []struct{ Code, Description string }
		Code, Detail string // problem+json
	}
	if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
		t.Fatalf("body %q: %v", got.Body, err)
	}
	code, desc := body.Code, body.Detail
	if len(body.Errors) == 1 {
		code, desc = body.Errors[0].Code, body.Errors[0].Description
	}
	msg := code
	if desc != "" {
		msg += ": " + desc
	}
	return grpcAnswer{
		Code:       grpcauth.Code(got.Status).String(),
		Message:    msg,
		Challenges: got.Header.Values("WWW-Authenticate"),
		Nonce:      got.Header.Get("DPoP-Nonce"),
	}
}

// grpcLegs are the two kinds of call every case is sent as.
var grpcLegs = []string{unaryMethod, streamMethod}

// checkGRPC sends the request req(method) makes as a unary and a streaming
// call and compares each answer with the HTTP one. twice sends it twice
// first (a replayed DPoP proof).
func checkGRPC(t *testing.T, conn *grpc.ClientConn, req func(method string) *http.Request, twice bool, ans response) {
	t.Helper()
	want := wantGRPC(t, ans)
	for _, method := range grpcLegs {
		r := req(method)
		if twice {
			callGRPC(t.Context(), conn, method, r)
		}
		got := callGRPC(t.Context(), conn, method, r)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("gRPC %s answered\n%+v\nwant (from %+v)\n%+v", method, got, ans, want)
		}
	}
}
