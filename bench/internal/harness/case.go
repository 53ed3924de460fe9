package harness

import (
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Case is one benchmark: Name is its slash-separated path (for b.Run and for
// the report's rows), Run its body.
type Case struct {
	// Name is e.g. "outbound/serial/gatehouse".
	Name string
	// Run is the benchmark body; it calls b.ReportAllocs.
	Run func(b *testing.B)
	// Procs, when set, is the GOMAXPROCS the case is measured with (as
	// go test -cpu would set it); 0 keeps the process's.
	Procs int
	// Baseline, when set, names the case this one's overhead is measured
	// against: MeasureRounds measures it again right before this one in
	// every round, under BaselineKey(Name), so that the two are taken under
	// the same load.
	Baseline string
}

// BaselineKey is the key under which MeasureRounds stores the measurements
// of the baseline of the case named name, taken right before it.
func BaselineKey(name string) string { return name + "@baseline" }

// Result is a measured Case.
type Result struct {
	// Name is the Case's.
	Name string
	// NsPerOp is the wall-clock time per iteration; CPUNsPerOp the
	// process's CPU time per iteration (see cpuTimer), 0 when the case does
	// not measure it; BytesPerOp and Allocs the memory allocated per
	// iteration; Iterations how many ran.
	NsPerOp, CPUNsPerOp float64
	BytesPerOp, Allocs  int64
	Iterations          int
}

// Cost is the time per iteration the report compares: the CPU time when the
// case measured it, else the wall-clock time.
func (r Result) Cost() float64 {
	if r.CPUNsPerOp > 0 {
		return r.CPUNsPerOp
	}
	return r.NsPerOp
}

// Measure runs c with testing.Benchmark, which uses the -test.benchtime in
// force (cmd/report sets it).
func Measure(c Case) Result {
	if c.Procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.Procs))
	}
	r := testing.Benchmark(c.Run)
	ns := 0.0
	if r.N > 0 {
		ns = float64(r.T.Nanoseconds()) / float64(r.N)
	}
	return Result{Name: c.Name, NsPerOp: ns, CPUNsPerOp: r.Extra[cpuMetric], BytesPerOp: r.AllocedBytesPerOp(),
		Allocs: r.AllocsPerOp(), Iterations: r.N}
}

// Rounds configures MeasureRounds.
type Rounds struct {
	// Count is the number of measurements of each case [5].
	Count int
	// Each is the time one measurement of one case lasts [100 ms].
	Each time.Duration
	// Progress, when set, is called before each round with its number
	// (from 1; 0 is the calibration) and the number of rounds.
	Progress func(round, of int)
}

// Samples are the repeated measurements of one Case, in round order.
type Samples []Result

// MeasureRounds measures every case Count times. It first calibrates each
// case (a run of Each, to learn how many iterations fill it), then runs
// Count rounds; each round measures every case once, in order, with the
// calibrated iteration count. Interleaving the cases spreads a change in the
// machine's load over all of them, so that the ratios of cases measured in
// the same round stay comparable.
//
// A case with a Baseline is preceded, in every round, by a measurement of
// its baseline, stored under BaselineKey. It sets the -test.benchtime flag,
// so the testing flags must be registered (testing.Init, or go test).
func MeasureRounds(cases []Case, cfg Rounds) (map[string]Samples, error) {
	if cfg.Count <= 0 {
		cfg.Count = 5
	}
	if cfg.Each <= 0 {
		cfg.Each = 100 * time.Millisecond
	}
	f := flag.Lookup("test.benchtime")
	if f == nil {
		return nil, fmt.Errorf("harness: the testing flags are not registered (call testing.Init)")
	}
	defer f.Value.Set(f.Value.String())

	progress := func(int) {}
	if cfg.Progress != nil {
		progress = func(r int) { cfg.Progress(r, cfg.Count) }
	}
	progress(0)
	if err := f.Value.Set(cfg.Each.String()); err != nil {
		return nil, err
	}
	iters := make(map[string]int, len(cases))
	byName := make(map[string]Case, len(cases))
	for _, c := range cases {
		iters[c.Name] = calibrated(Measure(c), cfg.Each)
		byName[c.Name] = c
	}
	for _, c := range cases {
		if _, ok := byName[c.Baseline]; c.Baseline != "" && !ok {
			return nil, fmt.Errorf("harness: %s: baseline %s is not among the cases", c.Name, c.Baseline)
		}
	}
	out := make(map[string]Samples, len(cases))
	measure := func(c Case, key string) error {
		if err := f.Value.Set(strconv.Itoa(iters[c.Name]) + "x"); err != nil {
			return err
		}
		out[key] = append(out[key], Measure(c))
		return nil
	}
	for round := 1; round <= cfg.Count; round++ {
		progress(round)
		for _, c := range cases {
			if c.Baseline != "" {
				if err := measure(byName[c.Baseline], BaselineKey(c.Name)); err != nil {
					return nil, err
				}
			}
			if err := measure(c, c.Name); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// calibrated returns the iteration count that fills d, from a run r.
func calibrated(r Result, d time.Duration) int {
	if r.Iterations <= 0 || r.NsPerOp <= 0 {
		return 1
	}
	return max(1, int(float64(d)/r.NsPerOp))
}
