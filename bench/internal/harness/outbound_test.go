package harness

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestOutboundTransportsAuthorize checks that both libraries' decorators, as
// the overhead benchmark configures them, send the token, and that the bare
// transport sends none.
func TestOutboundTransportsAuthorize(t *testing.T) {
	tests := []struct {
		name string
		wrap func(http.RoundTripper) (http.RoundTripper, error)
		want string
	}{
		{"bare", func(b http.RoundTripper) (http.RoundTripper, error) { return b, nil }, ""},
		{"x-oauth2", func(b http.RoundTripper) (http.RoundTripper, error) { return OAuth2Transport(b), nil }, "Bearer " + outboundToken},
		{"gatehouse", GatehouseBearer, "Bearer " + outboundToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			canned := NewCannedTransport()
			var got []string
			canned.Last = func(a string) { got = append(got, a) }
			rt, err := tt.wrap(canned)
			if err != nil {
				t.Fatal(err)
			}
			req := newAPIRequest()
			for range 2 {
				resp, err := rt.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
			}
			if len(got) != 2 || got[0] != tt.want || got[1] != tt.want {
				t.Errorf("Authorization sent = %q, want %q twice", got, tt.want)
			}
			if req.Header.Get("Authorization") != "" {
				t.Error("the caller's request was modified")
			}
		})
	}
}

func TestOutboundCaseNames(t *testing.T) {
	want := map[string]bool{
		"outbound/serial/bare": true, "outbound/serial/x-oauth2": true, "outbound/serial/gatehouse": true,
		"outbound/parallel/bare": true, "outbound/parallel/x-oauth2": true, "outbound/parallel/gatehouse": true,
	}
	for _, c := range OutboundCases() {
		if !want[c.Name] {
			t.Errorf("unexpected case %s", c.Name)
		}
		delete(want, c.Name)
	}
	for n := range want {
		t.Errorf("missing case %s", n)
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name string
		in   []int
		q    float64
		want int
	}{
		{"empty", nil, 0.5, 0},
		{"one", []int{7}, 0.99, 7},
		{"median of four", []int{1, 2, 3, 4}, 0.5, 2},
		{"p99 of hundred", seq(100), 0.99, 99},
		{"max", seq(100), 1, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d []time.Duration
			for _, v := range tt.in {
				d = append(d, time.Duration(v))
			}
			if got := percentile(d, tt.q); got != time.Duration(tt.want) {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.in, tt.q, int(got), tt.want)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

func TestCPUModel(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cpuinfo")
	if err := os.WriteFile(p, []byte("processor\t: 0\nmodel name\t: Test CPU @ 3.00GHz\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := cpuModel(p); got != "Test CPU @ 3.00GHz" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel(filepath.Join(dir, "missing")); got != runtime.GOARCH {
		t.Errorf("cpuModel of a missing file = %q, want GOARCH", got)
	}
}

func TestLoadAverage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "loadavg")
	if err := os.WriteFile(p, []byte("3.48 2.44 1.09 3/311 17858\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := loadAverage(p); got != "3.48 2.44 1.09" {
		t.Errorf("loadAverage = %q", got)
	}
	if got := loadAverage(filepath.Join(dir, "missing")); got != "unknown" {
		t.Errorf("loadAverage of a missing file = %q", got)
	}
}
