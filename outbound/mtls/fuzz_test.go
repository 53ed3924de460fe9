package mtls_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// FuzzLoadPEM feeds arbitrary certificate and key input to LoadPEM: it must
// return an error or a consistent certificate, never panic.
func FuzzLoadPEM(f *testing.F) {
	for _, pair := range [][2]string{
		{"client-ec.pem", "client-ec.key"},
		{"client-ec.pem", "client-ec-sec1.key"},
		{"client-rsa.pem", "client-rsa-pkcs1.key"},
		{"ca.pem", "client-ec.key"},
	} {
		f.Add(readTestdata(f, pair[0]), readTestdata(f, pair[1]))
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), []byte("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte) {
		c, err := mtls.LoadPEM(certPEM, keyPEM)
		if err != nil {
			return
		}
		if c.Leaf == nil || c.PrivateKey == nil || len(c.Certificate) == 0 {
			t.Fatal("success without leaf, key or chain")
		}
	})
}

// FuzzLoadPFX feeds arbitrary PKCS#12 input to LoadPFX.
func FuzzLoadPFX(f *testing.F) {
	f.Add(readTestdata(f, "client-ec-openssl3.p12"), openssl3Password)
	f.Add(readTestdata(f, "client-ec-legacy.p12"), legacyPassword)
	f.Add(readTestdata(f, "client-rsa-legacy.p12"), "wrong")
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03}, "")
	f.Fuzz(func(t *testing.T, pfx []byte, password string) {
		c, err := mtls.LoadPFX(pfx, password)
		if err != nil {
			return
		}
		if c.Leaf == nil || c.PrivateKey == nil || len(c.Certificate) == 0 {
			t.Fatal("success without leaf, key or chain")
		}
	})
}
