package mtls

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// maxFileSize bounds what the file loaders read: certificate files are a few
// KiB, so a larger file is a wrong path, not a certificate.
const maxFileSize = 1 << 20

// LoadPEM parses a PEM certificate chain (leaf first, then intermediates) and
// its private key (PKCS#8, PKCS#1 or SEC 1; not encrypted). keyPEM may be the
// same bytes as certPEM when both live in one file. The returned certificate
// has Leaf set.
//
// The key must match the leaf (ErrKeyMismatch) and the leaf must not have
// expired (ErrExpired): an expired client certificate can never complete a
// handshake, so loading one is treated as a configuration error. A
// certificate that is not yet valid loads, so that a rotation can be staged
// ahead of time; a Set presents it only from its NotBefore on.
func LoadPEM(certPEM, keyPEM []byte) (tls.Certificate, error) {
	return loadPEM(certPEM, keyPEM, "", "", time.Now())
}

// LoadPEMFiles reads a certificate chain and its key from PEM files, as
// LoadPEM. keyFile may equal certFile. A missing file gives an error that
// matches fs.ErrNotExist.
func LoadPEMFiles(certFile, keyFile string) (tls.Certificate, error) {
	return loadPEMFiles(certFile, keyFile, time.Now())
}

// LoadPFX decodes a PKCS#12 (PFX, .p12) file: the files OpenSSL 3 writes by
// default (PBES2 with AES-256-CBC, SHA-256 MAC), the ones it writes with
// -legacy (RC2 or 3DES, SHA-1 MAC), files with an RFC 9579 PBMAC1 MAC
// (OpenSSL 3.4 and later can write them), and go-pkcs12's encoders. The leaf
// is the certificate that matches the key; the file's other certificates
// (its CA chain) follow it. Leaf is set.
//
// A wrong password gives ErrWrongPassword; the password never appears in an
// error. Like LoadPEM, an expired leaf is ErrExpired. A file whose MAC asks
// for more than a million key-derivation iterations (OpenSSL uses 2048) is
// refused as ErrMalformed rather than tying up the CPU.
func LoadPFX(pfx []byte, password string) (tls.Certificate, error) {
	return loadPFX(pfx, password, "", time.Now())
}

// LoadPFXFile reads a PKCS#12 file and decodes it as LoadPFX. A missing file
// gives an error that matches fs.ErrNotExist.
func LoadPFXFile(file, password string) (tls.Certificate, error) {
	return loadPFXFile(file, password, time.Now())
}

func loadPEMFiles(certFile, keyFile string, now time.Time) (tls.Certificate, error) {
	f := File{CertFile: certFile, KeyFile: keyFile}
	parts, err := f.read()
	if err != nil {
		return tls.Certificate{}, err
	}
	return f.parse(parts, now)
}

func loadPFXFile(file, password string, now time.Time) (tls.Certificate, error) {
	f := File{PFXFile: file, Password: password}
	parts, err := f.read()
	if err != nil {
		return tls.Certificate{}, err
	}
	return f.parse(parts, now)
}

// readFile reads at most maxFileSize bytes. The *fs.PathError is unwrapped
// because *Error already names the file; the errno still matches
// fs.ErrNotExist and fs.ErrPermission.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%w: file larger than %d bytes", ErrMalformed, maxFileSize)
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func loadPEM(certPEM, keyPEM []byte, certFile, keyFile string, now time.Time) (tls.Certificate, error) {
	const op = "load PEM"
	chain, err := parseCertPEM(certPEM)
	if err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: certFile, Err: err}
	}
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: keyFile, Err: err}
	}
	leaf := chain[0]
	if err := checkKey(leaf, key); err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: joinPaths(certFile, keyFile), Err: err}
	}
	if err := checkNotExpired(leaf, now); err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: certFile, Err: err}
	}
	return newCertificate(leaf, chain[1:], key), nil
}

func joinPaths(a, b string) string {
	if a == b || b == "" {
		return a
	}
	if a == "" {
		return b
	}
	return a + ", " + b
}

func parseCertPEM(data []byte) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue // a combined file also holds the key
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %d: %v", ErrMalformed, len(chain)+1, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%w: no CERTIFICATE PEM block", ErrNoCertificate)
	}
	return chain, nil
}

func parseKeyPEM(data []byte) (crypto.Signer, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("%w: no PRIVATE KEY PEM block", ErrNoKey)
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED" {
			return nil, fmt.Errorf("%w: encrypted PEM keys are not supported; decrypt the key (openssl pkey) or use a PFX file", ErrMalformed)
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		var (
			k   any
			err error
		)
		switch block.Type {
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: private key: %v", ErrMalformed, err)
		}
		return asSigner(k)
	}
}

// asSigner accepts the key types crypto/tls can sign with.
func asSigner(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%w: unsupported private key type %T", ErrMalformed, k)
}

// checkKey reports whether key belongs to cert.
func checkKey(cert *x509.Certificate, key crypto.Signer) error {
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(key.Public()) {
		return ErrKeyMismatch
	}
	return nil
}

func checkNotExpired(leaf *x509.Certificate, now time.Time) error {
	if now.After(leaf.NotAfter) {
		return fmt.Errorf("%w: %q expired at %s", ErrExpired, leaf.Subject.CommonName, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

func newCertificate(leaf *x509.Certificate, chain []*x509.Certificate, key crypto.Signer) tls.Certificate {
	der := make([][]byte, 0, 1+len(chain))
	der = append(der, leaf.Raw)
	for _, c := range chain {
		der = append(der, c.Raw)
	}
	return tls.Certificate{Certificate: der, PrivateKey: key, Leaf: leaf}
}

func loadPFX(data []byte, password, file string, now time.Time) (tls.Certificate, error) {
	const op = "load PFX"
	if err := checkPFXCost(data); err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: file, Err: err}
	}
	k, first, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: file, Err: pfxError(err)}
	}
	key, err := asSigner(k)
	if err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: file, Err: err}
	}
	// go-pkcs12 takes the first certificate bag as the leaf, but nothing in
	// PKCS#12 orders the bags: pick the certificate that matches the key.
	all := append([]*x509.Certificate{first}, cas...)
	leafAt := -1
	for i, c := range all {
		if checkKey(c, key) == nil {
			leafAt = i
			break
		}
	}
	if leafAt < 0 {
		return tls.Certificate{}, &Error{Op: op, Path: file, Err: ErrKeyMismatch}
	}
	leaf := all[leafAt]
	chain := make([]*x509.Certificate, 0, len(all)-1)
	for i, c := range all {
		// Skip the leaf and duplicates of it that some exporters add.
		if i != leafAt && !bytes.Equal(c.Raw, leaf.Raw) {
			chain = append(chain, c)
		}
	}
	if err := checkNotExpired(leaf, now); err != nil {
		return tls.Certificate{}, &Error{Op: op, Path: file, Err: err}
	}
	return newCertificate(leaf, chain, key), nil
}

// pfxError maps go-pkcs12's errors onto the sentinels. Its "certificate
// missing" and "private key missing" errors have no sentinel, hence the text
// match (pinned by tests).
func pfxError(err error) error {
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
		return ErrWrongPassword
	case strings.Contains(err.Error(), "certificate missing"):
		return ErrNoCertificate
	case strings.Contains(err.Error(), "private key missing"):
		return ErrNoKey
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}
