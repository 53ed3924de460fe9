package mtls_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// request is a TLS 1.3 certificate request as a server sends it: common
// signature schemes and, optionally, the CAs it accepts.
func request(acceptableCAs ...[]byte) *tls.CertificateRequestInfo {
	return &tls.CertificateRequestInfo{
		Version: tls.VersionTLS13,
		SignatureSchemes: []tls.SignatureScheme{
			tls.ECDSAWithP256AndSHA256, tls.Ed25519, tls.PSSWithSHA256, tls.PKCS1WithSHA256,
		},
		AcceptableCAs: acceptableCAs,
	}
}

func TestSetSelect(t *testing.T) {
	ca := newCA(t, "set CA")
	now := time.Now().Truncate(time.Second)
	day := 24 * time.Hour
	soon := issue(t, ca, "soon", now.Add(-day), now.Add(10*day))
	later := issue(t, ca, "later", now.Add(-day), now.Add(20*day))
	laterTwin := issue(t, ca, "later twin", now.Add(-day), now.Add(20*day))
	expired := issue(t, ca, "expired", now.Add(-3*day), now.Add(-day))
	future := issue(t, ca, "future", now.Add(day), now.Add(30*day))

	tests := []struct {
		name    string
		certs   []*testpki.Leaf
		at      time.Time
		wantCN  string
		wantErr error
	}{
		{"one valid", []*testpki.Leaf{soon}, now, "soon", nil},
		{"expires last wins", []*testpki.Leaf{soon, later}, now, "later", nil},
		{"order does not matter", []*testpki.Leaf{later, soon}, now, "later", nil},
		{"tie goes to the first", []*testpki.Leaf{laterTwin, later}, now, "later twin", nil},
		{"expired skipped", []*testpki.Leaf{expired, soon}, now, "soon", nil},
		{"not yet valid skipped", []*testpki.Leaf{future, soon}, now, "soon", nil},
		{"future one once valid", []*testpki.Leaf{future, soon}, now.Add(2 * day), "future", nil},
		{"later one after it expires", []*testpki.Leaf{soon, later}, now.Add(15 * day), "later", nil},
		{"soon one when later not yet valid", []*testpki.Leaf{soon, future}, now, "soon", nil},
		{"all expired", []*testpki.Leaf{expired}, now, "", mtls.ErrExpired},
		{"all expired later on", []*testpki.Leaf{soon, later}, now.Add(21 * day), "", mtls.ErrExpired},
		{"none valid yet", []*testpki.Leaf{future}, now, "", mtls.ErrNotYetValid},
		{"expired and not yet valid", []*testpki.Leaf{expired, future}, now, "", mtls.ErrNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs := make([]tls.Certificate, len(tt.certs))
			for i, l := range tt.certs {
				certs[i] = l.TLS
			}
			s, err := mtls.NewSet(certs...)
			if err != nil {
				t.Fatal(err)
			}
			s.Now = func() time.Time { return tt.at }
			c, err := s.GetClientCertificate(request())
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if c != nil {
					t.Errorf("certificate %q returned with the error", cn(c))
				}
				return
			}
			if cn(c) != tt.wantCN {
				t.Errorf("presented %q, want %q", cn(c), tt.wantCN)
			}
		})
	}
}

func TestSetSupportsCertificate(t *testing.T) {
	caA := newCA(t, "CA A")
	caB := newCA(t, "CA B")
	now := time.Now()
	fromA := issue(t, caA, "from A", now.Add(-time.Hour), now.Add(24*time.Hour))
	fromB := issue(t, caB, "from B", now.Add(-time.Hour), now.Add(48*time.Hour)) // expires last
	rsaA, err := caA.Issue(testpki.LeafOptions{CommonName: "rsa from A", Client: true, RSA: true, NotAfter: now.Add(12 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := mtls.NewSet(fromA.TLS, fromB.TLS, rsaA.TLS)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cri     *tls.CertificateRequestInfo
		wantCN  string
		wantErr error
	}{
		{"any CA", request(), "from B", nil},
		{"nil request", nil, "from B", nil},
		{"only CA A", request(caA.Cert.RawSubject), "from A", nil},
		{"only RSA signatures", &tls.CertificateRequestInfo{
			Version: tls.VersionTLS13, SignatureSchemes: []tls.SignatureScheme{tls.PSSWithSHA256},
		}, "rsa from A", nil},
		// None accepted: the valid one that expires last goes anyway, and
		// the server decides (as with curl).
		{"unknown CA", request([]byte("nobody")), "from B", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.GetClientCertificate(tt.cri)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && cn(c) != tt.wantCN {
				t.Errorf("presented %q, want %q", cn(c), tt.wantCN)
			}
		})
	}
}

func TestNewSetErrors(t *testing.T) {
	ca := newCA(t, "errors CA")
	a := issue(t, ca, "a", time.Time{}, time.Time{})
	b := issue(t, ca, "b", time.Time{}, time.Time{})
	noKey := a.TLS
	noKey.PrivateKey = nil
	mismatched := a.TLS
	mismatched.PrivateKey = b.Key
	noLeaf := a.TLS
	noLeaf.Leaf = nil
	garbage := tls.Certificate{Certificate: [][]byte{[]byte("junk")}, PrivateKey: a.Key}

	tests := []struct {
		name  string
		certs []tls.Certificate
		want  error
	}{
		{"none", nil, mtls.ErrNoCertificate},
		{"empty chain", []tls.Certificate{a.TLS, {PrivateKey: a.Key}}, mtls.ErrNoCertificate},
		{"no key", []tls.Certificate{noKey}, mtls.ErrNoKey},
		{"mismatched key", []tls.Certificate{a.TLS, mismatched}, mtls.ErrKeyMismatch},
		{"bad DER", []tls.Certificate{garbage}, mtls.ErrMalformed},
		{"leaf parsed when nil", []tls.Certificate{noLeaf}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mtls.NewSet(tt.certs...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			c, err := s.GetClientCertificate(nil)
			if err != nil || cn(c) != "a" {
				t.Errorf("presented %q, %v", cn(c), err)
			}
		})
	}
	if noLeaf.Leaf != nil {
		t.Error("NewSet modified the caller's certificate")
	}
}

func TestSetZeroAndReplace(t *testing.T) {
	var s mtls.Set
	if _, err := s.GetClientCertificate(nil); !errors.Is(err, mtls.ErrNoCertificate) {
		t.Fatalf("zero Set: err = %v, want ErrNoCertificate", err)
	}
	ca := newCA(t, "replace CA")
	a := issue(t, ca, "a", time.Time{}, time.Time{})
	b := issue(t, ca, "b", time.Time{}, time.Time{})
	if err := s.Replace(a.TLS); err != nil {
		t.Fatal(err)
	}
	if err := s.Replace(); !errors.Is(err, mtls.ErrNoCertificate) {
		t.Fatalf("Replace(): err = %v", err)
	}
	if c, _ := s.GetClientCertificate(nil); cn(c) != "a" {
		t.Fatalf("after a failed Replace presented %q, want a", cn(c))
	}
	if err := s.Replace(b.TLS, a.TLS); err != nil {
		t.Fatal(err)
	}
	got := s.Certificates()
	if len(got) != 2 || cn(&got[0]) != "b" || cn(&got[1]) != "a" {
		t.Fatalf("Certificates() = %d certificates", len(got))
	}
}

func TestSetConcurrentReplace(t *testing.T) {
	ca := newCA(t, "race CA")
	a := issue(t, ca, "a", time.Time{}, time.Time{})
	b := issue(t, ca, "b", time.Time{}, time.Time{})
	s, err := mtls.NewSet(a.TLS)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				c, err := s.GetClientCertificate(nil)
				if err != nil || (cn(c) != "a" && cn(c) != "b") {
					bad.Add(1)
				}
			}
		}()
	}
	for i := range 200 {
		next := a.TLS
		if i%2 == 0 {
			next = b.TLS
		}
		if err := s.Replace(next); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d bad selections during Replace", bad.Load())
	}
}

func TestSetTLSConfig(t *testing.T) {
	ca := newCA(t, "config CA")
	s, err := mtls.NewSet(issue(t, ca, "a", time.Time{}, time.Time{}).TLS)
	if err != nil {
		t.Fatal(err)
	}
	pool := ca.Pool()
	cfg := s.TLSConfig(pool)
	if cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion = %#x, want TLS 1.2", cfg.MinVersion)
	}
	if cfg.RootCAs != pool {
		t.Error("RootCAs not set")
	}
	if cfg.GetClientCertificate == nil || len(cfg.Certificates) != 0 {
		t.Error("want GetClientCertificate and no static Certificates")
	}
	if s.TLSConfig(nil).RootCAs != nil {
		t.Error("nil roots must stay nil (system roots)")
	}
}

// mtlsServer starts a TLS server that requires a client certificate signed
// by one of clientCAs and answers with the presented leaf's common name.
func mtlsServer(t *testing.T, serverCA *testpki.CA, clientCAs *x509.CertPool, maxVersion uint16) *httptest.Server {
	t.Helper()
	srvLeaf, err := serverCA.Issue(testpki.LeafOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{srvLeaf.TLS},
		ClientCAs:    clientCAs,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MaxVersion:   maxVersion,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, cfg *tls.Config, url string) (string, error) {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: cfg}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), err
}

func TestHandshake(t *testing.T) {
	ca := newCA(t, "handshake CA")
	now := time.Now()
	expired := issue(t, ca, "expired client", now.Add(-48*time.Hour), now.Add(-time.Hour))
	current := issue(t, ca, "current client", now.Add(-time.Hour), now.Add(24*time.Hour))
	next := issue(t, ca, "next client", now.Add(-time.Hour), now.Add(48*time.Hour))

	// Clients from the OpenSSL fixtures, whose CA the server also trusts.
	block, _ := pem.Decode(readTestdata(t, "ca.pem"))
	fixtureCA, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	clientCAs := ca.Pool()
	clientCAs.AddCert(fixtureCA)
	openssl3, err := mtls.LoadPFXFile(filepath.Join("testdata", "client-rsa-openssl3.p12"), openssl3Password)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := mtls.LoadPFXFile(filepath.Join("testdata", "client-ec-legacy.p12"), legacyPassword)
	if err != nil {
		t.Fatal(err)
	}

	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		srv := mtlsServer(t, ca, clientCAs, version)
		tests := []struct {
			name    string
			certs   []tls.Certificate
			wantCN  string
			wantErr error
		}{
			{"expired skipped", []tls.Certificate{expired.TLS, current.TLS}, "current client", nil},
			{"rotation prefers the newer", []tls.Certificate{current.TLS, next.TLS}, "next client", nil},
			{"OpenSSL 3 PFX", []tls.Certificate{openssl3}, "gatehouse test client rsa", nil},
			{"OpenSSL legacy PFX", []tls.Certificate{legacy}, "gatehouse test client ec", nil},
			{"only expired", []tls.Certificate{expired.TLS}, "", mtls.ErrExpired},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", tls.VersionName(version), tt.name), func(t *testing.T) {
				s, err := mtls.NewSet(tt.certs...)
				if err != nil {
					t.Fatal(err)
				}
				got, err := get(t, s.TLSConfig(ca.Pool()), srv.URL)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if got != tt.wantCN {
					t.Errorf("server saw %q, want %q", got, tt.wantCN)
				}
			})
		}
	}
}
