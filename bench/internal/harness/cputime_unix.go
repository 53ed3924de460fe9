//go:build unix

package harness

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used,
// GC included. On a loaded machine it is inflated far less than wall time,
// since time spent waiting for a core is not counted.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
