package main

import (
	"bytes"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const benchOutput = `goos: linux
pkg: nifcloud_lb/nifcloud
cpu: AMD EPYC
BenchmarkSign-2                           	  348366	      3210 ns/op	    3336 B/op	      28 allocs/op
BenchmarkDecodeDescribeLoadBalancers/members=10000-2 	     192	   6460000 ns/op	 593.60 MB/s	 5532917 B/op	   40075 allocs/op
BenchmarkBroken-2   	 notanumber	 12 ns/op
BenchmarkNoTime-2   	 10	 12 B/op
BenchmarkNegative-2   	 10	 -12 ns/op
BenchmarkOdd-2   	 10	 12 ns/op 5
ok  	nifcloud_lb/nifcloud	3.1s
pkg: nifcloud_lb/nifcloud/membership
BenchmarkReconcile/members=10000/noop 	      67	  17060925 ns/op	14006636 B/op	   40419 allocs/op
BenchmarkCustom-x 	 5	 100 ns/op	 2.00 calls/op
`

func TestParseGoBench(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []goBench{
		{Pkg: "nifcloud_lb/nifcloud", Name: "Sign", NsPerOp: 3210, BytesPerOp: 3336, AllocsPerOp: 28},
		{Pkg: "nifcloud_lb/nifcloud", Name: "DecodeDescribeLoadBalancers/members=10000", NsPerOp: 6.46e6, BytesPerOp: 5532917, AllocsPerOp: 40075},
		{Pkg: "nifcloud_lb/nifcloud/membership", Name: "Reconcile/members=10000/noop", NsPerOp: 17060925, BytesPerOp: 14006636, AllocsPerOp: 40419},
		{Pkg: "nifcloud_lb/nifcloud/membership", Name: "Custom-x", NsPerOp: 100},
	}, parseGoBench(benchOutput))
}

func FuzzParseGoBench(f *testing.F) {
	f.Add(benchOutput)
	f.Add("BenchmarkX-1 1 NaN ns/op\nBenchmark-8 1 +Inf ns/op\nBenchmark-8 1 1 ns/op")
	f.Fuzz(func(t *testing.T, out string) {
		for _, r := range parseGoBench(out) {
			if r.Name == "" || !(r.NsPerOp >= 0) || math.IsInf(r.NsPerOp, 0) {
				t.Fatalf("bad result %+v", r)
			}
		}
	})
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ms          []int
		median, p90 float64
	}{
		{[]int{5}, 5, 5},
		{[]int{3, 1, 2}, 2, 3},
		{[]int{4, 1, 3, 2}, 2.5, 4},
		{[]int{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5.5, 9},
		{[]int{11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 6, 10},
	} {
		var ds []time.Duration
		for _, m := range tt.ms {
			ds = append(ds, time.Duration(m)*time.Millisecond)
		}
		median, p90 := summarize(ds)
		assert.Equal(t, []float64{tt.median, tt.p90}, []float64{median, p90}, "%v", tt.ms)
	}
	median, p90 := summarize(nil)
	assert.True(t, math.IsNaN(median) && math.IsNaN(p90))
}

func TestMachine(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "AMD EPYC 7B13", field("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nmodel name\t: other\n", "model name", ":"))
	assert.Equal(t, "Debian GNU/Linux 12", field("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n", "PRETTY_NAME", "="))
	assert.Equal(t, "unknown", field("MemFree: 1 kB\nMemTotal:\n", "MemTotal", ":"))
	m := readMachine(t.Context(), time.Date(2026, 11, 27, 2, 25, 13, 0, time.UTC))
	assert.Equal(t, "2026-11-27 02:25:13 UTC", m.Date)
	assert.Positive(t, m.Cores)
}

func TestFlags(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-procs", "3", "-time-test", "make test"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{module: "library/nifcloud_lb", dist: "dist", out: "BENCHMARKS.md", bench: ".", timeTest: "make test",
		reps: 20, latencyReps: 5, procs: 3, latency: 100 * time.Millisecond}, c)
	for _, args := range [][]string{{"extra"}, {"-reps", "0"}, {"-latency", "0s"}, {"-nosuchflag"}} {
		_, err := parseFlags(args, io.Discard)
		assert.Error(t, err, "%q", args)
	}
	assert.Equal(t, 2, run(t.Context(), []string{"-procs", "0"}, io.Discard, io.Discard))
	assert.Equal(t, 0, run(t.Context(), []string{"-h"}, io.Discard, io.Discard))
}

func TestBinaries(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	module := filepath.Join(dist, "nifcloud_lb_linux_x86_64")
	require.NoError(t, os.WriteFile(module, make([]byte, 7e6), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dist, "nifcloud_lb_darwin_arm64"), make([]byte, 11e6), 0o600))
	bs, err := binaries("missing", dist)
	require.NoError(t, err)
	assert.Equal(t, []binary{{"nifcloud_lb_darwin_arm64", 11e6}, {"nifcloud_lb_linux_x86_64", 7e6}}, bs)
	bs, err = binaries(module, "")
	require.NoError(t, err)
	assert.Equal(t, []binary{{"nifcloud_lb_linux_x86_64", 7e6}}, bs)
	_, err = binaries("missing", filepath.Join(dist, "none"))
	assert.ErrorContains(t, err, "run make build")
}

// TestReport renders a report that misses every target against
// testdata/report.md; with nothing measured, every target misses.
func TestReport(t *testing.T) {
	t.Parallel()
	ms := func(xs ...float64) (out []time.Duration) {
		for _, x := range xs {
			out = append(out, time.Duration(x*float64(time.Millisecond)))
		}
		return out
	}
	r := report{
		Machine:     machine{Date: "2026-11-27 02:25:13 UTC", CPU: "AMD EPYC", Memory: "25.3 GB", OS: "Debian (linux/amd64)", Go: "go1.26.8", Commit: "abc1234", Cores: 2},
		TestCommand: "make test", TestTime: 21500 * time.Millisecond, Elapsed: 95 * time.Second, Floor: 2.4e6, Bench: ".",
		Runs: []runResult{
			{Scenario: "no-op", WantCalls: 1, Calls: []int{1, 1, 1}, Wall: ms(4, 4.2, 5), CPU: ms(3, 3, 3.1), MaxRSS: []int64{8.1e6, 8.2e6, 8e6}},
			{Scenario: "10,000 members, no-op", WantCalls: 1, Calls: []int{1, 2}, Wall: ms(300, 310), CPU: ms(260, 280), MaxRSS: []int64{29e6, 28e6}},
			{Scenario: "no-op", Latency: 100 * time.Millisecond, WantCalls: 1, Calls: []int{1}, Wall: ms(105), CPU: ms(4), MaxRSS: []int64{8e6}},
		},
		Concurrent: []concurrentResult{{Name: "classic: each registers its own server", Procs: 50, Failed: 1, WrongState: true, MaxCalls: "RegisterInstancesWithLoadBalancer at most 5", CallsOff: true, Latency: 100 * time.Millisecond,
			Calls: "DescribeLoadBalancers 51, RegisterInstancesWithLoadBalancer 50", Wall: 190 * time.Millisecond}},
		GoBench: []goBench{{Pkg: "nifcloud_lb/nifcloud", Name: "DecodeDescribeLoadBalancers/members=10000", NsPerOp: 251e6, BytesPerOp: 5.5e6, AllocsPerOp: 40075},
			{Pkg: "nifcloud_lb/nifcloud", Name: "Sign", NsPerOp: 3210, BytesPerOp: 3336, AllocsPerOp: 28}},
		Binaries: []binary{{"nifcloud_lb_linux_x86_64", 11e6}, {"nifcloud_lb_darwin_arm64", 6e6}},
		Problems: []string{"10,000 members, no-op: 2 API calls (DescribeLoadBalancers 2), want 1"},
	}
	r.Targets = targets(r)
	var buf bytes.Buffer
	require.NoError(t, render(&buf, r))
	golden := filepath.Join("testdata", "report.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())

	for _, tg := range targets(report{}) {
		assert.False(t, tg.Pass, "%s passes with nothing measured", tg.Name)
	}
}
