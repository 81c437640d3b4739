package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// report is everything BENCHMARKS.md shows.
type report struct {
	Machine            machine
	TestCommand, Bench string        // the timed test command and the -bench pattern
	TestTime, Elapsed  time.Duration // wall time of the test command and of everything
	Floor              int64         // peak RSS of a launched program that does nothing
	Runs               []runResult
	Concurrent         []concurrentResult
	GoBench            []goBench
	Binaries           []binary
	Targets            []target
	Problems           []string
}

// machine describes where the benchmark ran.
type machine struct {
	Date, CPU, Memory, OS, Go, Commit string
	Cores                             int
}

// readMachine reads the facts of this machine from Linux's /proc and
// /etc/os-release (elsewhere they are "unknown") and the commit from git.
func readMachine(ctx context.Context, now time.Time) machine {
	read := func(path string) string { data, _ := os.ReadFile(path); return string(data) }
	m := machine{Date: now.UTC().Format("2006-01-02 15:04:05 UTC"), Cores: runtime.NumCPU(), Go: runtime.Version(),
		CPU: field(read("/proc/cpuinfo"), "model name", ":"), Memory: "unknown", Commit: "unknown",
		OS: field(read("/etc/os-release"), "PRETTY_NAME", "=") + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"}
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(field(read("/proc/meminfo"), "MemTotal", ":"), " kB"), 64); err == nil {
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
		if v = strings.Trim(strings.TrimSpace(v), `"`); ok && strings.TrimSpace(k) == key && v != "" {
			return v
		}
	}
	return "unknown"
}

// binary is one module binary.
type binary struct {
	Name string
	Size int64
}

// binaries lists the make dist binaries (dist/nifcloud_lb_*), or the module
// binary when there are none.
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

// target is one target, what was measured and, for a miss, one sentence.
type target struct {
	Name, Measured, Miss string
	Pass                 bool
}

// maxCPU bounds decoding a 10,000-member listener; maxBinary the size of
// every binary, in bytes.
const (
	maxCPU    = 250 * time.Millisecond
	maxBinary = 10e6
)

// decodeBench names the Go benchmark of the decode target.
var decodeBench = regexp.MustCompile(`^DecodeDescribeLoadBalancers/members=10000$`)

// targets judges the figures; what was not measured misses.
func targets(r report) []target {
	decode := target{Name: "Decoding a 10,000-member DescribeLoadBalancers reply (Go benchmark, time per decode on one goroutine): under 250 ms", Measured: "not measured"}
	if i := slices.IndexFunc(r.GoBench, func(g goBench) bool { return decodeBench.MatchString(g.Name) }); i >= 0 {
		d := time.Duration(r.GoBench[i].NsPerOp)
		decode.Measured, decode.Pass = nsText(r.GoBench[i].NsPerOp)+" a decode", d < maxCPU
		decode.Miss = fmt.Sprintf("One decode takes %s, %s over the limit.", nsText(r.GoBench[i].NsPerOp), d-maxCPU)
	}
	run := target{Name: "10,000-member listener, whole no-op run: module CPU under 250 ms", Measured: "not measured"}
	if i := slices.IndexFunc(r.Runs, func(x runResult) bool { return x.Scenario == "10,000 members, no-op" && x.Latency == 0 }); i >= 0 {
		med, p90 := summarize(r.Runs[i].CPU)
		run.Measured, run.Pass = fmt.Sprintf("%.1f ms median (p90 %.1f ms)", med, p90), med < ms(maxCPU)
		run.Miss = fmt.Sprintf("The module spends %.1f ms of CPU on it, %.1f ms over the limit.", med, med-ms(maxCPU))
	}
	runs, off, procs, failed, wrong := 0, 0, 0, 0, 0
	for _, x := range r.Runs {
		for _, c := range x.Calls {
			runs, off = runs+1, off+btoi(c != x.WantCalls)
		}
	}
	for _, c := range r.Concurrent {
		runs, procs, failed = runs+1, procs+c.Procs, failed+c.Failed
		off, wrong = off+btoi(c.CallsOff), wrong+btoi(c.WrongState)
	}
	return append([]target{decode, run,
		{Name: "API calls: every run makes its scenario's count, every concurrent round stays within its bounds", Pass: runs > 0 && off == 0,
			Measured: fmt.Sprintf("%d of %d off", off, runs), Miss: "Some runs made another number of API calls than expected; see Failed checks."},
		{Name: "Concurrent runs: no failure, exact final state", Pass: procs > 0 && failed+wrong == 0,
			Measured: fmt.Sprintf("rounds %d, runs %d: failed %d, wrong final states %d", len(r.Concurrent), procs, failed, wrong),
			Miss:     "Runs started together failed or lost a change; see Failed checks."},
		binaryTarget(r.Binaries)}, batchTargets(r)...)
}

// batchTargets judges the rounds of processes started at once, with
// latency: the bounds on the changing calls (checked per round) and the
// wall time.
func batchTargets(r report) []target {
	single := "not measured"
	var singleWall time.Duration
	if i := slices.IndexFunc(r.Runs, func(x runResult) bool { return x.Scenario == "register one" && x.Latency > 0 }); i >= 0 {
		med, _ := summarize(r.Runs[i].Wall)
		singleWall, single = time.Duration(med*float64(time.Millisecond)), fmt.Sprintf("%.0f ms", med)
	}
	return []target{
		roundTarget(r, "classic: each registers its own server", "Classic, processes registering at once, 100 ms per call: at most 5 Register calls, wall at most twice a single run's plus 1 s",
			2*singleWall+time.Second, "single register run "+single),
		roundTarget(r, "classic: each deregisters its own server", "Classic, processes deregistering at once: at most 5 Deregister calls", 0, ""),
		roundTarget(r, "elastic, busy 2 s after each change: each registers", "Multi Load Balancer busy 2 s after each change, processes registering at once: at most 3 Register calls, under 10 s", 10*time.Second, ""),
		roundTarget(r, "elastic, busy 2 s after each change: each deregisters", "Multi Load Balancer, processes deregistering at once: at most 3 Deregister calls, under 10 s", 10*time.Second, ""),
		roundTarget(r, "elastic, busy 2 s after each change: half register", "Multi Load Balancer, a mixed wave (half register, half deregister others): at most 3 of each, under 20 s", 20*time.Second, ""),
	}
}

// roundTarget judges the round with latency whose name starts with prefix:
// its calls within bounds and, when maxWall is set, its wall time.
func roundTarget(r report, prefix, name string, maxWall time.Duration, note string) target {
	t := target{Name: name, Measured: "not measured", Miss: "The round did not run."}
	i := slices.IndexFunc(r.Concurrent, func(c concurrentResult) bool { return strings.HasPrefix(c.Name, prefix) && c.Latency > 0 })
	if i < 0 {
		return t
	}
	c := r.Concurrent[i]
	t.Measured = fmt.Sprintf("%d processes: %s; %s", c.Procs, c.Calls, c.Wall.Round(time.Millisecond))
	if note != "" {
		t.Measured += " (" + note + ")"
	}
	t.Pass = !c.CallsOff && c.Failed == 0 && !c.WrongState && (maxWall == 0 || c.Wall <= maxWall)
	t.Miss = fmt.Sprintf("The round made %s (bounds: %s) in %s, with %d failed runs.", c.Calls, c.MaxCalls, c.Wall.Round(time.Millisecond), c.Failed)
	return t
}

// Misses returns the targets missed.
func (r report) Misses() []target {
	return slices.DeleteFunc(slices.Clone(r.Targets), func(t target) bool { return t.Pass })
}

// btoi is 1 for true.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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

//go:embed report.tmpl
var reportTemplate string

// tmpl renders BENCHMARKS.md.
var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"seconds": func(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) },
	"latency": latencyText,
	"ms":      func(d time.Duration) string { return fmt.Sprintf("%.0f", ms(d)) },
	"ns":      nsText,
	"mb":      func(b int64) string { return fmt.Sprintf("%.2f", float64(b)/1e6) },
	"stat": func(ds []time.Duration) string {
		med, p90 := summarize(ds)
		return fmt.Sprintf("%.1f (%.1f)", med, p90)
	},
	"rss":   func(bs []int64) string { return fmt.Sprintf("%.1f", float64(slices.Max(bs))/1e6) },
	"calls": callsText,
}).Parse(reportTemplate))

// render writes the report as Markdown.
func render(w io.Writer, r report) error {
	if err := tmpl.Execute(w, r); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// summarize returns the median and the 90th percentile by nearest rank
// (the smallest value that at least 90% of the values do not exceed) in
// ms; NaN for no values.
func summarize(ds []time.Duration) (median, p90 float64) {
	if len(ds) == 0 {
		return math.NaN(), math.NaN()
	}
	v := slices.Sorted(slices.Values(ds))
	n := len(v)
	median = (ms(v[(n-1)/2]) + ms(v[n/2])) / 2
	return median, ms(v[int(math.Ceil(0.9*float64(n)))-1])
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// nsText renders nanoseconds with a fitting unit.
func nsText(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

// latencyText renders a latency per call.
func latencyText(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}

// callsText renders the API calls of runs: "2", or "1, 2" when runs differ.
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
