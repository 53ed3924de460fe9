package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// CA is a throwaway certificate authority for tests and demos (ECDSA P-256
// keys, fast). It is safe for concurrent use: issuing reads it only.
type CA struct {
	// Cert is the self-signed CA certificate.
	Cert *x509.Certificate
	// Key is the CA's private key.
	Key crypto.Signer
	// CertPEM is Cert in PEM form, for tools and files.
	CertPEM []byte
}

// NewCA creates a self-signed CA valid from an hour ago for ten years, so
// that leaves with any reasonable validity window chain to it.
func NewCA(commonName string) (*CA, error) {
	if commonName == "" {
		return nil, errors.New("testpki: empty CA common name")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: generating CA key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"gatehouse testpki"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("testpki: creating CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testpki: parsing CA certificate: %w", err)
	}
	return &CA{
		Cert:    cert,
		Key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// Pool returns a new certificate pool holding only the CA certificate, for
// tls.Config.RootCAs (clients) or ClientCAs (servers).
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// LeafOptions describes a certificate for CA.Issue. The zero value is a
// server certificate for localhost valid from an hour ago for a day.
type LeafOptions struct {
	// CommonName is the subject's common name; empty means "localhost" for
	// server certificates and "client" for client certificates.
	CommonName string
	// DNSNames and IPAddresses are the subject alternative names. For
	// server certificates both empty means "localhost", 127.0.0.1 and ::1.
	DNSNames    []string
	IPAddresses []net.IP
	// NotBefore and NotAfter bound the validity; zero means now-1h and
	// now+24h. Set them in the past or future to make expired or
	// not-yet-valid certificates.
	NotBefore, NotAfter time.Time
	// Client makes a client certificate (ExtKeyUsageClientAuth) instead of
	// a server certificate (ExtKeyUsageServerAuth).
	Client bool
	// RSA uses an RSA-2048 key instead of ECDSA P-256, for PFX and OpenSSL
	// compatibility tests. RSA generation is slow: use it only when needed.
	RSA bool
}

// Leaf is an issued certificate with its key in every form tests need.
type Leaf struct {
	// TLS is the certificate chain (leaf only) and key for tls.Config.
	TLS tls.Certificate
	// Cert is the parsed leaf certificate.
	Cert *x509.Certificate
	// Key is the leaf's private key.
	Key crypto.Signer
	// CertPEM and KeyPEM are the PEM forms ("CERTIFICATE" and a PKCS #8
	// "PRIVATE KEY").
	CertPEM, KeyPEM []byte
}

// Issue creates a leaf certificate signed by the CA.
func (ca *CA) Issue(opts LeafOptions) (*Leaf, error) {
	var key crypto.Signer
	var err error
	if opts.RSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, fmt.Errorf("testpki: generating leaf key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	notBefore, notAfter := opts.NotBefore, opts.NotAfter
	if notBefore.IsZero() {
		notBefore = now.Add(-time.Hour)
	}
	if notAfter.IsZero() {
		notAfter = now.Add(24 * time.Hour)
	}
	if !notAfter.After(notBefore) {
		return nil, errors.New("testpki: NotAfter must be after NotBefore")
	}
	tmpl := leafTemplate(opts, serial, notBefore, notAfter)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("testpki: creating leaf certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testpki: parsing leaf certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("testpki: encoding leaf key: %w", err)
	}
	return &Leaf{
		TLS:     tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert},
		Cert:    cert,
		Key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// leafTemplate is the certificate template of a leaf: a server
// certificate for localhost by default, or a client certificate.
func leafTemplate(opts LeafOptions, serial *big.Int, notBefore, notAfter time.Time) *x509.Certificate {
	cn := opts.CommonName
	dns, ips := opts.DNSNames, opts.IPAddresses
	eku := x509.ExtKeyUsageServerAuth
	if opts.Client {
		eku = x509.ExtKeyUsageClientAuth
		if cn == "" {
			cn = "client"
		}
	} else {
		if cn == "" {
			cn = "localhost"
		}
		if len(dns) == 0 && len(ips) == 0 {
			dns = []string{"localhost"}
			ips = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		}
	}
	keyUsage := x509.KeyUsageDigitalSignature
	if opts.RSA {
		// RSA key exchange (TLS 1.2 without ECDHE) needs key encipherment.
		keyUsage |= x509.KeyUsageKeyEncipherment
	}
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"gatehouse testpki"}},
		DNSNames:     dns,
		IPAddresses:  ips,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     keyUsage,
		ExtKeyUsage:  []x509.ExtKeyUsage{eku},
	}
}

// PFX encodes the leaf, its key and the CA (as chain) with go-pkcs12's
// Modern encoder (PBES2 AES-256-CBC, SHA-256 MAC), as OpenSSL 3 writes by
// default. ca may be nil for a file without a chain.
func (l *Leaf) PFX(ca *CA, password string) ([]byte, error) {
	return l.encode(pkcs12.Modern, ca, password)
}

// LegacyPFX encodes like PFX with go-pkcs12's legacy encoder (RC2 for
// certificates, 3DES for the key, SHA-1 MAC), as OpenSSL 1.x and
// "openssl pkcs12 -legacy" write.
func (l *Leaf) LegacyPFX(ca *CA, password string) ([]byte, error) {
	return l.encode(pkcs12.LegacyRC2, ca, password)
}

func (l *Leaf) encode(enc *pkcs12.Encoder, ca *CA, password string) ([]byte, error) {
	var chain []*x509.Certificate
	if ca != nil {
		chain = []*x509.Certificate{ca.Cert}
	}
	b, err := enc.Encode(l.Key, l.Cert, chain, password)
	if err != nil {
		// The password is deliberately not part of the message.
		return nil, fmt.Errorf("testpki: encoding PFX: %w", err)
	}
	return b, nil
}

func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("testpki: generating serial: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
