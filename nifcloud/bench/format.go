package main

import (
	_ "embed"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

//go:embed report.tmpl
var reportTemplate string

// tmpl renders BENCHMARKS.md.
var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"seconds":   func(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) },
	"latency":   latencyText,
	"ms":        ms,
	"ns":        nsText,
	"megabytes": func(b int64) float64 { return float64(b) / 1e6 },
	"stat": func(ds []time.Duration) string {
		med, p90 := summarize(millis(ds))
		return fmt.Sprintf("%.1f (%.1f)", med, p90)
	},
	"rss":     func(bs []int64) string { return fmt.Sprintf("%.1f", float64(slices.Max(bs))/1e6) },
	"calls":   callsText,
	"actions": actionsText,
}).Parse(reportTemplate))

// render writes the report as Markdown.
func render(w io.Writer, r report) error {
	if err := tmpl.Execute(w, r); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// summarize returns the median and the 90th percentile by nearest rank
// (the smallest value that at least 90% of the values do not exceed); NaN
// for no values.
func summarize(xs []float64) (median, p90 float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	v := slices.Sorted(slices.Values(xs))
	n := len(v)
	median = v[n/2]
	if n%2 == 0 {
		median = (v[n/2-1] + v[n/2]) / 2
	}
	return median, v[int(math.Ceil(0.9*float64(n)))-1]
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// millis converts durations to milliseconds.
func millis(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ms(d)
	}
	return out
}

// nsText renders nanoseconds per operation with a fitting unit.
func nsText(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

// callsText renders the API calls of runs: "2", or "1, 2" when runs
// differed.
func callsText(calls []int) string {
	var parts []string
	for _, c := range slices.Compact(slices.Sorted(slices.Values(calls))) {
		parts = append(parts, strconv.Itoa(c))
	}
	return strings.Join(parts, ", ")
}

// actionsText renders calls per action, by action name.
func actionsText(counts map[string]int) string {
	var parts []string
	for _, a := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", a, counts[a]))
	}
	return strings.Join(parts, ", ")
}

// total adds up calls per action.
func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// latencyText renders a latency per call.
func latencyText(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}
