package main

import "testing"

// TestRun runs the example against the fake provider, as CI does.
func TestRun(t *testing.T) {
	t.Setenv("DIVIPAY_CLIENT_ID", "") // never the real provider from a test
	if err := run("abc123"); err != nil {
		t.Fatal(err)
	}
}
