package testpki_test

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

func TestIssue(t *testing.T) {
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-48 * time.Hour)
	tests := []struct {
		name    string
		opts    testpki.LeafOptions
		eku     x509.ExtKeyUsage
		rsa     bool
		expired bool
		cn      string
	}{
		{name: "server default", opts: testpki.LeafOptions{}, eku: x509.ExtKeyUsageServerAuth, cn: "localhost"},
		{name: "client", opts: testpki.LeafOptions{Client: true, CommonName: "acme"}, eku: x509.ExtKeyUsageClientAuth, cn: "acme"},
		{name: "client default name", opts: testpki.LeafOptions{Client: true}, eku: x509.ExtKeyUsageClientAuth, cn: "client"},
		{name: "rsa client", opts: testpki.LeafOptions{Client: true, RSA: true}, eku: x509.ExtKeyUsageClientAuth, rsa: true, cn: "client"},
		{name: "expired", opts: testpki.LeafOptions{Client: true, NotBefore: past, NotAfter: past.Add(time.Hour)}, eku: x509.ExtKeyUsageClientAuth, expired: true, cn: "client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ca.Issue(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if l.Cert.Subject.CommonName != tt.cn {
				t.Errorf("CN = %q, want %q", l.Cert.Subject.CommonName, tt.cn)
			}
			if len(l.Cert.ExtKeyUsage) != 1 || l.Cert.ExtKeyUsage[0] != tt.eku {
				t.Errorf("ExtKeyUsage = %v, want [%v]", l.Cert.ExtKeyUsage, tt.eku)
			}
			_, isRSA := l.Key.(*rsa.PrivateKey)
			_, isEC := l.Key.(*ecdsa.PrivateKey)
			if isRSA != tt.rsa || isEC == tt.rsa {
				t.Errorf("key type %T, want RSA=%v", l.Key, tt.rsa)
			}
			_, err = l.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{tt.eku}})
			if (err != nil) != tt.expired {
				t.Errorf("Verify error = %v, want expired=%v", err, tt.expired)
			}
			// The PEM forms load as a usable pair.
			pair, err := tls.X509KeyPair(l.CertPEM, l.KeyPEM)
			if err != nil {
				t.Fatalf("X509KeyPair: %v", err)
			}
			if !pair.Leaf.Equal(l.Cert) {
				t.Error("PEM certificate differs from Cert")
			}
		})
	}
}

func TestIssueErrors(t *testing.T) {
	if _, err := testpki.NewCA(""); err == nil {
		t.Error("NewCA(\"\") succeeded")
	}
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := ca.Issue(testpki.LeafOptions{NotBefore: now, NotAfter: now.Add(-time.Hour)}); err == nil {
		t.Error("Issue with NotAfter before NotBefore succeeded")
	}
}

func TestServerSANs(t *testing.T) {
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca.Issue(testpki.LeafOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			if err := l.Cert.VerifyHostname(host); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPFX(t *testing.T) {
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca.Issue(testpki.LeafOptions{Client: true, RSA: true})
	if err != nil {
		t.Fatal(err)
	}
	const password = "s3cret-pfx"
	tests := []struct {
		name   string
		encode func(*testpki.CA, string) ([]byte, error)
		ca     *testpki.CA
		chain  int
	}{
		{name: "modern with chain", encode: l.PFX, ca: ca, chain: 1},
		{name: "legacy with chain", encode: l.LegacyPFX, ca: ca, chain: 1},
		{name: "modern without chain", encode: l.PFX, ca: nil, chain: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pfx, err := tt.encode(tt.ca, password)
			if err != nil {
				t.Fatal(err)
			}
			key, cert, chain, err := pkcs12.DecodeChain(pfx, password)
			if err != nil {
				t.Fatal(err)
			}
			if !cert.Equal(l.Cert) {
				t.Error("decoded certificate differs")
			}
			if k, ok := key.(*rsa.PrivateKey); !ok || !k.Equal(l.Key) {
				t.Error("decoded key differs")
			}
			if len(chain) != tt.chain {
				t.Errorf("chain length %d, want %d", len(chain), tt.chain)
			}
			if _, _, err := pkcs12.Decode(pfx, "wrong"); err == nil {
				t.Error("decoding with a wrong password succeeded")
			}
		})
	}
}

func TestMutualTLS(t *testing.T) {
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	srvLeaf, err := ca.Issue(testpki.LeafOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cliLeaf, err := ca.Issue(testpki.LeafOptions{Client: true, CommonName: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{srvLeaf.TLS},
		ClientCAs:    ca.Pool(),
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}
	srv.StartTLS()
	defer srv.Close()

	for _, tt := range []struct {
		name    string
		certs   []tls.Certificate
		wantErr bool
	}{
		{name: "with client certificate", certs: []tls.Certificate{cliLeaf.TLS}},
		{name: "without client certificate", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), Certificates: tt.certs}}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("request without client certificate succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != "acme" {
				t.Errorf("server saw %q, want acme", b)
			}
		})
	}
}

func BenchmarkIssue(b *testing.B) {
	ca, err := testpki.NewCA("bench CA")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ca.Issue(testpki.LeafOptions{Client: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleCA_Issue() {
	ca, err := testpki.NewCA("example CA")
	if err != nil {
		panic(err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{Client: true, CommonName: "acme"})
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(leaf.CertPEM)
	fmt.Println(leaf.Cert.Subject.CommonName, block.Type)
	_, err = leaf.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	fmt.Println("verifies:", err == nil)
	// Output:
	// acme CERTIFICATE
	// verifies: true
}
