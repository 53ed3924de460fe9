package gatehouseotel_test

import (
	"fmt"
	"testing"

	gatehouseotel "github.com/gatehouse-go/gatehouse/otel"
)

func TestChain(t *testing.T) {
	var got []string
	hook := func(name string) func(int) { return func(i int) { got = append(got, fmt.Sprint(name, i)) } }
	tests := []struct {
		name  string
		hooks []func(int)
		want  string
	}{
		{"none", nil, "[]"},
		{"only nils", []func(int){nil, nil}, "[]"},
		{"one", []func(int){nil, hook("a")}, "[a1]"},
		{"two in order", []func(int){hook("a"), nil, hook("b")}, "[a1 b1]"},
		{"three in order", []func(int){hook("a"), hook("b"), hook("c")}, "[a1 b1 c1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			h := gatehouseotel.Chain(tt.hooks...)
			if (h == nil) != (tt.want == "[]") {
				t.Fatalf("Chain returned nil = %v", h == nil)
			}
			if h != nil {
				h(1)
			}
			if fmt.Sprint(got) != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
}

// TestNewGlobals: nil providers mean the global ones, which are no-ops until
// set; the hooks work all the same.
func TestNewGlobals(t *testing.T) {
	tel, err := gatehouseotel.New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := tel.Source("x", nil)
	if o.OnFetch == nil || o.OnWait == nil {
		t.Fatal("hooks missing")
	}
}
