package mtls

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/testpki"
)

// TestReloaderLoop drives the background check with a tick channel instead
// of a ticker, so it neither sleeps nor depends on timing.
func TestReloaderLoop(t *testing.T) {
	ca, err := testpki.NewCA("loop CA")
	if err != nil {
		t.Fatal(err)
	}
	first, err := ca.Issue(testpki.LeafOptions{CommonName: "first", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	second, err := ca.Issue(testpki.LeafOptions{CommonName: "second", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "c.key")
	write := func(l *testpki.Leaf) {
		t.Helper()
		if err := os.WriteFile(certFile, l.CertPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keyFile, l.KeyPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(first)

	tick := make(chan time.Time)
	reloaded := make(chan string, 4)
	errs := make(chan error, 4)
	r, err := newReloader([]File{{CertFile: certFile, KeyFile: keyFile}}, ReloaderOptions{
		OnReload: func(c *x509.Certificate) { reloaded <- c.Subject.CommonName },
		OnError:  func(err error) { errs <- err },
	})
	if err != nil {
		t.Fatal(err)
	}
	go r.loop(tick)

	// Files are written only while no check runs: before the first tick,
	// and Close waits for the loop to exit before the hooks are examined.
	write(second)
	for range 3 { // the second and third checks see no change
		tick <- time.Now()
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	close(reloaded)
	close(errs)
	for err := range errs {
		t.Errorf("OnError(%v)", err)
	}
	var got []string
	for cn := range reloaded {
		got = append(got, cn)
	}
	if len(got) != 1 || got[0] != "second" {
		t.Fatalf("OnReload calls %v, want [second]", got)
	}
	c, err := r.Set().GetClientCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Leaf.Subject.CommonName; got != "second" {
		t.Fatalf("presented %q, want second", got)
	}
}
