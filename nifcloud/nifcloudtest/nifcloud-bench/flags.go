package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// config holds the parsed flags.
type config struct {
	module, dist, out, root, goTool, goBenchPkg string
	settings
}

// parseFlags parses args; it returns flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var members string
	fs := flag.NewFlagSet("nifcloud-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.module, "module", "library/nifcloud_lb", "module binary to measure (make build)")
	fs.StringVar(&c.dist, "dist", "dist", "directory of the make dist binaries whose size to report; empty skips them")
	fs.StringVar(&c.out, "out", "BENCHMARKS.md", "report to write")
	fs.StringVar(&c.root, "root", ".", "root of the nifcloud_lb module (for go build, go test and git)")
	fs.StringVar(&c.goTool, "go", "go", "go command")
	fs.StringVar(&c.goBenchPkg, "gobench", "./nifcloud/", "package whose Go benchmarks to run; empty skips them")
	fs.IntVar(&c.Reps, "reps", 40, "runs of module and floor per everyday scenario")
	fs.IntVar(&c.RemoteReps, "remote-reps", 10, "runs per everyday scenario with -latency")
	fs.DurationVar(&c.Latency, "latency", 100*time.Millisecond, "simulated latency of a remote API, per call")
	fs.StringVar(&members, "members", "1000,10000", "sizes of the large port definitions, comma-separated")
	fs.IntVar(&c.MemberReps, "member-reps", 10, "runs per large port definition")
	fs.IntVar(&c.LBs, "lbs", 200, "load balancers of the absent-everywhere scale run (at most 235)")
	fs.IntVar(&c.LBReps, "lb-reps", 3, "runs of the absent-everywhere scale run")
	fs.BoolVar(&c.LBRemote, "lb-remote", true, "also run the absent-everywhere scale run once with -latency")
	fs.IntVar(&c.Concurrent, "concurrent", 50, "module processes started at once")
	fs.IntVar(&c.ConcurrentRounds, "concurrent-rounds", 3, "rounds of concurrent processes without latency (one more runs with -latency)")
	fs.IntVar(&c.ConcurrentOriginal, "concurrent-original", 100, "members of the port definition before the concurrent runs")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: nifcloud-bench [flags]\n\nMeasures the nifcloud_lb module against a local HTTPS emulator and writes a Markdown report.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var err error
	if c.Members, err = parseSizes(members); err != nil {
		return config{}, fmt.Errorf("-members: %w", err)
	}
	switch {
	case c.Reps < 1 || c.RemoteReps < 1 || c.MemberReps < 1 || c.LBReps < 1:
		return config{}, errors.New("-reps, -remote-reps, -member-reps and -lb-reps must be at least 1")
	case c.Latency < 0:
		return config{}, errors.New("-latency must not be negative")
	case c.LBs < 1 || c.LBs > 235:
		return config{}, errors.New("-lbs must be 1 to 235 (the emulator's VIP pool)")
	case c.Concurrent < 1 || c.ConcurrentRounds < 0 || c.ConcurrentOriginal < 0:
		return config{}, errors.New("-concurrent must be at least 1, -concurrent-rounds and -concurrent-original not negative")
	case c.module == "" || c.out == "":
		return config{}, errors.New("-module and -out must not be empty")
	}
	return c, nil
}

// parseSizes reads "1000,10000".
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", part)
		}
		out = append(out, n)
	}
	return out, nil
}
