package mtls_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/leakcheck"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// Passwords of the committed fixtures (see testdata/README.md).
const (
	openssl3Password = "openssl3-test-password"
	legacyPassword   = "legacy-test-password"
)

func newCA(t testing.TB, name string) *testpki.CA {
	t.Helper()
	ca, err := testpki.NewCA(name)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// issue makes a client certificate valid from nb to na (zero: testpki's
// defaults).
func issue(t testing.TB, ca *testpki.CA, cn string, nb, na time.Time) *testpki.Leaf {
	t.Helper()
	l, err := ca.Issue(testpki.LeafOptions{CommonName: cn, Client: true, NotBefore: nb, NotAfter: na})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	// Write then rename, as an operator replacing a certificate should.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func cn(c *tls.Certificate) string {
	if c == nil || c.Leaf == nil {
		return "<nil>"
	}
	return c.Leaf.Subject.CommonName
}
