package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// VerifyTestMain runs the tests of m and, when they pass, fails the binary if
// goroutines started by them are still running. Goroutines that are winding
// down are given up to five seconds to finish.
//
//	func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }
func VerifyTestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := wait(5 * time.Second); len(leaked) > 0 {
			fmt.Fprintf(os.Stderr, "leakcheck: %d goroutine(s) still running after the tests:\n\n%s\n",
				len(leaked), strings.Join(leaked, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// wait returns the goroutines that are still running once the deadline has
// passed, or nil as soon as none are.
func wait(limit time.Duration) []string {
	deadline := time.Now().Add(limit)
	for delay := time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		leaked := Running()
		if len(leaked) == 0 || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(delay)
	}
}

// Running returns the stacks of the goroutines other than the caller's and
// the runtime's and testing package's own.
func Running() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	var leaked []string
	for _, s := range stacks[1:] { // the first is the caller's
		if !ignored(s) {
			leaked = append(leaked, s)
		}
	}
	return leaked
}

// ignoredFuncs are goroutines of the runtime and the testing package that
// run for the whole life of a test binary.
var ignoredFuncs = []string{
	"testing.(*M).",
	"testing.tRunner(",
	"testing.runFuzzing(",
	"os/signal.signal_recv(",
	"os/signal.loop(",
	"runtime.ensureSigM(",
	"runtime/trace.",
	"runtime.ReadTrace(",
}

func ignored(stack string) bool {
	// A goroutine whose top frame is goexit1 has returned and is being
	// torn down.
	if _, frames, ok := strings.Cut(stack, "\n"); !ok || strings.HasPrefix(frames, "runtime.goexit1(") {
		return true
	}
	for _, f := range ignoredFuncs {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}
