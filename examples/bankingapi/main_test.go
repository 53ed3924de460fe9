package main

import "testing"

// TestRun runs the example against the fake provider, as CI does.
func TestRun(t *testing.T) {
	t.Setenv("BANKING_CLIENT_ID", "") // never the real provider from a test
	if err := run("123"); err != nil {
		t.Fatal(err)
	}
}
