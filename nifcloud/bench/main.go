// Command bench measures the nifcloud_lb module and writes BENCHMARKS.md:
// the real module binary against an in-process emulator over HTTPS on
// loopback, per scenario of scenarios.go, without and with a simulated API
// latency, its API calls counted in the emulator's request log; rounds of
// module processes started at once; every Go benchmark of the repository
// whose name matches -bench (go test -run '^$' -bench REGEXP -benchmem
// ./..., "." by default, so that a new benchmark shows up by itself); the
// size of the binaries; the wall time of the test suite; and the targets.
//
// make bench runs it from the repository root:
//
//	go run ./nifcloud/bench -module library/nifcloud_lb -dist dist -time-test 'make test'
//
// It exits 1, after writing the report, when a check fails: a run fails,
// reports the wrong "changed", makes another number of API calls than its
// scenario expects or leaves another state. A missed target is reported,
// not an error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config holds the flags.
type config struct {
	module, dist, out, bench, timeTest string
	reps, latencyReps, procs           int
	latency                            time.Duration
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.module, "module", "library/nifcloud_lb", "module binary to run (make build)")
	fs.StringVar(&c.dist, "dist", "dist", "directory of the make dist binaries to size; without them, the module binary is")
	fs.StringVar(&c.out, "out", "BENCHMARKS.md", "report to write")
	fs.StringVar(&c.bench, "bench", ".", "regexp of the Go benchmarks to run (go test -bench); empty skips them")
	fs.StringVar(&c.timeTest, "time-test", "", "test command (sh -c) to run and time first, e.g. 'make test'; empty: none")
	fs.IntVar(&c.reps, "reps", 20, "runs per scenario without latency")
	fs.IntVar(&c.latencyReps, "latency-reps", 5, "runs per scenario with -latency")
	fs.IntVar(&c.procs, "procs", 50, "module processes started at once")
	fs.DurationVar(&c.latency, "latency", 100*time.Millisecond, "latency the emulator adds to every API call")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.reps < 1 || c.latencyReps < 1 || c.procs < 1:
		return c, errors.New("-reps, -latency-reps and -procs must be at least 1")
	case c.latency <= 0:
		return c, errors.New("-latency must be positive")
	}
	return c, nil
}

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	var buf bytes.Buffer
	r, err := measure(ctx, c, stderr)
	if err == nil {
		err = render(&buf, r)
	}
	if err == nil {
		err = os.WriteFile(c.out, buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "bench: wrote %s in %s\n", c.out, r.Elapsed.Round(time.Second))
	for _, t := range r.Targets {
		fmt.Fprintf(stdout, "  %s: %s (pass: %t)\n", t.Name, t.Measured, t.Pass)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(stderr, "bench: failed check: %s\n", p)
	}
	return min(len(r.Problems), 1)
}

// measure takes every measurement of the report.
func measure(ctx context.Context, c config, progress io.Writer) (report, error) {
	start := time.Now()
	r := report{Machine: readMachine(ctx, start), TestCommand: c.timeTest, Bench: c.bench}
	if c.timeTest != "" {
		cmd := exec.CommandContext(ctx, "sh", "-c", c.timeTest)
		cmd.Stdout, cmd.Stderr = progress, progress
		if err := cmd.Run(); err != nil {
			return r, fmt.Errorf("%s: %w", c.timeTest, err)
		}
		r.TestTime = time.Since(start)
	}
	var err error
	if r.Binaries, err = binaries(c.module, c.dist); err != nil {
		return r, err
	}
	b, err := newBench(ctx, c.module, progress)
	if err != nil {
		return r, err
	}
	defer b.close()
	if r.Floor, err = b.floor(ctx); err != nil {
		return r, err
	}
	if err := b.runAll(ctx, c, &r); err != nil {
		return r, err
	}
	if c.bench != "" {
		fmt.Fprintf(progress, "bench: go test -bench %s ./...\n", c.bench)
		if r.GoBench, err = runGoBench(ctx, c.bench); err != nil {
			return r, err
		}
	}
	r.Elapsed, r.Problems = time.Since(start), b.problems
	r.Targets = targets(r)
	return r, nil
}

// runAll runs every scenario and every concurrent round, without and with
// latency, into r.
func (b *bench) runAll(ctx context.Context, c config, r *report) error {
	for _, lat := range []time.Duration{0, c.latency} {
		reps := c.reps
		if lat > 0 {
			reps = c.latencyReps
		}
		for _, sc := range scenarios() {
			res, err := b.runScenario(ctx, sc, lat, reps)
			if err != nil {
				return err
			}
			r.Runs = append(r.Runs, res)
		}
		for _, cc := range concurrents() {
			res, err := b.runConcurrent(ctx, cc, c.procs, lat)
			if err != nil {
				return err
			}
			r.Concurrent = append(r.Concurrent, res)
		}
	}
	return nil
}
