package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestSelftest runs the example's self-test, as CI does with -selftest.
func TestSelftest(t *testing.T) {
	var out bytes.Buffer
	ok, err := run("", true, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !ok || !strings.Contains(out.String(), "\nPASS: ") || strings.Contains(out.String(), "UNEXPECTED") {
		t.Fatalf("self-test failed:\n%s", out.String())
	}
}
