package main

import (
	"math"
	"slices"
	"time"
)

// summary describes a set of measurements with robust statistics.
type summary struct {
	// N is the number of measurements.
	N int
	// Median is the middle value (the mean of the two middle values for
	// an even N).
	Median float64
	// P90 is the 90th percentile by nearest rank: the smallest value that
	// at least 90% of the measurements do not exceed.
	P90 float64
	// Min and Max are the extremes.
	Min, Max float64
}

// summarize describes values; the zero summary for none.
func summarize(values []float64) summary {
	if len(values) == 0 {
		return summary{}
	}
	v := slices.Clone(values)
	slices.Sort(v)
	n := len(v)
	median := v[n/2]
	if n%2 == 0 {
		median = (v[n/2-1] + v[n/2]) / 2
	}
	rank := int(math.Ceil(0.9 * float64(n)))
	return summary{N: n, Median: median, P90: v[rank-1], Min: v[0], Max: v[n-1]}
}

// millis converts durations to milliseconds.
func millis(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Millisecond)
	}
	return out
}

// megabytes converts byte counts to MB (10^6 bytes).
func megabytes(bs []int64) []float64 {
	out := make([]float64, len(bs))
	for i, b := range bs {
		out[i] = float64(b) / 1e6
	}
	return out
}

// ratios returns a[i]/b[i] for each pair (b[i] > 0).
func ratios(a, b []float64) []float64 {
	var out []float64
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}
