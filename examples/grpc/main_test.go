package main

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSelftest runs the example's -selftest, as CI does.
func TestSelftest(t *testing.T) {
	var out strings.Builder
	if err := run("", true, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "\nPASS: ") {
		t.Fatalf("no PASS line:\n%s", out.String())
	}
	t.Log("\n" + out.String())
}
