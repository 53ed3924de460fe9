package main

import "testing"

// TestRun runs the example against the fake provider, as CI does.
func TestRun(t *testing.T) {
	t.Setenv("ASAAS_API_KEY", "") // never the real provider from a test
	if err := run(); err != nil {
		t.Fatal(err)
	}
}
