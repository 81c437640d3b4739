package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// sample is what one process run cost.
type sample struct {
	// wall is the time from start to exit, as the launcher saw it.
	wall time.Duration
	// cpu is the user and system time of the process.
	cpu time.Duration
	// maxRSS is the peak resident set size, in bytes.
	maxRSS int64
	// stdout is what the process printed.
	stdout []byte
	// stderr is what the process printed on stderr.
	stderr []byte
	// exitCode is the exit status.
	exitCode int
}

// processEnv is the whole environment of the measured processes: nothing
// that could change what they do (no proxy, no NIFCLOUD_* fallbacks).
var processEnv = []string{"PATH=/usr/bin:/bin", "LANG=C"}

// launcher starts the measured programs through the spawn program (see
// spawn/main.go for why), which reports their cost in a file of dir.
type launcher struct {
	spawn string
	dir   string
	runs  atomic.Int64
}

// run runs bin with args once and measures it. A process that ran and
// exited non-zero is not an error: its exit code is in the sample.
func (l *launcher) run(ctx context.Context, bin string, args ...string) (sample, error) {
	report := filepath.Join(l.dir, fmt.Sprintf("usage-%d", l.runs.Add(1)))
	cmd := exec.CommandContext(ctx, l.spawn, append([]string{report, bin}, args...)...)
	cmd.Env = processEnv
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("run %s: %w: %s", filepath.Base(bin), err, bytes.TrimSpace(stderr.Bytes()))
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return sample{}, fmt.Errorf("run %s: %w", filepath.Base(bin), err)
	}
	if err := os.Remove(report); err != nil {
		return sample{}, fmt.Errorf("run %s: %w", filepath.Base(bin), err)
	}
	s, err := parseUsage(string(data), runtime.GOOS)
	if err != nil {
		return sample{}, fmt.Errorf("run %s: %w", filepath.Base(bin), err)
	}
	s.stdout, s.stderr = stdout.Bytes(), stderr.Bytes()
	return s, nil
}

// parseUsage reads the report line of spawn: "WALL_NS USER_NS SYSTEM_NS
// MAXRSS EXIT_CODE", MAXRSS in KiB, or in bytes on macOS (goos darwin).
func parseUsage(line, goos string) (sample, error) {
	fields := strings.Fields(line)
	if len(fields) != 5 || strings.Contains(strings.TrimSuffix(line, "\n"), "\n") {
		return sample{}, fmt.Errorf("usage report %q: want 5 numbers on one line", clip(line))
	}
	var n [5]int64
	for i, f := range fields {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil || v < 0 && i < 4 {
			return sample{}, fmt.Errorf("usage report %q: field %d is not a count", clip(line), i+1)
		}
		n[i] = v
	}
	maxRSS := n[3]
	if goos != "darwin" {
		if maxRSS > math.MaxInt64/1024 {
			return sample{}, fmt.Errorf("usage report %q: peak RSS out of range", clip(line))
		}
		maxRSS *= 1024
	}
	if n[4] < -1 || n[4] > 255 {
		return sample{}, fmt.Errorf("usage report %q: exit code out of range", clip(line))
	}
	return sample{
		wall:     time.Duration(n[0]),
		cpu:      time.Duration(n[1]) + time.Duration(n[2]),
		maxRSS:   maxRSS,
		exitCode: int(n[4]),
	}, nil
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// moduleResult is the part of the module's JSON result the benchmark
// checks.
type moduleResult struct {
	Changed bool   `json:"changed"`
	Failed  bool   `json:"failed"`
	Msg     string `json:"msg"`
}

// checkModuleRun checks that a module run succeeded with the expected
// "changed".
func checkModuleRun(s sample, changed bool) error {
	var res moduleResult
	if err := json.Unmarshal(s.stdout, &res); err != nil {
		return fmt.Errorf("module output is not one JSON object (exit %d): %w", s.exitCode, err)
	}
	switch {
	case res.Failed:
		return fmt.Errorf("module failed (exit %d): %s", s.exitCode, res.Msg)
	case s.exitCode != 0:
		return fmt.Errorf("module exited %d without failing", s.exitCode)
	case res.Changed != changed:
		return fmt.Errorf("module reported changed=%t, want %t", res.Changed, changed)
	}
	return nil
}

// checkFloorRun checks that a floor run succeeded.
func checkFloorRun(s sample) error {
	if s.exitCode != 0 {
		return fmt.Errorf("floor exited %d: %s", s.exitCode, bytes.TrimSpace(s.stderr))
	}
	return nil
}
