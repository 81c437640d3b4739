package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// Import paths of the floor and of the launcher of measured programs.
const (
	floorPackage = "nifcloud_lb/nifcloud/nifcloudtest/nifcloud-bench/floor"
	spawnPackage = "nifcloud_lb/nifcloud/nifcloudtest/nifcloud-bench/spawn"
)

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "nifcloud-bench: %v\n", err)
		return 2
	}
	r, err := measureAll(ctx, c, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nifcloud-bench: %v\n", err)
		return 1
	}
	if err := writeReportFile(c.out, r); err != nil {
		fmt.Fprintf(stderr, "nifcloud-bench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "nifcloud-bench: wrote %s\n", c.out)
	for _, t := range r.Targets {
		fmt.Fprintf(stdout, "  %-12s %s: %s\n", strings.Trim(t.Verdict.String(), "*"), t.Target, t.Measured)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(stderr, "nifcloud-bench: %d failed checks:\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return 1
	}
	return 0
}

// writeReportFile writes the report through a temporary file, so that a
// failed write leaves the old report.
func writeReportFile(path string, r report) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	err = writeReport(f, r)
	if closeErr := f.Close(); err == nil && closeErr != nil {
		err = fmt.Errorf("write report: %w", closeErr)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// measureAll runs every measurement.
func measureAll(ctx context.Context, c config, progress io.Writer) (report, error) {
	start := time.Now()
	r := report{Machine: describeMachine(ctx, c.root, start), Settings: c.settings}
	var err error
	if r.Module, err = inspectBinary(c.module); err != nil {
		return r, fmt.Errorf("module: %w (run make build)", err)
	}
	if c.dist != "" {
		if r.Dist, err = distBinaries(c.dist); err != nil {
			return r, err
		}
	}
	dir, err := os.MkdirTemp("", "nifcloud-bench-")
	if err != nil {
		return r, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)

	floor, spawn := filepath.Join(dir, "floor"), filepath.Join(dir, "spawn")
	if err := buildProgram(ctx, c, floorPackage, floor); err != nil {
		return r, err
	}
	if err := buildProgram(ctx, c, spawnPackage, spawn); err != nil {
		return r, err
	}
	launch := &launcher{spawn: spawn, dir: dir}
	// The launcher started by itself, with no arguments, exits at once:
	// its peak RSS is the least any measured program can show.
	baseline, err := launch.run(ctx, spawn)
	if err != nil {
		return r, fmt.Errorf("launcher baseline: %w", err)
	}
	r.LauncherRSS = baseline.maxRSS
	module, err := filepath.Abs(c.module)
	if err != nil {
		return r, fmt.Errorf("module: %w", err)
	}
	emu, err := startEmulator(dir)
	if err != nil {
		return r, err
	}
	defer emu.close()
	cred, err := newCredential()
	if err != nil {
		return r, err
	}
	b := &bench{module: module, floor: floor, dir: dir, launch: launch, emu: emu, cred: cred, progress: progress}

	if err := b.measureRuns(ctx, c, &r); err != nil {
		return r, err
	}
	if c.goBenchPkg != "" {
		fmt.Fprintf(progress, "nifcloud-bench: go test -bench %s\n", c.goBenchPkg)
		if r.GoBench, err = runGoBenchmarks(ctx, c.goTool, c.root, c.goBenchPkg); err != nil {
			return r, err
		}
	}
	r.Machine.LoadAfter = readLoad()
	r.Elapsed = time.Since(start)
	r.Targets = evaluateTargets(r)
	r.Problems = b.failures()
	return r, nil
}

// measureRuns runs the module measurements into r.
func (b *bench) measureRuns(ctx context.Context, c config, r *report) error {
	for _, sc := range perRunScenarios(b.cred) {
		set, err := b.measure(ctx, sc, plan{reps: c.Reps, floor: true, warmUp: true})
		if err != nil {
			return err
		}
		r.PerRun = append(r.PerRun, set)
	}
	for _, sc := range perRunScenarios(b.cred) {
		set, err := b.measure(ctx, sc, plan{reps: c.RemoteReps, latency: c.Latency, floor: true, warmUp: true})
		if err != nil {
			return err
		}
		r.Remote = append(r.Remote, set)
	}
	for _, n := range c.Members {
		sc := membersScenario(b.cred, n)
		set, err := b.measure(ctx, sc, plan{reps: c.MemberReps, warmUp: true})
		if err != nil {
			return err
		}
		size, err := replySize(sc.state())
		if err != nil {
			return err
		}
		r.Members = append(r.Members, membersResult{Members: n, ReplyBytes: size, Runs: set})
	}
	sc := manyLBsScenario(b.cred, c.LBs)
	set, err := b.measure(ctx, sc, plan{reps: c.LBReps, warmUp: true})
	if err != nil {
		return err
	}
	r.ManyLBs = append(r.ManyLBs, set)
	if c.LBRemote && c.Latency > 0 {
		set, err := b.measure(ctx, sc, plan{reps: 1, latency: c.Latency})
		if err != nil {
			return err
		}
		r.ManyLBs = append(r.ManyLBs, set)
	}
	for round := range c.ConcurrentRounds + 1 {
		latency := time.Duration(0)
		if round == c.ConcurrentRounds {
			latency = c.Latency
		}
		res, err := b.concurrent(ctx, c.Concurrent, c.ConcurrentOriginal, latency)
		if err != nil {
			return err
		}
		r.Concurrent = append(r.Concurrent, res)
	}
	return nil
}

// buildProgram builds a program with the module's build flags.
func buildProgram(ctx context.Context, c config, pkg, out string) error {
	cmd := exec.CommandContext(ctx, c.goTool, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = c.root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w: %s", pkg, err, strings.TrimSpace(string(output)))
	}
	return nil
}

// newCredential returns a fresh random credential, so that nothing
// measured can depend on, or leak, a fixed secret.
func newCredential() (nifcloudtest.Credential, error) {
	secret := make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return nifcloudtest.Credential{}, fmt.Errorf("generate credential: %w", err)
	}
	return nifcloudtest.Credential{AccessKeyID: "NIFCLOUDBENCH0000001", SecretAccessKey: hex.EncodeToString(secret)}, nil
}

// replySize returns the size of the emulator's DescribeLoadBalancers reply
// for the benchmark's port definition in the given state.
func replySize(opts nifcloudtest.Options) (int, error) {
	srv, err := nifcloudtest.New(opts)
	if err != nil {
		return 0, fmt.Errorf("reply size: %w", err)
	}
	params := url.Values{
		"Action":                               {nifcloud.ActionDescribeLoadBalancers},
		"Version":                              {nifcloud.APIVersion},
		"LoadBalancerNames.member.1":           {benchLB},
		"LoadBalancerNames.LoadBalancerPort.1": {strconv.Itoa(benchPort[0])},
		"LoadBalancerNames.InstancePort.1":     {strconv.Itoa(benchPort[1])},
	}
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, "https://127.0.0.1"+nifcloudtest.APIPath, params, opts.Credentials[0], time.Now())
	if err != nil {
		return 0, fmt.Errorf("reply size: %w", err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return 0, fmt.Errorf("reply size: HTTP %d from the emulator", rec.Code)
	}
	return rec.Body.Len(), nil
}
