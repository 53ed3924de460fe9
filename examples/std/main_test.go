package main

import "testing"

// TestSelftest runs the example's -selftest, as CI does.
func TestSelftest(t *testing.T) {
	if err := run("", true); err != nil {
		t.Fatal(err)
	}
}
