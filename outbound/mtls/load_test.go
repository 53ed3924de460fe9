package mtls_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

func fixtureCA(t testing.TB) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(readTestdata(t, "ca.pem"))
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadPEMFiles(t *testing.T) {
	tests := []struct {
		name, cert, key, wantCN string
		wantKey                 any
	}{
		{"ECDSA PKCS#8", "client-ec.pem", "client-ec.key", "gatehouse test client ec", &ecdsa.PrivateKey{}},
		{"ECDSA SEC 1", "client-ec.pem", "client-ec-sec1.key", "gatehouse test client ec", &ecdsa.PrivateKey{}},
		{"RSA PKCS#8", "client-rsa.pem", "client-rsa.key", "gatehouse test client rsa", &rsa.PrivateKey{}},
		{"RSA PKCS#1", "client-rsa.pem", "client-rsa-pkcs1.key", "gatehouse test client rsa", &rsa.PrivateKey{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mtls.LoadPEMFiles(filepath.Join("testdata", tt.cert), filepath.Join("testdata", tt.key))
			if err != nil {
				t.Fatal(err)
			}
			if got := cn(&c); got != tt.wantCN {
				t.Errorf("leaf CN = %q, want %q", got, tt.wantCN)
			}
			if len(c.Certificate) != 1 || !bytes.Equal(c.Certificate[0], c.Leaf.Raw) {
				t.Errorf("chain = %d certificates, want the leaf only", len(c.Certificate))
			}
			if got, want := typeName(c.PrivateKey), typeName(tt.wantKey); got != want {
				t.Errorf("key type %s, want %s", got, want)
			}
		})
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *ecdsa.PrivateKey:
		return "ecdsa"
	case *rsa.PrivateKey:
		return "rsa"
	}
	return "other"
}

func TestLoadPEMChainAndCombinedFile(t *testing.T) {
	ca := newCA(t, "chain CA")
	leaf := issue(t, ca, "chained", time.Time{}, time.Time{})
	chainPEM := append(append([]byte{}, leaf.CertPEM...), ca.CertPEM...)

	t.Run("separate", func(t *testing.T) {
		c, err := mtls.LoadPEM(chainPEM, leaf.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Certificate) != 2 || !bytes.Equal(c.Certificate[1], ca.Cert.Raw) {
			t.Fatalf("chain has %d certificates, want leaf + CA", len(c.Certificate))
		}
		if cn(&c) != "chained" {
			t.Errorf("leaf CN = %q", cn(&c))
		}
	})
	t.Run("one file", func(t *testing.T) {
		combined := append(append([]byte{}, leaf.KeyPEM...), chainPEM...)
		path := filepath.Join(t.TempDir(), "combined.pem")
		writeFile(t, path, combined)
		c, err := mtls.LoadPEMFiles(path, path)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Certificate) != 2 || cn(&c) != "chained" {
			t.Fatalf("got %d certificates, leaf %q", len(c.Certificate), cn(&c))
		}
	})
}

func TestLoadPFXFileOpenSSL(t *testing.T) {
	caCert := fixtureCA(t)
	tests := []struct {
		file, password, wantCN string
		pem                    string // the same certificate as PEM files, without extension
	}{
		{"client-ec-openssl3.p12", openssl3Password, "gatehouse test client ec", "client-ec"},
		{"client-ec-legacy.p12", legacyPassword, "gatehouse test client ec", "client-ec"},
		{"client-rsa-openssl3.p12", openssl3Password, "gatehouse test client rsa", "client-rsa"},
		{"client-rsa-legacy.p12", legacyPassword, "gatehouse test client rsa", "client-rsa"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := mtls.LoadPFXFile(filepath.Join("testdata", tt.file), tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if cn(&c) != tt.wantCN {
				t.Errorf("leaf CN = %q, want %q", cn(&c), tt.wantCN)
			}
			if len(c.Certificate) != 2 || !bytes.Equal(c.Certificate[1], caCert.Raw) {
				t.Fatalf("chain has %d certificates, want leaf + CA", len(c.Certificate))
			}
			if err := c.Leaf.CheckSignatureFrom(caCert); err != nil {
				t.Errorf("leaf not signed by the fixture CA: %v", err)
			}
			// The PFX and the PEM files hold the same certificate.
			pemCert, err := mtls.LoadPEMFiles(filepath.Join("testdata", tt.pem+".pem"), filepath.Join("testdata", tt.pem+".key"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pemCert.Leaf.Raw, c.Leaf.Raw) {
				t.Error("PFX leaf differs from the PEM leaf")
			}
		})
	}
}

func TestLoadPFXGoPKCS12(t *testing.T) {
	ca := newCA(t, "pfx CA")
	ec := issue(t, ca, "ec client", time.Time{}, time.Time{})
	rsaLeaf, err := ca.Issue(testpki.LeafOptions{CommonName: "rsa client", Client: true, RSA: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		leaf   *testpki.Leaf
		encode func(l *testpki.Leaf, ca *testpki.CA, pw string) ([]byte, error)
	}{
		{"Modern ECDSA", ec, (*testpki.Leaf).PFX},
		{"Legacy ECDSA", ec, (*testpki.Leaf).LegacyPFX},
		{"Modern RSA", rsaLeaf, (*testpki.Leaf).PFX},
		{"Legacy RSA", rsaLeaf, (*testpki.Leaf).LegacyPFX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const pw = "go-pkcs12-test-password"
			pfx, err := tt.encode(tt.leaf, ca, pw)
			if err != nil {
				t.Fatal(err)
			}
			c, err := mtls.LoadPFX(pfx, pw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.Leaf.Raw, tt.leaf.Cert.Raw) {
				t.Error("wrong leaf")
			}
			if len(c.Certificate) != 2 || !bytes.Equal(c.Certificate[1], ca.Cert.Raw) {
				t.Errorf("chain has %d certificates, want leaf + CA", len(c.Certificate))
			}
			if _, err := mtls.LoadPFX(pfx, "not-"+pw); !errors.Is(err, mtls.ErrWrongPassword) {
				t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
			}
		})
	}
	t.Run("leaf after CA in the file", func(t *testing.T) {
		// go-pkcs12 takes the first certificate bag as the leaf; LoadPFX
		// must pick the one matching the key instead.
		pfx, err := pkcs12.Modern.Encode(ec.Key, ca.Cert, []*x509.Certificate{ec.Cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		c, err := mtls.LoadPFX(pfx, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.Leaf.Raw, ec.Cert.Raw) || len(c.Certificate) != 2 || !bytes.Equal(c.Certificate[1], ca.Cert.Raw) {
			t.Errorf("leaf %q, %d certificates; want the key's certificate first", cn(&c), len(c.Certificate))
		}
	})
}

func TestLoadErrors(t *testing.T) {
	ca := newCA(t, "errors CA")
	good := issue(t, ca, "good", time.Time{}, time.Time{})
	other := issue(t, ca, "other", time.Time{}, time.Time{})
	expired := issue(t, ca, "expired", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	mismatchedPFX, err := pkcs12.Modern.Encode(other.Key, good.Cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	expiredPFX, err := expired.PFX(ca, "pw")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	encryptedKey := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	badCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})

	tests := []struct {
		name     string
		load     func() (tls.Certificate, error)
		want     error
		password string // must not appear in the error
	}{
		{"PFX OpenSSL 3 wrong password", func() (tls.Certificate, error) {
			return mtls.LoadPFX(readTestdata(t, "client-ec-openssl3.p12"), "hunter2-wrong")
		}, mtls.ErrWrongPassword, "hunter2-wrong"},
		{"PFX legacy wrong password", func() (tls.Certificate, error) {
			return mtls.LoadPFXFile(filepath.Join("testdata", "client-rsa-legacy.p12"), "hunter2-wrong")
		}, mtls.ErrWrongPassword, "hunter2-wrong"},
		{"PFX file with another file's password", func() (tls.Certificate, error) {
			return mtls.LoadPFXFile(filepath.Join("testdata", "client-ec-legacy.p12"), openssl3Password)
		}, mtls.ErrWrongPassword, openssl3Password},
		{"PFX mismatched key", func() (tls.Certificate, error) { return mtls.LoadPFX(mismatchedPFX, "pw") }, mtls.ErrKeyMismatch, ""},
		{"PFX expired", func() (tls.Certificate, error) { return mtls.LoadPFX(expiredPFX, "pw") }, mtls.ErrExpired, ""},
		{"PFX garbage", func() (tls.Certificate, error) { return mtls.LoadPFX([]byte("not a pfx"), "pw-secret") }, mtls.ErrMalformed, "pw-secret"},
		{"PFX missing file", func() (tls.Certificate, error) { return mtls.LoadPFXFile(missing, "pw") }, fs.ErrNotExist, ""},
		{"PEM mismatched key", func() (tls.Certificate, error) { return mtls.LoadPEM(good.CertPEM, other.KeyPEM) }, mtls.ErrKeyMismatch, ""},
		{"PEM mismatched key type", func() (tls.Certificate, error) {
			return mtls.LoadPEMFiles(filepath.Join("testdata", "client-ec.pem"), filepath.Join("testdata", "client-rsa.key"))
		}, mtls.ErrKeyMismatch, ""},
		{"PEM expired", func() (tls.Certificate, error) { return mtls.LoadPEM(expired.CertPEM, expired.KeyPEM) }, mtls.ErrExpired, ""},
		{"PEM no certificate", func() (tls.Certificate, error) { return mtls.LoadPEM(good.KeyPEM, good.KeyPEM) }, mtls.ErrNoCertificate, ""},
		{"PEM empty", func() (tls.Certificate, error) { return mtls.LoadPEM(nil, nil) }, mtls.ErrNoCertificate, ""},
		{"PEM no key", func() (tls.Certificate, error) { return mtls.LoadPEM(good.CertPEM, good.CertPEM) }, mtls.ErrNoKey, ""},
		{"PEM encrypted key", func() (tls.Certificate, error) { return mtls.LoadPEM(good.CertPEM, encryptedKey) }, mtls.ErrMalformed, ""},
		{"PEM bad certificate DER", func() (tls.Certificate, error) { return mtls.LoadPEM(badCert, good.KeyPEM) }, mtls.ErrMalformed, ""},
		{"PEM missing certificate file", func() (tls.Certificate, error) {
			return mtls.LoadPEMFiles(missing, filepath.Join("testdata", "client-ec.key"))
		}, fs.ErrNotExist, ""},
		{"PEM missing key file", func() (tls.Certificate, error) {
			return mtls.LoadPEMFiles(filepath.Join("testdata", "client-ec.pem"), missing)
		}, fs.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.load()
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if c.Leaf != nil || c.PrivateKey != nil {
				t.Error("a certificate was returned with the error")
			}
			var me *mtls.Error
			if !errors.As(err, &me) {
				t.Fatalf("err is %T, want *mtls.Error", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "mtls: ") || strings.Count(msg, "mtls:") != 1 {
				t.Errorf("message %q: want one mtls: prefix", msg)
			}
			if tt.password != "" && strings.Contains(msg, tt.password) {
				t.Errorf("message %q contains the password", msg)
			}
		})
	}
}

func TestLoadNotYetValid(t *testing.T) {
	// A future certificate loads, so a rotation can be staged; the Set
	// skips it until its NotBefore (see TestSetSelect).
	ca := newCA(t, "future CA")
	future := issue(t, ca, "future", time.Now().Add(24*time.Hour), time.Now().Add(48*time.Hour))
	c, err := mtls.LoadPEM(future.CertPEM, future.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if cn(&c) != "future" {
		t.Errorf("leaf CN = %q", cn(&c))
	}
}
