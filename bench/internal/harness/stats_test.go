package harness

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestSpreadOf(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want Spread
	}{
		{"none", nil, Spread{}},
		{"one", []float64{3}, Spread{3, 3, 3, 1}},
		{"odd, unsorted", []float64{9, 1, 5}, Spread{5, 1, 9, 3}},
		{"even", []float64{4, 1, 3, 2}, Spread{2.5, 1, 4, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			if got := SpreadOf(tt.in); got != tt.want {
				t.Errorf("SpreadOf(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatal("SpreadOf sorted its argument")
				}
			}
		})
	}
}

// TestPerRoundPairsRounds: a ratio is taken within each round, so a load
// change that slows both cases of a round alike leaves it unchanged.
func TestPerRoundPairsRounds(t *testing.T) {
	a := Samples{{NsPerOp: 100}, {NsPerOp: 300}, {NsPerOp: 200}}
	b := Samples{{NsPerOp: 200}, {NsPerOp: 600}, {NsPerOp: 400}, {NsPerOp: 1}}
	got := PerRound(func(rs ...Result) float64 { return rs[0].NsPerOp / rs[1].NsPerOp }, a, b)
	if want := (Spread{0.5, 0.5, 0.5, 3}); got != want {
		t.Errorf("PerRound = %+v, want %+v", got, want)
	}
}

func TestMeasureRounds(t *testing.T) {
	f := flag.Lookup("test.benchtime")
	before := f.Value.String()
	var runs int
	c := Case{Name: "count", Run: func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			runs++
		}
	}}
	var rounds []int
	got, err := MeasureRounds([]Case{c}, Rounds{Count: 3, Each: 5 * time.Millisecond,
		Progress: func(r, of int) { rounds = append(rounds, r) }})
	if err != nil {
		t.Fatal(err)
	}
	s := got["count"]
	if len(s) != 3 || len(rounds) != 4 || rounds[0] != 0 || rounds[3] != 3 {
		t.Fatalf("%d samples, progress %v", len(s), rounds)
	}
	// Every round runs the calibrated count: the same for all three.
	if s[0].Iterations != s[1].Iterations || s[1].Iterations != s[2].Iterations || s[0].Iterations < 2 {
		t.Errorf("iterations per round %d, %d, %d", s[0].Iterations, s[1].Iterations, s[2].Iterations)
	}
	if f.Value.String() != before {
		t.Errorf("benchtime left at %s, was %s", f.Value.String(), before)
	}
}

// TestMeasureRoundsBaseline: a case's baseline is measured right before it
// in every round, under its own key.
func TestMeasureRoundsBaseline(t *testing.T) {
	var order []string
	mk := func(name, base string) Case {
		return Case{Name: name, Baseline: base, Run: func(b *testing.B) {
			order = append(order, name)
			for b.Loop() {
			}
		}}
	}
	cases := []Case{mk("base", ""), mk("other", ""), mk("dep", "base")}
	got, err := MeasureRounds(cases, Rounds{Count: 2, Each: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[BaselineKey("dep")]) != 2 || len(got["base"]) != 2 || len(got[BaselineKey("base")]) != 0 {
		t.Fatalf("samples: %d baseline of dep, %d base", len(got[BaselineKey("dep")]), len(got["base"]))
	}
	// testing.Benchmark runs a function twice for n>1 (once with b.N = 1):
	// keep each case's first call of a measurement.
	var seq []string
	for i, n := range order {
		if i == 0 || order[i-1] != n {
			seq = append(seq, n)
		}
	}
	want := "base other dep base other base dep base other base dep"
	if s := strings.Join(seq, " "); s != want {
		t.Errorf("order %q, want %q", s, want)
	}
	if _, err := MeasureRounds([]Case{mk("dep", "missing")}, Rounds{Count: 1, Each: time.Millisecond}); err == nil {
		t.Error("a missing baseline was accepted")
	}
}

func TestSourceCasesRun(t *testing.T) {
	if err := flag.Set("test.benchtime", "10x"); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("test.benchtime", "1s")
	for _, c := range SourceCases() {
		t.Run(c.Name, func(t *testing.T) {
			r := Measure(c)
			if r.Iterations < 1 || r.NsPerOp <= 0 {
				t.Errorf("%+v", r)
			}
		})
	}
}

// TestCasesReportCPU: every serial benchmark the report runs measures its
// thread's CPU time, so that the report compares work, not waits for a core.
func TestCasesReportCPU(t *testing.T) {
	if err := flag.Set("test.benchtime", "20x"); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("test.benchtime", "1s")
	cases := append(OutboundCases(), SourceCases()...)
	crypto, err := CryptoCases(testFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	inbound, err := InboundCases(testFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, crypto...)
	for _, c := range inbound {
		if c.Framework == Std || c.Framework == Raw {
			cases = append(cases, c.Case)
		}
	}
	for _, c := range cases {
		if strings.Contains(c.Name, "/parallel/") {
			continue // wall-clock time: see benchRoundTrip
		}
		t.Run(c.Name, func(t *testing.T) {
			r := Measure(c)
			if r.CPUNsPerOp <= 0 && r.NsPerOp > 2000 {
				// Below a few µs per iteration, 20 iterations can take less
				// than the CPU clock's resolution.
				t.Errorf("no CPU time reported: %+v", r)
			}
			if _, ok := testing.Benchmark(c.Run).Extra[cpuMetric]; !ok {
				t.Errorf("%s reports no %s", c.Name, cpuMetric)
			}
		})
	}
}
