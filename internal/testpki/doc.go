// Package testpki is the project's one place that generates certificates for
// tests and demos: a throwaway CA, server and client leaf certificates, and
// their PEM and PFX (PKCS #12) forms.
//
// Keys are ECDSA P-256 by default because they are generated in well under a
// millisecond; RSA-2048 is available for tests that need what OpenSSL and most
// providers' PFX files contain. Nothing here is fit for production: keys live
// in memory, the CA is self-signed, and validity windows default to a day.
//
// A typical mTLS test issues a server and a client certificate from one CA:
//
//	ca, err := testpki.NewCA("test CA")
//	if err != nil { ... }
//	srv, _ := ca.Issue(testpki.LeafOptions{})                 // localhost, 127.0.0.1, ::1
//	cli, _ := ca.Issue(testpki.LeafOptions{Client: true, CommonName: "acme"})
//	server.TLS = &tls.Config{
//		Certificates: []tls.Certificate{srv.TLS},
//		ClientCAs:    ca.Pool(),
//		ClientAuth:   tls.RequireAndVerifyClientCert,
//	}
//	client.TLSClientConfig = &tls.Config{RootCAs: ca.Pool(), Certificates: []tls.Certificate{cli.TLS}}
package testpki
