package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func TestSpreadFormatting(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"ns with range", nsSpread(harness.Spread{Median: 372, Min: 365.2, Max: 390, N: 5}), "372 ns (365–390)"},
		{"µs in the median's unit", nsSpread(harness.Spread{Median: 7120, Min: 990, Max: 7300, N: 3}), "7.12 µs (0.99–7.30)"},
		{"one measurement", nsSpread(harness.Spread{Median: 50, Min: 50, Max: 50, N: 1}), "50 ns"},
		{"none", nsSpread(harness.Spread{}), "n/a"},
		{"ratio", ratioSpread(harness.Spread{Median: 0.47, Min: 0.451, Max: 0.49, N: 7}), "0.47× (0.45–0.49)"},
		{"count steady", countSpread(harness.Spread{Median: 3, Min: 3, Max: 3, N: 7}), "3"},
		{"count varying", countSpread(harness.Spread{Median: 3, Min: 2, Max: 4, N: 7}), "3 (2–4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	r := &report{}
	tests := []struct {
		name string
		s    harness.Spread
		want string
	}{
		{"clear", harness.Spread{Median: 40, Min: 30, Max: 45, N: 5}, "met"},
		{"clearly not", harness.Spread{Median: 80, Min: 60, Max: 90, N: 5}, "**not met**"},
		{"met, range spans", harness.Spread{Median: 48, Min: 40, Max: 60, N: 5}, "met, range spans the target"},
		{"not met, range spans", harness.Spread{Median: 52, Min: 40, Max: 60, N: 5}, "**not met**, range spans the target"},
		{"one measurement", harness.Spread{Median: 50, Min: 50, Max: 50, N: 1}, "met"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.within(tt.s, 50); got != tt.want {
				t.Errorf("within(%+v, 50) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

func TestVerdicts(t *testing.T) {
	full, quick := &report{}, &report{o: options{quick: true}}
	if full.verdict(true) != "met" || full.verdict(false) != "**not met**" {
		t.Errorf("full: %q, %q", full.verdict(true), full.verdict(false))
	}
	if quick.verdict(true) != "met (indicative)" || quick.verdict(false) != "**not met** (indicative)" {
		t.Errorf("quick: %q, %q", quick.verdict(true), quick.verdict(false))
	}
}

// TestRunBenchmarkSections runs the benchmark sections with the shortest
// measurements, to check that the report runs end to end and holds every
// target row; the load and outage runs are checked by the harness's own
// tests.
func TestRunBenchmarkSections(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var buf bytes.Buffer
	dir := t.TempDir()
	o := options{quick: true, rounds: 2, each: time.Millisecond, sections: "outbound,inbound", charts: dir}
	if err := run(context.Background(), &buf, o); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"# gatehouse side by side", "load average", "## Targets",
		"`Bearer` overhead per request", "`Source.Token`, fresh token", "`time.Now` alone",
		"inbound JWT, repeated token", "first sight, HS256", "first sight, RS256", "first sight, ES256",
		"API key + User-Agent check", "(indicative)",
		"## 1. Outbound overhead", "serial x-oauth2", "## 2. Taking a fresh token", "## 5. Inbound JWT", "echo-jwt",
		"| crypto | floor | RS256 |", "## 6. API key + User-Agent", "echo-keyauth", "context-only", "by-hand-apikey",
		"](" + filepath.ToSlash(filepath.Join(dir, chartInbound)) + ")"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if strings.Contains(out, "## 3.") {
		t.Error("report ran a section it was not asked for")
	}
	// The summary follows the design's order, not the sections'.
	if i, j := strings.Index(out, "| `Source.Token`, fresh"), strings.Index(out, "| `Bearer` overhead"); i < 0 || j < 0 || i > j {
		t.Errorf("summary order: Source.Token at %d, Bearer at %d", i, j)
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Error("report holds NaN or Inf")
	}
	svg, err := os.ReadFile(filepath.Join(dir, chartInbound))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"gatehouse (std)", "echo-jwt; echo KeyAuth (echo)", "command: cd bench &amp;&amp; go run ./cmd/report"} {
		if !strings.Contains(string(svg), s) {
			t.Errorf("%s lacks %q", chartInbound, s)
		}
	}
	if testing.Verbose() {
		t.Log(out)
	}
}

func TestMain(m *testing.M) {
	harness.FleetReplicaMain() // the fleet section's replicas are this binary
	goleak.VerifyTestMain(m)
}
