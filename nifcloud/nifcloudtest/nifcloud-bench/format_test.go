package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatting(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0", thousands(0))
	assert.Equal(t, "999", thousands(999))
	assert.Equal(t, "1,000", thousands(1000))
	assert.Equal(t, "-1,234,567", thousands(-1234567))
	assert.Equal(t, "950 ns", perOp(950))
	assert.Equal(t, "3.14 µs", perOp(3140))
	assert.Equal(t, "6.92 ms", perOp(6916612))
	assert.Equal(t, "", intList(nil))
	assert.Equal(t, "1,000", intList([]int{1000}))
	assert.Equal(t, "1, 2 and 3", intList([]int{1, 2, 3}))
	assert.Equal(t, "1 round", plural(1, "round"))
	assert.Equal(t, "0 rounds", plural(0, "round"))
	assert.Equal(t, "-", callRange(nil))
	assert.Equal(t, "2", callRange([]int{2, 2}))
	assert.Equal(t, "1-3", callRange([]int{3, 1, 2}))
	assert.True(t, allEqual(nil, 1))
	assert.False(t, allEqual([]int{1, 2}, 1))
	assert.Equal(t, "-", medianP90(summary{}, "%.1f"))
	assert.Equal(t, "-", medianMax(summary{}, "%.1f"))

	var b strings.Builder
	table(&b, []string{"a", "b"}, [][]string{{"x|y", "z"}})
	assert.Equal(t, "| a | b |\n|---|---|\n| x\\|y | z |\n\n", b.String())
}
