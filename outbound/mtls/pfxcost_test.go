package mtls

import (
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

// TestPFXIterationBound rewrites real files' MAC iteration counts: beyond
// the bound LoadPFX refuses the file before deriving any key (without the
// bound this test would run for hours); within it, go-pkcs12 verifies the
// MAC, which then fails because the count changed.
func TestPFXIterationBound(t *testing.T) {
	ca, err := testpki.NewCA("cost CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "cost-test-password"
	pbmac1, err := pkcs12.Modern2026.Encode(leaf.Key, leaf.Cert, nil, pw)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]struct {
		data     []byte
		password string
		rewrite  func(t *testing.T, pfx *pfxOuter, n int)
	}{
		"OpenSSL 3": {readFixture(t, "client-ec-openssl3.p12"), "openssl3-test-password", setMacIterations},
		"legacy":    {readFixture(t, "client-rsa-legacy.p12"), "legacy-test-password", setMacIterations},
		"PBMAC1":    {pbmac1, pw, setPBMAC1Iterations},
	}
	for name, f := range files {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadPFX(f.data, f.password); err != nil {
				t.Fatalf("unmodified file: %v", err)
			}
			for _, tc := range []struct {
				iterations int
				want       error
			}{
				{4096, ErrWrongPassword},
				{maxPFXIterations + 1, ErrMalformed},
				{1 << 30, ErrMalformed},
			} {
				var pfx pfxOuter
				if _, err := asn1.Unmarshal(f.data, &pfx); err != nil {
					t.Fatal(err)
				}
				f.rewrite(t, &pfx, tc.iterations)
				crafted, err := asn1.Marshal(pfx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := LoadPFX(crafted, f.password); !errors.Is(err, tc.want) {
					t.Fatalf("%d iterations: err = %v, want %v", tc.iterations, err, tc.want)
				}
			}
		})
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func setMacIterations(t *testing.T, pfx *pfxOuter, n int) {
	if pfx.MacData.Iterations != 2048 {
		t.Fatalf("MAC iterations = %d, want 2048", pfx.MacData.Iterations)
	}
	pfx.MacData.Iterations = n
}

func setPBMAC1Iterations(t *testing.T, pfx *pfxOuter, n int) {
	alg := &pfx.MacData.Mac.Algorithm
	if !alg.Algorithm.Equal(oidPBMAC1) {
		t.Fatalf("MAC algorithm %v, want PBMAC1", alg.Algorithm)
	}
	var p pbmac1Params
	var k pbkdf2Params
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(p.Kdf.Parameters.FullBytes, &k); err != nil {
		t.Fatal(err)
	}
	k.Iterations = n
	kb, err := asn1.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	p.Kdf.Parameters = asn1.RawValue{FullBytes: kb}
	pb, err := asn1.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	alg.Parameters = asn1.RawValue{FullBytes: pb}
}
