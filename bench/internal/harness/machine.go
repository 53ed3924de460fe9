package harness

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"time"
)

// Machine describes where a report was measured.
type Machine struct {
	// CPU is the model name from /proc/cpuinfo, or GOARCH when unknown.
	CPU string
	// Cores is runtime.NumCPU; Procs is GOMAXPROCS.
	Cores, Procs int
	// GoVersion, OS and Arch describe the toolchain and platform.
	GoVersion, OS, Arch string
	// Date is when the description was taken, in UTC.
	Date time.Time
}

// DescribeMachine returns the Machine this process runs on.
func DescribeMachine() Machine {
	return Machine{
		CPU:       cpuModel("/proc/cpuinfo"),
		Cores:     runtime.NumCPU(),
		Procs:     runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		Date:      time.Now().UTC(),
	}
}

// cpuModel reads the first "model name" line of a cpuinfo file.
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
