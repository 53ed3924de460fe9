package harness

import (
	"syscall"
	"testing"
	"time"
)

// cpuMetric is the unit under which the benchmarks report the process's CPU
// time per iteration (testing.B.ReportMetric); Measure reads it back.
const cpuMetric = "cpu-ns/op"

// cpuTimer measures the CPU time the whole process spends in a benchmark's
// timed region: the benchmark's own goroutine and everything it causes
// elsewhere, such as the garbage collector's background work. On a machine
// whose cores are shared with other busy processes, wall-clock time mostly
// measures the wait for a core; CPU time measures the work. On a quiet
// machine the two agree for serial benchmarks. For b.RunParallel it is the
// CPU time of all cores together.
type cpuTimer struct {
	b       *testing.B
	start   time.Duration
	total   time.Duration
	running bool
}

// startCPU starts measuring; call it right before the timed loop.
func startCPU(b *testing.B) *cpuTimer {
	t := &cpuTimer{b: b}
	t.resume()
	return t
}

// pause stops the measurement, as b.StopTimer does the clock.
func (t *cpuTimer) pause() {
	if t.running {
		t.total += processCPU() - t.start
		t.running = false
	}
}

// resume restarts it, as b.StartTimer.
func (t *cpuTimer) resume() {
	if !t.running {
		t.start = processCPU()
		t.running = true
	}
}

// done ends the measurement and reports it per iteration.
func (t *cpuTimer) done() {
	t.pause()
	if t.b.N > 0 {
		t.b.ReportMetric(float64(t.total.Nanoseconds())/float64(t.b.N), cpuMetric)
	}
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
