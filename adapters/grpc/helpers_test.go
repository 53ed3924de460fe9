package grpcauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	grpcauth "github.com/gatehouse-go/gatehouse/adapters/grpc"
	"github.com/gatehouse-go/gatehouse/inbound"
	"github.com/gatehouse-go/gatehouse/middleware"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pki is a throwaway CA with a server certificate for 127.0.0.1 and a
// client certificate.
type pki struct {
	pool   *x509.CertPool
	server tls.Certificate
	client tls.Certificate
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, usage x509.ExtKeyUsage) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	p := &pki{pool: x509.NewCertPool(), server: leaf(2, x509.ExtKeyUsageServerAuth), client: leaf(3, x509.ExtKeyUsageClientAuth)}
	p.pool.AddCert(caCert)
	return p
}

// testService answers with the subject of the call's Principal ("-" for
// none): UnaryCall in Username, StreamingOutputCall in one message's body.
type testService struct {
	testpb.UnimplementedTestServiceServer
}

func subject(ctx context.Context) string {
	if p, ok := grpcauth.Principal(ctx); ok {
		return p.Subject
	}
	return "-"
}

func (testService) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Username: subject(ctx)}, nil
}

func (testService) StreamingOutputCall(_ *testpb.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	return ss.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(subject(ss.Context()))}})
}

// server is a TLS gRPC server on loopback guarded by a Guard, with the
// test service and the health service.
type server struct {
	addr string
	pki  *pki
	mu   sync.Mutex
	last *http.Request // the view OnAccept saw last
}

func (s *server) lastView() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// startServer serves v behind a Guard made with opts (OnAccept is set to
// record the view).
func startServer(t testing.TB, v inbound.Validator, opts *middleware.Options) *server {
	t.Helper()
	s := &server{pki: newPKI(t)}
	o := middleware.Options{}
	if opts != nil {
		o = *opts
	}
	o.OnAccept = func(r *http.Request, _ *inbound.Principal) {
		s.mu.Lock()
		s.last = r
		s.mu.Unlock()
	}
	g, err := middleware.New(v, &o)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = lis.Addr().String()
	srv := grpc.NewServer(
		grpc.Creds(credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{s.pki.server},
			ClientCAs:    s.pki.pool,
			ClientAuth:   tls.VerifyClientCertIfGiven,
		})),
		grpc.ChainUnaryInterceptor(grpcauth.UnaryServerInterceptor(g)),
		grpc.ChainStreamInterceptor(grpcauth.StreamServerInterceptor(g)),
	)
	testpb.RegisterTestServiceServer(srv, testService{})
	healthpb.RegisterHealthServer(srv, health.NewServer())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return s
}

// dial connects to s over TLS, with the client certificate when withCert.
func (s *server) dial(t testing.TB, withCert bool, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	cfg := &tls.Config{RootCAs: s.pki.pool, ServerName: "127.0.0.1"}
	if withCert {
		cfg.Certificates = []tls.Certificate{s.pki.client}
	}
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(cfg))}, opts...)
	conn, err := grpc.NewClient(s.addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
