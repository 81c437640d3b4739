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
	// Pkg is the import path of the benchmark's package.
	Pkg string
	// Name is the name without "Benchmark" and the -GOMAXPROCS suffix,
	// e.g. "DecodeDescribeLoadBalancers/members=10000".
	Name string
	// NsPerOp, BytesPerOp and AllocsPerOp are per operation.
	NsPerOp, BytesPerOp, AllocsPerOp float64
}

// runGoBench runs the Go benchmarks matching pattern in every package of
// the module, with the tests filtered out, and parses their results.
func runGoBench(ctx context.Context, pattern string) ([]goBench, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", pattern, "-benchmem", "-count", "1", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w: %s%s", err, out, stderr.Bytes())
	}
	results := parseGoBench(string(out))
	if len(results) == 0 {
		return nil, fmt.Errorf("go test -bench %q: no benchmark result", pattern)
	}
	return results, nil
}

// parseGoBench reads the result lines of go test -bench output and the
// "pkg:" lines that precede each package's results. Other lines, and
// result lines without ns/op, are ignored; unknown units are skipped.
func parseGoBench(out string) []goBench {
	var results []goBench
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "pkg:" {
			pkg = fields[1]
		}
		if len(fields) < 4 || len(fields)%2 != 0 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if n, err := strconv.ParseInt(fields[1], 10, 64); err != nil || n <= 0 {
			continue
		}
		r := goBench{Pkg: pkg, Name: trimProcs(strings.TrimPrefix(fields[0], "Benchmark")), NsPerOp: -1}
		for i := 2; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil || !(v >= 0) || math.IsInf(v, 1) {
				r.NsPerOp = -1
				break
			}
			switch fields[i+1] {
			case "ns/op":
				r.NsPerOp = v
			case "B/op":
				r.BytesPerOp = v
			case "allocs/op":
				r.AllocsPerOp = v
			}
		}
		if r.NsPerOp >= 0 && r.Name != "" {
			results = append(results, r)
		}
	}
	return results
}

// trimProcs removes the "-P" GOMAXPROCS suffix of a benchmark name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if _, err := strconv.Atoi(name[i+1:]); i < 0 || err != nil {
		return name
	}
	return name[:i]
}
