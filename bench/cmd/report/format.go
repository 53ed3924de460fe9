package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/bench/internal/harness"
)

// table prints a Markdown table.
func table(w io.Writer, head []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(head, " | "))
	// Columns holding numbers are right-aligned.
	seps := make([]string, len(head))
	for i := range seps {
		seps[i] = "---"
		for _, r := range rows {
			if i < len(r) && r[i] != "" && r[i][0] >= '0' && r[i][0] <= '9' {
				seps[i] = "--:"
				break
			}
		}
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
}

// nsUnit picks the unit and precision of a duration in nanoseconds.
func nsUnit(v float64) (div float64, format, unit string) {
	switch {
	case v >= 10_000:
		return 1000, "%.1f", " µs"
	case v >= 1000:
		return 1000, "%.2f", " µs"
	}
	return 1, "%.0f", " ns"
}

func ns(v float64) string {
	div, f, unit := nsUnit(v)
	return fmt.Sprintf(f, v/div) + unit
}

// nsSpread prints a median and its range in the median's unit:
// "372 ns (365–390)".
func nsSpread(s harness.Spread) string {
	if s.N == 0 {
		return "n/a"
	}
	div, f, unit := nsUnit(s.Median)
	out := fmt.Sprintf(f, s.Median/div) + unit
	if s.N > 1 {
		out += fmt.Sprintf(" ("+f+"–"+f+")", s.Min/div, s.Max/div)
	}
	return out
}

// countSpread prints a median count, with its range when the count varied.
func countSpread(s harness.Spread) string {
	out := fmt.Sprintf("%.0f", s.Median)
	if s.Min != s.Max {
		out += fmt.Sprintf(" (%.0f–%.0f)", s.Min, s.Max)
	}
	return out
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// ratioSpread prints a median ratio and its range: "0.47× (0.45–0.49)".
func ratioSpread(s harness.Spread) string {
	if s.N == 0 {
		return "n/a"
	}
	out := fmt.Sprintf("%.2f×", s.Median)
	if s.N > 1 {
		out += fmt.Sprintf(" (%.2f–%.2f)", s.Min, s.Max)
	}
	return out
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}
