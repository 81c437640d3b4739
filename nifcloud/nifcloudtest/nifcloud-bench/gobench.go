package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
)

// goBench is one result line of go test -bench -benchmem.
type goBench struct {
	// Name is the benchmark's name without the Benchmark prefix and the
	// -GOMAXPROCS suffix, e.g. "DecodeDescribeLoadBalancers/members=1000".
	Name string
	// Iterations is the b.N of the reported run.
	Iterations int64
	// NsPerOp is the time per operation in nanoseconds.
	NsPerOp float64
	// MBPerS is the throughput when the benchmark called SetBytes, else 0.
	MBPerS float64
	// BytesPerOp and AllocsPerOp are the allocations per operation.
	BytesPerOp, AllocsPerOp int64
}

// runGoBenchmarks runs the benchmarks of pkg in dir and parses their
// results.
func runGoBenchmarks(ctx context.Context, goTool, dir, pkg string) ([]goBench, error) {
	cmd := exec.CommandContext(ctx, goTool, "test", "-run=^$", "-bench=.", "-benchmem", "-count=1", pkg)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench %s: %w: %s%s", pkg, err, tail(stdout.String()), tail(stderr.String()))
	}
	results := parseGoBench(stdout.String())
	if len(results) == 0 {
		return nil, fmt.Errorf("go test -bench %s: no benchmark result in the output: %s", pkg, tail(stdout.String()))
	}
	return results, nil
}

// tail returns the last lines of a command's output, for an error.
func tail(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return strings.Join(lines, "\n")
}

// parseGoBench reads the result lines of go test -bench output; other
// lines, and result lines it cannot read, are ignored.
func parseGoBench(out string) []goBench {
	var results []goBench
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if r, ok := parseGoBenchLine(sc.Text()); ok {
			results = append(results, r)
		}
	}
	return results
}

// parseGoBenchLine reads "BenchmarkName-P  N  V ns/op [V MB/s] [V B/op]
// [V allocs/op]".
func parseGoBenchLine(line string) (goBench, bool) {
	fields := strings.Fields(line)
	if len(fields) < 4 || len(fields)%2 != 0 || !strings.HasPrefix(fields[0], "Benchmark") {
		return goBench{}, false
	}
	r := goBench{Name: trimProcs(strings.TrimPrefix(fields[0], "Benchmark"))}
	n, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil || n <= 0 || r.Name == "" {
		return goBench{}, false
	}
	r.Iterations = n
	sawTime := false
	for i := 2; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil || !(v >= 0 && v < math.MaxInt64) {
			return goBench{}, false
		}
		switch fields[i+1] {
		case "ns/op":
			r.NsPerOp, sawTime = v, true
		case "MB/s":
			r.MBPerS = v
		case "B/op":
			r.BytesPerOp = int64(v)
		case "allocs/op":
			r.AllocsPerOp = int64(v)
		}
	}
	return r, sawTime
}

// trimProcs removes the "-P" GOMAXPROCS suffix of a benchmark name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// findGoBench returns the result named name.
func findGoBench(results []goBench, name string) (goBench, bool) {
	for _, r := range results {
		if r.Name == name {
			return r, true
		}
	}
	return goBench{}, false
}
