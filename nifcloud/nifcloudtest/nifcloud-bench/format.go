package main

import (
	"fmt"
	"strings"
	"time"
)

// table writes a Markdown table.
func table(b *strings.Builder, header []string, rows [][]string) {
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// medianP90 formats "median (p90)".
func medianP90(s summary, verb string) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf(verb+" ("+verb+")", s.Median, s.P90)
}

// medianMax formats "median (max)".
func medianMax(s summary, verb string) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf(verb+" ("+verb+")", s.Median, s.Max)
}

// ratioOf returns a/b, or 0 when b is 0.
func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// callRange formats the counts as "n" or "min-max".
func callRange(counts []int) string {
	if len(counts) == 0 {
		return "-"
	}
	lo, hi := counts[0], counts[0]
	for _, c := range counts {
		lo, hi = min(lo, c), max(hi, c)
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// allEqual reports whether every count is want.
func allEqual(counts []int, want int) bool {
	for _, c := range counts {
		if c != want {
			return false
		}
	}
	return true
}

// okMark renders a check.
func okMark(ok bool) string {
	if ok {
		return "yes"
	}
	return "**NO**"
}

// perOp formats a time per operation with a fitting unit.
func perOp(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// intList formats numbers as "1,000 and 10,000".
func intList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = thousands(int64(n))
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// plural formats "1 round" or "3 rounds".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// walls, cpus and rsses pick one measure of each cost.
func walls(cs []cost) []time.Duration {
	out := make([]time.Duration, len(cs))
	for i, c := range cs {
		out[i] = c.Wall
	}
	return out
}

func cpus(cs []cost) []time.Duration {
	out := make([]time.Duration, len(cs))
	for i, c := range cs {
		out[i] = c.CPU
	}
	return out
}

func rsses(cs []cost) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.MaxRSS
	}
	return out
}
