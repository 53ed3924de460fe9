package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/inbound/pgstore/pgtest"
)

// TestSelftest runs the example's -selftest against a throwaway PostgreSQL,
// and skips when none can be started.
func TestSelftest(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		t.Skipf("skipping: no PostgreSQL server (Debian's postgresql package): %v", err)
	}
	defer srv.Close()
	var out bytes.Buffer
	err = selftest(context.Background(), srv.URL(), &out)
	t.Log(out.String())
	if err != nil || !strings.Contains(out.String(), "PASS:") {
		t.Fatal(err)
	}
	// The commands, as a user runs them.
	out.Reset()
	if err := command(context.Background(), srv.URL(), []string{"create", "-subject", "cli", "-prefix", "$aact_hmlg_"}, &out); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	out.Reset()
	if err := command(context.Background(), srv.URL(), []string{"list", "-subject", "cli"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), key[len(key)-4:]) || strings.Contains(out.String(), key) {
		t.Errorf("list: %q", out.String())
	}
}
