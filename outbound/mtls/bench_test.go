package mtls_test

import (
	"crypto/tls"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// BenchmarkGetClientCertificate is the per-handshake cost of choosing among
// two certificates, as in a Banking API rotation.
func BenchmarkGetClientCertificate(b *testing.B) {
	ca := newCA(b, "bench CA")
	now := time.Now()
	s, err := mtls.NewSet(
		issue(b, ca, "old", now.Add(-time.Hour), now.Add(24*time.Hour)).TLS,
		issue(b, ca, "new", now.Add(-time.Hour), now.Add(48*time.Hour)).TLS,
	)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cri  *tls.CertificateRequestInfo
	}{
		{"any CA", request()},
		{"acceptable CAs", request(ca.Cert.RawSubject)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.GetClientCertificate(bc.cri); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoadPEM(b *testing.B) {
	cert, key := readTestdata(b, "client-ec.pem"), readTestdata(b, "client-ec.key")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mtls.LoadPEM(cert, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadPFX(b *testing.B) {
	for _, bc := range []struct{ file, password string }{
		{"client-ec-openssl3.p12", openssl3Password},
		{"client-ec-legacy.p12", legacyPassword},
	} {
		data := readTestdata(b, bc.file)
		b.Run(bc.file, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := mtls.LoadPFX(data, bc.password); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReloadUnchanged is the cost of one background check when nothing
// changed: reading and hashing the files, no parsing.
func BenchmarkReloadUnchanged(b *testing.B) {
	r, err := mtls.NewReloader([]mtls.File{{
		CertFile: filepath.Join("testdata", "client-rsa.pem"),
		KeyFile:  filepath.Join("testdata", "client-rsa.key"),
	}}, &mtls.ReloaderOptions{Interval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Reload(); err != nil {
			b.Fatal(err)
		}
	}
}
