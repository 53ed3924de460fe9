package harness

import (
	"runtime"
	"testing"
	"time"
)

// cpuMetric is the unit under which the benchmarks report the process's CPU
// time per iteration (testing.B.ReportMetric); Measure reads it back.
const cpuMetric = "cpu-ns/op"

// cpuTimer measures the CPU time the benchmark's own thread spends in its
// timed region (the goroutine is locked to its thread meanwhile). On a
// machine whose cores are shared with other busy processes, wall-clock time
// mostly measures the wait for a core; the thread's CPU time measures the
// work, including the garbage collector's assists on the request path but
// not its background workers, whose cost depends on the whole harness's
// live heap rather than on the code measured (on a quiet machine they run on
// the other core, outside the wall-clock time of a serial benchmark too).
// Serial benchmarks only: for b.RunParallel the wall-clock time stands.
type cpuTimer struct {
	b       *testing.B
	start   time.Duration
	total   time.Duration
	running bool
}

// startCPU starts measuring; call it right before the timed loop, and done
// after it, on the same goroutine.
func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	t := &cpuTimer{b: b}
	t.resume()
	return t
}

// pause stops the measurement, as b.StopTimer does the clock.
func (t *cpuTimer) pause() {
	if t.running {
		t.total += threadCPU() - t.start
		t.running = false
	}
}

// resume restarts it, as b.StartTimer.
func (t *cpuTimer) resume() {
	if !t.running {
		t.start = threadCPU()
		t.running = true
	}
}

// done ends the measurement and reports it per iteration, when the
// platform can read a thread's CPU time.
func (t *cpuTimer) done() {
	t.pause()
	runtime.UnlockOSThread()
	if t.b.N > 0 && t.total > 0 {
		t.b.ReportMetric(float64(t.total.Nanoseconds())/float64(t.b.N), cpuMetric)
	}
}
