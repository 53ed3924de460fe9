package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

var meta = Meta{Machine: "AMD EPYC, 2 cores (GOMAXPROCS 2), go1.25 linux/amd64, load 1.00 1.00 1.00 / 1.00 1.00 1.00",
	Date: "2026-12-05T21:00:00Z", Command: "cd bench && go run ./cmd/report -quick -charts charts"}

// svgText parses doc as XML and returns its root element's name and the
// text of all its elements, one line per element.
func svgText(t *testing.T, doc []byte) (root string, text []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				text = append(text, s)
			}
		}
	}
	return root, text
}

func TestCharts(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		draw func(io.Writer) error
		want []string // legend entries and footer lines
	}{
		{"refresh", func(w io.Writer) error {
			return Refresh(w, meta, "Callers under concurrent refresh", []Latency{
				{Name: "x/oauth2", Bucket: 100 * ms, Max: []time.Duration{ms, 0, 60 * ms}, P99: []time.Duration{ms / 2, 0, 55 * ms},
					N: []int{10, 0, 10}, Ends: []time.Duration{250 * ms}},
				{Name: "gatehouse", Bucket: 100 * ms, Max: []time.Duration{2 * time.Microsecond, time.Microsecond, 30 * ms},
					P99: []time.Duration{500, 400, 3 * time.Microsecond}, N: []int{10, 10, 10}, Ends: []time.Duration{150 * ms, 280 * ms}},
			})
		}, []string{"x/oauth2, slowest", "x/oauth2, p99", "gatehouse, slowest", "gatehouse, p99",
			"x/oauth2: a token stops being usable", "gatehouse: a token stops being usable", "1 ms", "token wait per request (log scale)"}},
		{"outage", func(w io.Writer) error {
			return Outage(w, meta, "Token endpoint during an outage", -time.Second, 4*time.Second,
				Window{From: 0, To: 3 * time.Second, Name: "endpoint answers 503"}, []Calls{
					{Name: "x/oauth2", At: []time.Duration{-500 * ms, 100 * ms, 150 * ms, 2 * time.Second, 5 * time.Second}},
					{Name: "gatehouse", At: []time.Duration{-500 * ms, 100 * ms, 1100 * ms}},
				})
		}, []string{"x/oauth2 (5 calls)", "gatehouse (3 calls)", "endpoint answers 503", "calls to the token endpoint (per second)"}},
		{"fleet", func(w io.Writer) error {
			return Fleet(w, meta, "A fleet of replicas", time.Second, 3*time.Second,
				Window{From: time.Second, To: 2 * time.Second, Name: "Redis down"}, []Calls{
					{Name: "x/oauth2 per process", At: []time.Duration{10 * ms, 20 * ms, 1900 * ms, 2100 * ms}},
					{Name: "gatehouse, no store", At: []time.Duration{10 * ms, 20 * ms, 1100 * ms}},
					{Name: "gatehouse + redisstore", At: []time.Duration{10 * ms}},
				})
		}, []string{"x/oauth2 per process (4 requests)", "gatehouse, no store (3 requests)", "gatehouse + redisstore (1 requests)", "Redis down"}},
		{"inbound", func(w io.Writer) error {
			return Inbound(w, meta, "Inbound cost", []string{"HS256 cached", "API key"}, []Bars{
				{Name: "gatehouse", Bars: []Bar{{Median: 600, Min: 400, Max: 900, N: 5}, {Median: 500, Min: 300, Max: 700, N: 5}}},
				{Name: "golang-jwt by hand", Bars: []Bar{{Median: 7000, Min: 6000, Max: 9000, N: 5}, {}}},
			})
		}, []string{"gatehouse", "golang-jwt by hand", "HS256 cached", "API key", "1 µs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.draw(&buf); err != nil {
				t.Fatal(err)
			}
			root, text := svgText(t, buf.Bytes())
			if root != "svg" {
				t.Errorf("root element %q, want svg", root)
			}
			want := append(tt.want, "machine: "+meta.Machine, "date: "+meta.Date, "command: "+meta.Command)
			for _, s := range want {
				if !contains(text, s) {
					t.Errorf("no text %q in %q", s, text)
				}
			}
			if strings.Contains(buf.String(), "NaN") || strings.Contains(buf.String(), "Inf") {
				t.Error("the SVG holds NaN or Inf")
			}
			if dir := os.Getenv("CHARTS_TEST_OUT"); dir != "" {
				preview(t, filepath.Join(dir, tt.name), buf.Bytes(), tt.draw)
			}
		})
	}
}

func contains(text []string, s string) bool {
	for _, x := range text {
		if x == s {
			return true
		}
	}
	return false
}

// preview writes the chart as SVG and PNG into a directory, for a look
// (CHARTS_TEST_OUT=DIR).
func preview(t *testing.T, base string, svg []byte, draw func(io.Writer) error) {
	if err := os.WriteFile(base+".svg", svg, 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(old func() vg.CanvasWriterTo) { newCanvas = old }(newCanvas)
	newCanvas = func() vg.CanvasWriterTo { return vgimg.PngCanvas{Canvas: vgimg.New(width, height)} }
	var png bytes.Buffer
	if err := draw(&png); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".png", png.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
