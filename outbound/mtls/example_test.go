package mtls_test

import (
	"crypto/tls"
	"fmt"
	"log"
	"net/http"

	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

func ExampleLoadPFXFile() {
	// A PFX file as OpenSSL 3 writes it by default (AES-256-CBC, SHA-256
	// MAC), holding the client certificate and its CA.
	cert, err := mtls.LoadPFXFile("testdata/client-ec-openssl3.p12", "openssl3-test-password")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cert.Leaf.Subject.CommonName)
	fmt.Println(len(cert.Certificate), "certificates in the chain")

	_, err = mtls.LoadPFXFile("testdata/client-ec-openssl3.p12", "a wrong guess")
	fmt.Println(err)
	// Output:
	// gatehouse test client ec
	// 2 certificates in the chain
	// mtls: load PFX testdata/client-ec-openssl3.p12: wrong password
}

func ExampleNewSet() {
	// Two active certificates, as during a Banking API rotation: each
	// handshake presents, among the valid ones the server accepts, the one
	// that expires last.
	current, err := mtls.LoadPEMFiles("testdata/client-rsa.pem", "testdata/client-rsa.key")
	if err != nil {
		log.Fatal(err)
	}
	next, err := mtls.LoadPFXFile("testdata/client-ec-legacy.p12", "legacy-test-password")
	if err != nil {
		log.Fatal(err)
	}
	set, err := mtls.NewSet(current, next)
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: set.TLSConfig(nil), // nil: trust the system roots for the server
	}}
	_ = client

	// What crypto/tls does in a handshake with a server that accepts only
	// ECDSA signatures.
	c, err := set.GetClientCertificate(&tls.CertificateRequestInfo{
		Version:          tls.VersionTLS13,
		SignatureSchemes: []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Leaf.Subject.CommonName)
	// Output:
	// gatehouse test client ec
}

func ExampleNewReloader() {
	r, err := mtls.NewReloader([]mtls.File{
		{PFXFile: "testdata/client-rsa-openssl3.p12", Password: "openssl3-test-password"},
	}, &mtls.ReloaderOptions{
		// Interval: zero checks the file every minute.
		OnError: func(err error) { log.Printf("client certificate not reloaded: %v", err) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: r.TLSConfig(nil)}}
	_ = client
	fmt.Println(len(r.Set().Certificates()), "certificate loaded")
	// Output:
	// 1 certificate loaded
}
