package main

import "testing"

// TestRun runs the example against the fake provider, as CI does.
func TestRun(t *testing.T) {
	t.Setenv("SOPAGUE_USERNAME", "") // never the real provider from a test
	if err := run("/api/transactions"); err != nil {
		t.Fatal(err)
	}
}
