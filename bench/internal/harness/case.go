package harness

import "testing"

// Case is one benchmark: Name is its slash-separated path (for b.Run and for
// the report's rows), Run its body.
type Case struct {
	// Name is e.g. "outbound/serial/gatehouse".
	Name string
	// Run is the benchmark body; it calls b.ReportAllocs.
	Run func(b *testing.B)
}

// Result is a measured Case.
type Result struct {
	// Name is the Case's.
	Name string
	// NsPerOp is the time per iteration; BytesPerOp and Allocs the memory
	// allocated per iteration; Iterations how many ran.
	NsPerOp            float64
	BytesPerOp, Allocs int64
	Iterations         int
}

// Measure runs c with testing.Benchmark, which uses the -test.benchtime in
// force (cmd/report sets it).
func Measure(c Case) Result {
	r := testing.Benchmark(c.Run)
	ns := 0.0
	if r.N > 0 {
		ns = float64(r.T.Nanoseconds()) / float64(r.N)
	}
	return Result{Name: c.Name, NsPerOp: ns, BytesPerOp: r.AllocedBytesPerOp(),
		Allocs: r.AllocsPerOp(), Iterations: r.N}
}
