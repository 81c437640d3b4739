package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is everything BENCHMARKS.md shows.
type report struct {
	Machine     machine
	TestCommand string        // the timed test command, if any
	TestTime    time.Duration // its wall time
	Bench       string        // the -bench pattern of the Go benchmarks
	Elapsed     time.Duration // run time of the benchmark
	Floor       int64         // peak RSS of a launched program that does nothing
	Runs        []runResult
	Concurrent  []concurrentResult
	GoBench     []goBench
	Binaries    []binary
	Targets     []target
	Problems    []string
}

// machine describes where the benchmark ran; what cannot be read is
// "unknown".
type machine struct {
	Date, CPU, Memory, OS, Go, Commit string
	Cores                             int
}

// readMachine reads the facts of this machine (Linux /proc; elsewhere most
// are unknown) and the commit of the checkout.
func readMachine(ctx context.Context, now time.Time) machine {
	read := func(path string) string { data, _ := os.ReadFile(path); return string(data) }
	m := machine{Date: now.UTC().Format("2006-01-02 15:04:05 UTC"), Cores: runtime.NumCPU(), Go: runtime.Version(),
		CPU: field(read("/proc/cpuinfo"), "model name", ":"), Memory: "unknown", Commit: "unknown",
		OS: field(read("/etc/os-release"), "PRETTY_NAME", "=") + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"}
	mem := strings.Fields(field(read("/proc/meminfo"), "MemTotal", ":"))
	if kb, err := strconv.ParseFloat(mem[0], 64); err == nil && len(mem) == 2 && mem[1] == "kB" {
		m.Memory = fmt.Sprintf("%.1f GB", kb*1024/1e9)
	}
	if out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// field returns the value of the first "key SEP value" line of text,
// unquoted, or "unknown".
func field(text, key, sep string) string {
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(line, sep)
		if ok && strings.TrimSpace(k) == key {
			if v = strings.Trim(strings.TrimSpace(v), `"`); v != "" {
				return v
			}
		}
	}
	return "unknown"
}

// binary is one module binary.
type binary struct {
	Name string
	Size int64
}

// binaries inspects the make dist binaries (dist/nifcloud_lb_*), or the
// module binary when there are none.
func binaries(module, dist string) ([]binary, error) {
	paths, _ := filepath.Glob(filepath.Join(dist, "nifcloud_lb_*"))
	if dist == "" || len(paths) == 0 {
		paths = []string{module}
	}
	var out []binary
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("binary size: %w (run make build)", err)
		}
		out = append(out, binary{Name: filepath.Base(p), Size: info.Size()})
	}
	return out, nil
}

// target is one target and what was measured.
type target struct {
	Name, Measured string
	Pass           bool
	Miss           string // one sentence, for a miss
}

// The limits of the targets.
const (
	maxDecode = 250 * time.Millisecond
	maxBinary = 10e6
)

// decodeBench names the Go benchmark of the decode target.
var decodeBench = regexp.MustCompile(`^DecodeDescribeLoadBalancers/members=10000$`)

// targets judges the figures.
func targets(r report) []target {
	decode := target{Name: "Decoding a 10,000-member DescribeLoadBalancers reply (Go benchmark): under 250 ms CPU", Measured: "not measured"}
	if i := slices.IndexFunc(r.GoBench, func(g goBench) bool { return decodeBench.MatchString(g.Name) }); i >= 0 {
		d := time.Duration(r.GoBench[i].NsPerOp)
		decode.Measured, decode.Pass = nsText(r.GoBench[i].NsPerOp)+" a decode", d < maxDecode
		decode.Miss = fmt.Sprintf("One decode takes %s, %s over the limit.", nsText(r.GoBench[i].NsPerOp), d-maxDecode)
	}
	run := target{Name: "10,000-member listener, whole no-op run: module CPU under 250 ms", Measured: "not measured"}
	if i := slices.IndexFunc(r.Runs, func(x runResult) bool { return x.Scenario == "10,000 members, no-op" && x.Latency == 0 }); i >= 0 {
		med, p90 := summarize(millis(r.Runs[i].CPU))
		run.Measured, run.Pass = fmt.Sprintf("%.1f ms median (p90 %.1f ms)", med, p90), med < ms(maxDecode)
		run.Miss = fmt.Sprintf("The module spends %.1f ms of CPU on a no-op run of a 10,000-member listener, %.1f ms over the limit.", med, med-ms(maxDecode))
	}
	runs, off := 0, 0
	for _, x := range r.Runs {
		runs += len(x.Calls)
		off += len(x.Calls) - count(x.Calls, x.WantCalls)
	}
	procs, failed, wrong := 0, 0, 0
	for _, c := range r.Concurrent {
		procs, failed, runs = procs+c.Procs, failed+c.Failed, runs+1
		if c.WrongState {
			wrong++
		}
		if total(c.Calls) != c.WantCalls {
			off++
		}
	}
	return []target{decode, run,
		{Name: "API calls: every run (every concurrent round) makes its scenario's count", Pass: runs > 0 && off == 0,
			Measured: fmt.Sprintf("%d of %d off", off, runs), Miss: "Some runs made another number of API calls than expected; see Failed checks."},
		{Name: "Concurrent runs: no failure, exact final state", Pass: procs > 0 && failed+wrong == 0,
			Measured: fmt.Sprintf("rounds %d, runs %d: failed %d, wrong final states %d", len(r.Concurrent), procs, failed, wrong),
			Miss:     "Runs started together failed or lost a change; see Failed checks."},
		binaryTarget(r.Binaries)}
}

// count counts the elements of xs equal to x.
func count[T comparable](xs []T, x T) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// binaryTarget checks the size of every binary.
func binaryTarget(bs []binary) target {
	t := target{Name: "Every binary under 10 MB", Pass: len(bs) > 0}
	var big binary
	for _, b := range bs {
		if b.Size > big.Size {
			big = b
		}
		if b.Size >= maxBinary {
			t.Pass, t.Miss = false, fmt.Sprintf("%s is %.2f MB.", b.Name, float64(b.Size)/1e6)
		}
	}
	t.Measured = fmt.Sprintf("largest %s, %.2f MB", big.Name, float64(big.Size)/1e6)
	return t
}
