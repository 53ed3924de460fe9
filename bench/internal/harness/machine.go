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
	// Load is the load average then (LoadAverage).
	Load string
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
		Load:      LoadAverage(),
	}
}

// LoadAverage returns the 1, 5 and 15 minute load averages from
// /proc/loadavg ("0.52 0.40 0.31"), or "unknown": a benchmark on a busy
// machine measures the other tenants too, so the report says how busy it was.
func LoadAverage() string { return loadAverage("/proc/loadavg") }

func loadAverage(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
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
