package gatehouseotel_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// TestReloader: a renewed certificate counts as a successful reload, a
// broken file as a failed one, and the user's OnError still runs.
func TestReloader(t *testing.T) {
	h := newHarness(t)
	ca, err := testpki.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := mtls.File{CertFile: filepath.Join(dir, "c.pem"), KeyFile: filepath.Join(dir, "k.pem")}
	write := func(cert, key []byte) {
		t.Helper()
		if err := os.WriteFile(f.CertFile, cert, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.KeyFile, key, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	issue := func() *testpki.Leaf {
		t.Helper()
		l, err := ca.Issue(testpki.LeafOptions{Client: true})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	first := issue()
	write(first.CertPEM, first.KeyPEM)
	userErrors := 0
	r, err := mtls.NewReloader([]mtls.File{f}, h.tel.Reloader(&mtls.ReloaderOptions{Interval: -1, OnError: func(error) { userErrors++ }}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	second := issue()
	write(second.CertPEM, second.KeyPEM)
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	write([]byte("not a certificate"), second.KeyPEM)
	if err := r.Reload(); err == nil {
		t.Fatal("a broken file reloaded")
	}
	equalMaps(t, gatehouseotel.CertReloads, counter(t, h.collect(t), gatehouseotel.CertReloads), map[string]int64{
		"outcome=success": 1,
		"outcome=failure": 1,
	})
	if userErrors != 1 {
		t.Errorf("the user's OnError ran %d times", userErrors)
	}
}
