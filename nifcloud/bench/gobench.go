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
	// Pkg is the import path of the package; Name the benchmark's name
	// without "Benchmark" and the -GOMAXPROCS suffix.
	Pkg, Name                        string
	NsPerOp, BytesPerOp, AllocsPerOp float64
}

// runGoBench runs the Go benchmarks matching pattern in every package,
// without the tests, and parses their results.
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

// parseGoBench reads the result lines of go test -bench output, each in
// the package of the "pkg:" line before it. Other lines, result lines
// without a valid ns/op and the values of other units are ignored.
func parseGoBench(out string) []goBench {
	var results []goBench
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "pkg:" {
			pkg = f[1]
		}
		if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if n, err := strconv.Atoi(f[1]); err != nil || n <= 0 {
			continue
		}
		r := goBench{Pkg: pkg, Name: strings.TrimPrefix(f[0], "Benchmark"), NsPerOp: -1}
		if i := strings.LastIndexByte(r.Name, '-'); i >= 0 {
			if _, err := strconv.Atoi(r.Name[i+1:]); err == nil {
				r.Name = r.Name[:i]
			}
		}
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil || !(v >= 0) || math.IsInf(v, 1) {
				r.NsPerOp = -1
				break
			}
			switch f[i+1] {
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
