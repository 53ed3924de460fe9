package mtls_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/outbound/mtls"
)

// hooks records a Reloader's OnError and OnReload calls.
type hooks struct {
	mu       sync.Mutex
	errs     []error
	reloaded []string
}

func (h *hooks) options() *mtls.ReloaderOptions {
	return &mtls.ReloaderOptions{
		Interval: -1, // tests call Reload themselves
		OnError: func(err error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.errs = append(h.errs, err)
		},
		OnReload: func(c *x509.Certificate) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.reloaded = append(h.reloaded, c.Subject.CommonName)
		},
	}
}

func (h *hooks) counts() (errs, reloads int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.errs), len(h.reloaded)
}

func presented(t *testing.T, r *mtls.Reloader) string {
	t.Helper()
	c, err := r.Set().GetClientCertificate(request())
	if err != nil {
		t.Fatalf("GetClientCertificate: %v", err)
	}
	return cn(c)
}

func TestReloaderPEM(t *testing.T) {
	ca := newCA(t, "reload CA")
	now := time.Now()
	first := issue(t, ca, "first", now.Add(-time.Hour), now.Add(24*time.Hour))
	second := issue(t, ca, "second", now.Add(-time.Hour), now.Add(48*time.Hour))
	expired := issue(t, ca, "expired", now.Add(-48*time.Hour), now.Add(-time.Hour))

	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writeFile(t, certFile, first.CertPEM)
	writeFile(t, keyFile, first.KeyPEM)

	var h hooks
	r, err := mtls.NewReloader([]mtls.File{{CertFile: certFile, KeyFile: keyFile}}, h.options())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := presented(t, r); got != "first" {
		t.Fatalf("presented %q, want first", got)
	}

	t.Run("unchanged", func(t *testing.T) {
		if err := r.Reload(); err != nil {
			t.Fatal(err)
		}
		if e, n := h.counts(); e != 0 || n != 0 {
			t.Fatalf("hooks called %d/%d times for unchanged files", e, n)
		}
	})
	t.Run("replaced pair picked up", func(t *testing.T) {
		writeFile(t, keyFile, second.KeyPEM)
		writeFile(t, certFile, second.CertPEM)
		if err := r.Reload(); err != nil {
			t.Fatal(err)
		}
		if got := presented(t, r); got != "second" {
			t.Fatalf("presented %q, want second", got)
		}
		if _, n := h.counts(); n != 1 || h.reloaded[0] != "second" {
			t.Fatalf("OnReload calls: %v", h.reloaded)
		}
	})

	broken := []struct {
		name       string
		cert, key  []byte
		remove     bool
		want       error
		hookBefore int
	}{
		{"garbage certificate", []byte("garbage"), second.KeyPEM, false, mtls.ErrNoCertificate, 0},
		{"mismatched key", second.CertPEM, first.KeyPEM, false, mtls.ErrKeyMismatch, 1},
		{"expired certificate", expired.CertPEM, expired.KeyPEM, false, mtls.ErrExpired, 2},
		{"missing file", nil, nil, true, fs.ErrNotExist, 3},
	}
	for _, tt := range broken {
		t.Run("keeps last good on "+tt.name, func(t *testing.T) {
			if tt.remove {
				if err := os.Remove(certFile); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, certFile, tt.cert)
				writeFile(t, keyFile, tt.key)
			}
			for range 2 { // the second check reports the same failure without calling the hook again
				if err := r.Reload(); !errors.Is(err, tt.want) {
					t.Fatalf("Reload: err = %v, want %v", err, tt.want)
				}
			}
			if got := presented(t, r); got != "second" {
				t.Fatalf("presented %q, want the last good certificate", got)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			if len(h.errs) != tt.hookBefore+1 || !errors.Is(h.errs[len(h.errs)-1], tt.want) {
				t.Fatalf("OnError calls: %v", h.errs)
			}
		})
	}

	t.Run("recovers", func(t *testing.T) {
		writeFile(t, certFile, first.CertPEM)
		writeFile(t, keyFile, first.KeyPEM)
		if err := r.Reload(); err != nil {
			t.Fatal(err)
		}
		if got := presented(t, r); got != "first" {
			t.Fatalf("presented %q, want first", got)
		}
	})
}

func TestReloaderPFXRotation(t *testing.T) {
	ca := newCA(t, "rotation CA")
	now := time.Now()
	old := issue(t, ca, "old", now.Add(-time.Hour), now.Add(24*time.Hour))
	renewed := issue(t, ca, "renewed", now.Add(-time.Hour), now.Add(72*time.Hour))
	newer := issue(t, ca, "newer", now.Add(-time.Hour), now.Add(48*time.Hour))
	const pw = "rotation-test-password"

	dir := t.TempDir()
	fileA, fileB := filepath.Join(dir, "a.p12"), filepath.Join(dir, "b.p12")
	mustPFX := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	writeFile(t, fileA, mustPFX(old.PFX(ca, pw)))
	writeFile(t, fileB, mustPFX(newer.PFX(ca, pw)))

	var h hooks
	r, err := mtls.NewReloader([]mtls.File{{PFXFile: fileA, Password: pw}, {PFXFile: fileB, Password: pw}}, h.options())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := presented(t, r); got != "newer" {
		t.Fatalf("presented %q, want newer (expires last)", got)
	}

	// A file encrypted with another password is a broken file: keep both.
	writeFile(t, fileB, mustPFX(renewed.PFX(ca, "other-password")))
	if err := r.Reload(); !errors.Is(err, mtls.ErrWrongPassword) {
		t.Fatalf("Reload: err = %v, want ErrWrongPassword", err)
	}
	if strings.Contains(fmt.Sprint(h.errs), pw) {
		t.Fatal("password in a reported error")
	}
	if got := presented(t, r); got != "newer" {
		t.Fatalf("presented %q, want newer", got)
	}

	// Renew file A: the renewed certificate now expires last.
	writeFile(t, fileA, mustPFX(renewed.PFX(ca, pw)))
	if err := r.Reload(); !errors.Is(err, mtls.ErrWrongPassword) {
		t.Fatalf("Reload: err = %v, want file B's error still reported", err)
	}
	if got := presented(t, r); got != "renewed" {
		t.Fatalf("presented %q, want renewed", got)
	}
	certs := r.Set().Certificates()
	if len(certs) != 2 || cn(&certs[0]) != "renewed" || cn(&certs[1]) != "newer" {
		t.Fatalf("Set holds %d certificates", len(certs))
	}
	if e, n := h.counts(); e != 1 || n != 1 {
		t.Fatalf("OnError %d, OnReload %d; want 1 and 1", e, n)
	}
}

func TestNewReloaderErrors(t *testing.T) {
	dir := t.TempDir()
	good := mtls.File{CertFile: filepath.Join("testdata", "client-ec.pem"), KeyFile: filepath.Join("testdata", "client-ec.key")}
	tests := []struct {
		name  string
		files []mtls.File
		want  error
	}{
		{"no files", nil, mtls.ErrNoCertificate},
		{"missing file", []mtls.File{good, {CertFile: filepath.Join(dir, "nope.pem"), KeyFile: filepath.Join(dir, "nope.key")}}, fs.ErrNotExist},
		{"wrong password", []mtls.File{{PFXFile: filepath.Join("testdata", "client-ec-openssl3.p12"), Password: "wrong"}}, mtls.ErrWrongPassword},
		{"both kinds", []mtls.File{{CertFile: "a", KeyFile: "b", PFXFile: "c"}}, nil},
		{"key file missing from File", []mtls.File{{CertFile: "a"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := mtls.NewReloader(tt.files, &mtls.ReloaderOptions{Interval: time.Hour})
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "mtls: ") {
				t.Errorf("message %q lacks the mtls: prefix", err)
			}
		})
	}
}

func TestReloaderCloseStopsGoroutine(t *testing.T) {
	// goleak in TestMain fails the package if the checking goroutine
	// outlives Close.
	files := []mtls.File{{PFXFile: filepath.Join("testdata", "client-ec-openssl3.p12"), Password: openssl3Password}}
	for _, interval := range []time.Duration{0, time.Millisecond, time.Hour, -1} {
		r, err := mtls.NewReloader(files, &mtls.ReloaderOptions{Interval: interval})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil { // idempotent
			t.Fatal(err)
		}
		// The Set keeps working after Close.
		if c, err := r.TLSConfig(nil).GetClientCertificate(request()); err != nil || cn(c) != "gatehouse test client ec" {
			t.Fatalf("after Close: %q, %v", cn(c), err)
		}
	}
}

func TestFileRedaction(t *testing.T) {
	const secret = "s3cret-pfx-password"
	f := mtls.File{PFXFile: "/etc/certs/client.p12", Password: secret}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("loading", "file", f)
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", f),
		"%+v":  fmt.Sprintf("%+v", f),
		"%#v":  fmt.Sprintf("%#v", f),
		"%s":   fmt.Sprintf("%s", f),
		"%q":   fmt.Sprintf("%q", f),
		"%x":   fmt.Sprintf("%x", f),
		"ptr":  fmt.Sprintf("%v", &f),
		"list": fmt.Sprintf("%v", []mtls.File{f}),
		"slog": logged.String(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, secret) {
				t.Fatalf("%s shows the password: %s", name, out)
			}
			if !strings.Contains(out, "client.p12") {
				t.Errorf("%s lost the path: %s", name, out)
			}
		})
	}
	r, err := mtls.NewReloader([]mtls.File{{PFXFile: filepath.Join("testdata", "client-ec-openssl3.p12"), Password: openssl3Password}}, &mtls.ReloaderOptions{Interval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, r); strings.Contains(out, openssl3Password) || strings.Contains(out, "PrivateKey") || !strings.Contains(out, "client-ec-openssl3.p12") {
			t.Errorf("Reloader printed with %s: %s", verb, out)
		}
	}
	if s := fmt.Sprint(mtls.File{CertFile: "c.pem", KeyFile: "c.key"}); !strings.Contains(s, "c.pem") || !strings.Contains(s, "c.key") {
		t.Errorf("PEM File = %s", s)
	}
}
