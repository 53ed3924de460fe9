package main

import (
	"context"
	"io"
	"testing"

	"github.com/gatehouse-go/gatehouse/examples/internal/selftest"
)

// TestSelftest runs the example's -selftest, as CI does.
func TestSelftest(t *testing.T) {
	if err := run(context.Background(), "", true, t.Output()); err != nil {
		t.Fatal(err)
	}
}

// TestServerModePrintsCurl: in server mode the program prints curl lines
// (a valid token, the API key) that, pasted, are answered 200.
func TestServerModePrintsCurl(t *testing.T) {
	err := selftest.CheckServerMode(func(ctx context.Context, w io.Writer) error {
		return run(ctx, "127.0.0.1:0", false, w)
	})
	if err != nil {
		t.Fatal(err)
	}
}
