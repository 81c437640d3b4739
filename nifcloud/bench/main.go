// Command bench measures the nifcloud_lb module and writes BENCHMARKS.md.
//
// It runs the real module binary against an in-process emulator served over
// HTTPS on loopback, once per scenario of the table in scenarios.go, without
// and with a simulated API latency, counting the API calls of every run in
// the emulator's request log; it starts many module processes at once; it
// runs the Go benchmarks of the repository (go test -run '^$' -bench REGEXP
// -benchmem ./...: every benchmark whose name matches -bench, "." by
// default, so a new benchmark is reported without touching this command);
// and it reads the size of the binaries. Then it judges the figures against
// the project's targets.
//
// make bench runs it from the repository root:
//
//	go run ./nifcloud/bench -module library/nifcloud_lb -dist dist -time-test "make test"
//
// It exits 1, after writing the report, when a check fails: a run fails,
// reports the wrong "changed", makes another number of API calls than its
// scenario expects or leaves another state. A missed target is reported,
// not an error.
package main

import (
	"bytes"
	"context"
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
	module, dist, out, bench string
	reps, latencyReps, procs int
	latency                  time.Duration
	timeTest                 string
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.module, "module", "library/nifcloud_lb", "module binary to run (make build)")
	fs.StringVar(&c.dist, "dist", "dist", "directory of the make dist binaries; empty or missing: size the module binary")
	fs.StringVar(&c.out, "out", "BENCHMARKS.md", "report to write")
	fs.StringVar(&c.bench, "bench", ".", "regexp of the Go benchmarks to run (go test -bench); empty skips them")
	fs.IntVar(&c.reps, "reps", 20, "runs per scenario without latency")
	fs.IntVar(&c.latencyReps, "latency-reps", 5, "runs per scenario with -latency")
	fs.IntVar(&c.procs, "procs", 50, "module processes started at once")
	fs.DurationVar(&c.latency, "latency", 100*time.Millisecond, "latency the emulator adds to every API call")
	fs.StringVar(&c.timeTest, "time-test", "", "test command (sh -c) to run and time first, e.g. 'make test'; empty: none")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.reps < 1 || c.latencyReps < 1 || c.procs < 1:
		return c, fmt.Errorf("-reps, -latency-reps and -procs must be at least 1")
	case c.latency <= 0:
		return c, fmt.Errorf("-latency must be positive")
	}
	return c, nil
}

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	r, err := measure(ctx, c, stderr)
	if err == nil {
		err = writeFile(c.out, r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "bench: wrote %s in %s\n", c.out, r.Elapsed.Round(time.Second))
	for _, t := range r.Targets {
		v := "pass"
		if !t.Pass {
			v = "MISS"
		}
		fmt.Fprintf(stdout, "  %-4s %s: %s\n", v, t.Name, t.Measured)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(stderr, "bench: failed check: %s\n", p)
	}
	if len(r.Problems) > 0 {
		return 1
	}
	return 0
}

// measure takes every measurement of the report.
func measure(ctx context.Context, c config, progress io.Writer) (report, error) {
	start := time.Now()
	r := report{Machine: readMachine(ctx, start), TestCommand: c.timeTest, Bench: c.bench}
	var err error
	if c.timeTest != "" {
		cmd := exec.CommandContext(ctx, "sh", "-c", c.timeTest)
		cmd.Stdout, cmd.Stderr = progress, progress
		if err := cmd.Run(); err != nil {
			return r, fmt.Errorf("%s: %w", c.timeTest, err)
		}
		r.TestTime = time.Since(start)
	}
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
	r.Elapsed = time.Since(start)
	r.Targets = targets(r)
	r.Problems = b.problems
	return r, nil
}

// runAll runs every scenario and every concurrent round, without and with
// latency, into r.
func (b *bench) runAll(ctx context.Context, c config, r *report) error {
	for _, sc := range scenarios() {
		for _, lat := range []time.Duration{0, c.latency} {
			reps := c.reps
			if lat > 0 {
				reps = c.latencyReps
			}
			res, err := b.runScenario(ctx, sc, lat, reps)
			if err != nil {
				return err
			}
			r.Runs = append(r.Runs, res)
		}
	}
	for _, cc := range concurrents() {
		for _, lat := range []time.Duration{0, c.latency} {
			res, err := b.runConcurrent(ctx, cc, c.procs, lat)
			if err != nil {
				return err
			}
			r.Concurrent = append(r.Concurrent, res)
		}
	}
	return nil
}

// writeFile renders the report into path.
func writeFile(path string, r report) error {
	var buf bytes.Buffer
	if err := render(&buf, r); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
