// Package mtls provides client certificates for mutual TLS: loading them
// from PEM and PKCS#12 (PFX) files, presenting the right one of several
// during a rotation, and reloading them from disk without a restart.
//
// Providers such as Efí (Pix) and the Banking API refuse a connection, even
// to their token endpoint, unless the client presents the certificate issued
// for the account. They deliver it as a .p12/.pfx file with a password, or as
// a PEM pair. LoadPFX reads the files OpenSSL 3 writes by default (AES-256-CBC
// with a SHA-256 MAC), which golang.org/x/crypto/pkcs12 cannot, as well as
// -legacy ones (RC2/3DES, SHA-1), and keeps their CA chain. LoadPEM reads
// PKCS#8, PKCS#1 and SEC 1 keys.
//
// # Errors
//
// Every failure is an *Error naming the operation and file, with a sentinel
// cause for errors.Is: ErrWrongPassword, ErrKeyMismatch, ErrExpired,
// ErrNoCertificate, ErrNoKey, ErrMalformed, and fs.ErrNotExist for a missing
// file. A password never appears in an error. Loading an expired certificate
// is an error (ErrExpired), because it can never complete a handshake; a
// certificate that is not valid yet loads, so a rotation can be staged.
//
// # Rotation
//
// A Set holds several certificates and implements
// tls.Config.GetClientCertificate: each handshake presents the certificate
// that is valid now, is accepted by the server's certificate request, and
// expires last. So a renewed certificate can be added next to the old one
// (the Banking API keeps two active) and takes over at once, while the old
// one keeps working for a server that does not accept the new one yet.
// Set.TLSConfig returns a client configuration with TLS 1.2 as the minimum.
//
// A Reloader keeps a Set filled from files: it checks them every minute (or
// when Reload is called), swaps in a changed file's certificate, and when a
// changed file is broken keeps the last good certificate and reports the
// failure to its OnError hook. Close stops the check.
//
// # Example
//
//	r, err := mtls.NewReloader([]mtls.File{
//		{PFXFile: "/etc/bank/client.p12", Password: os.Getenv("BANK_PFX_PASSWORD")},
//	}, &mtls.ReloaderOptions{
//		OnError: func(err error) { slog.Error("client certificate not reloaded", "err", err) },
//	})
//	if err != nil {
//		return err // missing file, wrong password, expired certificate...
//	}
//	defer r.Close()
//	client := &http.Client{Transport: &http.Transport{TLSClientConfig: r.TLSConfig(bankCAs)}}
package mtls
