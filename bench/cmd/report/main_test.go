package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	table(&buf, []string{"case", "ns/op"}, [][]string{{"bare", "2 ns"}, {"gatehouse", "300 ns"}})
	want := "| case | ns/op |\n|---|--:|\n| bare | 2 ns |\n| gatehouse | 300 ns |\n\n"
	if buf.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"ns small", ns(285.4), "285 ns"},
		{"ns µs", ns(7120), "7.12 µs"},
		{"ns tens of µs", ns(42200), "42.2 µs"},
		{"ratio", ratio(1, 2), "0.50×"},
		{"ratio of zero", ratio(1, 0), "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestRunBenchmarkSections runs the benchmark sections once per case, to
// check that the report runs end to end; the load and outage runs are
// checked by the harness's own tests.
func TestRunBenchmarkSections(t *testing.T) {
	if err := flag.Set("test.benchtime", "1x"); err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	var buf bytes.Buffer
	if err := run(context.Background(), &buf, options{quick: true, sections: "outbound,inbound"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"# gatehouse side by side", "## 1. Outbound overhead", "serial x-oauth2",
		"## 4. Inbound authentication", "echo-jwt", "### API key + User-Agent", "echo-keyauth"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if strings.Contains(out, "## 2.") {
		t.Error("report ran a section it was not asked for")
	}
}

func TestMain(m *testing.M) {
	harness.FleetReplicaMain() // the fleet section's replicas are this binary
	goleak.VerifyTestMain(m)
}
