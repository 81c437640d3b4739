package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goTestOutput is real output of go test -bench -benchmem, with a log line
// and a failed benchmark mixed in.
const goTestOutput = `goos: linux
goarch: amd64
pkg: nifcloud_lb/nifcloud
cpu: Intel(R) Xeon(R) Processor
BenchmarkSign-2                                              	  384999	      3140 ns/op	    3336 B/op	      28 allocs/op
BenchmarkEncode/DescribeLoadBalancers/port-2                 	 1647283	       720.7 ns/op	     676 B/op	      13 allocs/op
BenchmarkDecodeDescribeLoadBalancers/members=1000-2          	    2082	    568834 ns/op	 677.10 MB/s	  300405 B/op	    4059 allocs/op
BenchmarkNoMem-8   	 1000	 1234 ns/op
BenchmarkLogs-2
    bench_test.go:12: a log line
--- FAIL: BenchmarkBroken-2
BenchmarkBroken-2 	 x	 1 ns/op
PASS
ok  	nifcloud_lb/nifcloud	8.725s
`

func TestParseGoBench(t *testing.T) {
	t.Parallel()
	got := parseGoBench(goTestOutput)
	assert.Equal(t, []goBench{
		{Name: "Sign", Iterations: 384999, NsPerOp: 3140, BytesPerOp: 3336, AllocsPerOp: 28},
		{Name: "Encode/DescribeLoadBalancers/port", Iterations: 1647283, NsPerOp: 720.7, BytesPerOp: 676, AllocsPerOp: 13},
		{Name: "DecodeDescribeLoadBalancers/members=1000", Iterations: 2082, NsPerOp: 568834, MBPerS: 677.10, BytesPerOp: 300405, AllocsPerOp: 4059},
		{Name: "NoMem", Iterations: 1000, NsPerOp: 1234},
	}, got)

	g, ok := findGoBench(got, "DecodeDescribeLoadBalancers/members=1000")
	require.True(t, ok)
	assert.Equal(t, int64(4059), g.AllocsPerOp)
	_, ok = findGoBench(got, "Missing")
	assert.False(t, ok)
}

func TestParseGoBenchLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		ok   bool
	}{
		{"BenchmarkA-2 10 5 ns/op", true},
		{"BenchmarkA 10 5 ns/op", true},
		{"BenchmarkA-2 10 5 B/op", false},          // no time
		{"BenchmarkA-2 0 5 ns/op", false},          // no iterations
		{"BenchmarkA-2 -3 5 ns/op", false},         // negative iterations
		{"BenchmarkA-2 10 -5 ns/op", false},        // negative time
		{"BenchmarkA-2 10 NaN ns/op", false},       // not a number
		{"BenchmarkA-2 10 +Inf ns/op", false},      // not finite
		{"BenchmarkA-2 10 1e300 allocs/op", false}, // out of range
		{"BenchmarkA-2 10 5 ns/op 3", false},       // odd field count
		{"Benchmark-2 10 5 ns/op", false},          // no name
		{"Test 10 5 ns/op", false},
		{"", false},
	}
	for _, tt := range tests {
		_, ok := parseGoBenchLine(tt.line)
		assert.Equal(t, tt.ok, ok, tt.line)
	}
}

func TestTrimProcs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Sign-2":                 "Sign",
		"Sign":                   "Sign",
		"Encode/a-b-16":          "Encode/a-b",
		"Encode/a-b":             "Encode/a-b",
		"Trailing-":              "Trailing-",
		"-2":                     "",
		"Decode/members=1000-12": "Decode/members=1000",
	} {
		assert.Equal(t, want, trimProcs(in), in)
	}
}

func TestTail(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := range 15 {
		lines = append(lines, strings.Repeat("x", i))
	}
	assert.Equal(t, strings.Join(lines[5:], "\n"), tail(strings.Join(lines, "\n")+"\n"))
	assert.Equal(t, "one", tail("one\n"))
}

func FuzzParseGoBench(f *testing.F) {
	for _, line := range strings.Split(goTestOutput, "\n") {
		f.Add(line)
	}
	f.Add("BenchmarkX-2 1 1 ns/op 1 MB/s 1 B/op 1 allocs/op")
	f.Fuzz(func(t *testing.T, out string) {
		for _, r := range parseGoBench(out) {
			require.NotEmpty(t, r.Name)
			require.Positive(t, r.Iterations)
			for _, v := range []float64{r.NsPerOp, r.MBPerS} {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0) || v < 0, "value %v", v)
			}
			require.GreaterOrEqual(t, r.BytesPerOp, int64(0))
			require.GreaterOrEqual(t, r.AllocsPerOp, int64(0))
			assert.Contains(t, out, "Benchmark"+r.Name)
		}
	})
}
