package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []float64
		want   summary
	}{
		{"none", nil, summary{}},
		{"one", []float64{3}, summary{N: 1, Median: 3, P90: 3, Min: 3, Max: 3}},
		{"two: median is the mean of the middle", []float64{4, 2}, summary{N: 2, Median: 3, P90: 4, Min: 2, Max: 4}},
		{"odd count, unsorted", []float64{5, 1, 3}, summary{N: 3, Median: 3, P90: 5, Min: 1, Max: 5}},
		{"ten: p90 is the 9th value", []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, summary{N: 10, Median: 5.5, P90: 9, Min: 1, Max: 10}},
		{"eleven: p90 is the 10th value", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}, summary{N: 11, Median: 6, P90: 10, Min: 1, Max: 100}},
		{"an outlier moves neither median nor p90", []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1000}, summary{N: 20, Median: 1, P90: 1, Min: 1, Max: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := append([]float64(nil), tt.values...)
			assert.Equal(t, tt.want, summarize(tt.values))
			assert.Equal(t, in, tt.values, "the input is not reordered")
		})
	}
}

func TestConversions(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []float64{1.5, 0, 1000}, millis([]time.Duration{1500 * time.Microsecond, 0, time.Second}))
	assert.Equal(t, []float64{1, 12.5}, megabytes([]int64{1e6, 12_500_000}))
	assert.Equal(t, []float64{2, 0.5}, ratios([]float64{4, 1, 3}, []float64{2, 2}), "pairs up to the shorter")
	assert.Equal(t, []float64{3}, ratios([]float64{3, 5}, []float64{1, 0}), "a zero divisor drops the pair")
	assert.Empty(t, ratios(nil, []float64{1}))
	assert.Equal(t, 2.0, ratioOf(4, 2))
	assert.Zero(t, ratioOf(4, 0))
}
